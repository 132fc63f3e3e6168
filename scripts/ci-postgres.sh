#!/usr/bin/env bash
# Ensure a PostgreSQL 15 server listens on 127.0.0.1:5432 with role/db "vintent"
# (password "vintent"). Idempotent: safe to run again when it is already up.
# Progress goes to stderr; stdout carries only the connection URL, so callers
# can do:  export VINTENT_PG_URL="$(scripts/ci-postgres.sh)"
set -euo pipefail

PG_VERSION=15
PG_PORT=5432
PG_HOST=127.0.0.1
PG_BIN="/usr/lib/postgresql/${PG_VERSION}/bin"
FALLBACK_DATA_DIR="${VINTENT_PG_DATA_DIR:-/tmp/vintent-pg-${PG_VERSION}}"
ROLE=vintent
PASSWORD=vintent
DB=vintent

log() { echo "ci-postgres: $*" >&2; }

# PostgreSQL refuses to run as root, so server commands run as the postgres user.
as_postgres() {
  if [ "$(id -un)" = postgres ]; then
    "$@"
  elif [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    sudo -n -u postgres -- "$@"
  fi
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi
}

install_if_missing() {
  if [ -x "${PG_BIN}/initdb" ] && command -v pg_ctlcluster >/dev/null 2>&1; then
    return
  fi
  log "PostgreSQL ${PG_VERSION} not found; installing the Debian package"
  as_root apt-get update >&2
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y postgresql >&2
}

server_ready() {
  "${PG_BIN}/pg_isready" -q -h "$PG_HOST" -p "$PG_PORT" >/dev/null 2>&1
}

wait_ready() {
  for _ in $(seq 1 60); do
    server_ready && return 0
    sleep 0.5
  done
  log "server did not become ready on ${PG_HOST}:${PG_PORT}"
  return 1
}

start_server() {
  if server_ready; then
    log "server already accepting connections on ${PG_HOST}:${PG_PORT}"
    return
  fi
  # Prefer the packaged cluster; fall back to a private data dir under /tmp
  # (e.g. containers where the packaged cluster was never created).
  if command -v pg_lsclusters >/dev/null 2>&1 && pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2" "$3}' | grep -qx "${PG_VERSION} main ${PG_PORT}"; then
    log "starting cluster ${PG_VERSION}/main"
    as_root pg_ctlcluster "$PG_VERSION" main start >&2 || true
  fi
  if ! server_ready; then
    if [ ! -s "${FALLBACK_DATA_DIR}/PG_VERSION" ]; then
      log "initialising data dir ${FALLBACK_DATA_DIR}"
      as_root mkdir -p "$FALLBACK_DATA_DIR"
      as_root chown postgres:postgres "$FALLBACK_DATA_DIR"
      as_postgres "${PG_BIN}/initdb" -D "$FALLBACK_DATA_DIR" -U postgres \
        --auth-local=trust --auth-host=scram-sha-256 >&2
    fi
    log "starting server from ${FALLBACK_DATA_DIR}"
    as_postgres "${PG_BIN}/pg_ctl" -D "$FALLBACK_DATA_DIR" -l "${FALLBACK_DATA_DIR}/server.log" \
      -o "-c listen_addresses=${PG_HOST} -p ${PG_PORT} -k /tmp" -w start >&2
  fi
  wait_ready
}

# Local superuser connection: the packaged cluster uses the Debian socket dir,
# the fallback one /tmp; try both.
psql_super() {
  local dir
  for dir in /var/run/postgresql /tmp; do
    if [ -S "${dir}/.s.PGSQL.${PG_PORT}" ]; then
      as_postgres psql -h "$dir" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt "$@"
      return
    fi
  done
  log "no local socket for port ${PG_PORT}"
  return 1
}

ensure_role_and_db() {
  if [ "$(psql_super -c "SELECT 1 FROM pg_roles WHERE rolname='${ROLE}'")" != 1 ]; then
    log "creating role ${ROLE}"
    psql_super -c "CREATE ROLE ${ROLE} LOGIN PASSWORD '${PASSWORD}'" >&2
  else
    psql_super -c "ALTER ROLE ${ROLE} LOGIN PASSWORD '${PASSWORD}'" >&2
  fi
  if [ "$(psql_super -c "SELECT 1 FROM pg_database WHERE datname='${DB}'")" != 1 ]; then
    log "creating database ${DB}"
    psql_super -c "CREATE DATABASE ${DB} OWNER ${ROLE}" >&2
  fi
}

install_if_missing
start_server
ensure_role_and_db
URL="postgres://${ROLE}:${PASSWORD}@${PG_HOST}:${PG_PORT}/${DB}"
PGPASSWORD="$PASSWORD" psql "$URL" -qAt -c 'SELECT 1' >/dev/null
log "ready"
echo "$URL"
