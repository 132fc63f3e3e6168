/**
 * PostgreSQL ledger (pg Pool). Several validator processes may share one
 * database: each decision runs in one transaction that first takes a
 * transaction-scoped advisory lock keyed by the L2, so decisions about one L2
 * are serialized while different L2s proceed in parallel. Unique constraints
 * (presentation, nonce, one live approval per base-model pair) make a double
 * approval impossible even if a path skipped the lock; a transaction that hits
 * one is retried and then sees the winner's row.
 */
import pg from 'pg';
import { VIError } from '../errors.js';
import {
  AUDIT_COLUMNS,
  type AuditRowValues,
  auditValues,
  authorizeAuditRow,
  captureOutcome,
  decisionDetail,
  expiryAuditRow,
  reversalAuditRow,
  revocationAuditRow,
  type StoredAuditRow,
  toAuditEvent,
} from './audit-rows.js';
import type { LedgerOptions } from './hooks.js';
import {
  AUTHORIZATION_COLUMNS,
  type AuthorizationRow,
  authorizationRecordOf,
  decisionOf,
  EXPIRY_SWEEP_LIMIT,
  type LedgerState,
  nonceOwnerOf,
  planAuthorization,
  planCapture,
  REPLAY_DETAIL,
  type RecordedDecision,
  requestShapeProblem,
  reversalRefusal,
  storableAmount,
  storableHold,
  storableTime,
  usageOf,
} from './policy.js';
import type {
  AuditEvent,
  AuthorizationRecord,
  AuthorizationRequest,
  CaptureRequest,
  CaptureResult,
  Decision,
  Ledger,
  MandateUsage,
  MerchantMemoryResult,
  MerchantPresentation,
  ReversalResult,
  RevocationRecord,
  RevocationResult,
} from './types.js';

/** PostgreSQL ledger options: the schema to hold the tables and the pool size. */
export interface PostgresLedgerOptions extends LedgerOptions {
  /** Schema to hold the tables (created if missing); default: the connection's search_path. */
  schema?: string;
  /** Pool size; default 4. */
  maxConnections?: number;
  /** Refuse to create tables: an empty schema is an error (`vintent ledger show`). */
  mustExist?: boolean;
}

const SCHEMA_VERSION = 3;
/** First key of every advisory lock we take ("VINT"), so ours never collide with other applications'. */
const LOCK_NAMESPACE = 0x56494e54;
const MIGRATION_LOCK_KEY = 0;
const MAX_ATTEMPTS = 8;
/** unique_violation, serialization_failure, deadlock_detected: another decision won a race; try again. */
const RETRYABLE = new Set(['23505', '40001', '40P01']);

const VERSION_TABLE = `CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY);`;

const SCHEMA_V1 = `
CREATE TABLE IF NOT EXISTS decisions (
  presentation_id   text PRIMARY KEY,
  l2_id             text NOT NULL,
  pair_id           text NOT NULL,
  signer_thumbprint text NOT NULL,
  nonce             text NOT NULL,
  transaction_id    text NOT NULL,
  mode              text NOT NULL,
  multi_transaction boolean NOT NULL,
  decision          text NOT NULL CHECK (decision IN ('approved', 'declined')),
  code              text,
  message           text NOT NULL,
  authorization_id  text UNIQUE,
  amount            bigint,
  currency          text NOT NULL,
  decided_at        bigint NOT NULL,
  reversed_at       bigint,
  CHECK ((decision = 'approved') = (authorization_id IS NOT NULL))
);
CREATE INDEX IF NOT EXISTS decisions_active_by_l2 ON decisions (l2_id, currency)
  WHERE decision = 'approved' AND reversed_at IS NULL;
CREATE INDEX IF NOT EXISTS decisions_active_by_pair ON decisions (l2_id, pair_id)
  WHERE decision = 'approved' AND reversed_at IS NULL;
CREATE UNIQUE INDEX IF NOT EXISTS decisions_single_fulfilment ON decisions (l2_id, pair_id)
  WHERE decision = 'approved' AND reversed_at IS NULL AND NOT multi_transaction;
CREATE TABLE IF NOT EXISTS used_nonces (
  signer_thumbprint text NOT NULL,
  nonce             text NOT NULL,
  presentation_id   text NOT NULL,
  PRIMARY KEY (signer_thumbprint, nonce)
);
CREATE TABLE IF NOT EXISTS audit (
  seq              bigserial PRIMARY KEY,
  at               bigint NOT NULL,
  kind             text NOT NULL,
  decision         text NOT NULL,
  code             text,
  l2_id            text,
  pair_id          text,
  presentation_id  text,
  authorization_id text,
  amount           bigint,
  currency         text,
  detail           text NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_by_l2 ON audit (l2_id, seq);
`;

/** v2, as in the SQLite ledger: per-pair spend index, nonces owned by the Immediate L2, revocations, merchant memory. */
const SCHEMA_V2 = `
DROP INDEX IF EXISTS decisions_active_by_l2;
DROP INDEX IF EXISTS decisions_active_by_pair;
CREATE INDEX decisions_active_by_pair ON decisions (l2_id, pair_id, currency)
  WHERE decision = 'approved' AND reversed_at IS NULL;
CREATE TABLE nonce_owners (
  signer_thumbprint text NOT NULL,
  nonce             text NOT NULL,
  owner             text NOT NULL,
  PRIMARY KEY (signer_thumbprint, nonce)
);
INSERT INTO nonce_owners (signer_thumbprint, nonce, owner)
  SELECT u.signer_thumbprint, u.nonce,
         CASE WHEN d.mode = 'immediate' THEN 'l2:' || d.l2_id ELSE u.presentation_id END
    FROM used_nonces u LEFT JOIN decisions d ON d.presentation_id = u.presentation_id;
DROP TABLE used_nonces;
CREATE TABLE revocations (
  l2_id             text PRIMARY KEY,
  signer_thumbprint text NOT NULL,
  issued_at         bigint NOT NULL,
  revocation_id     text NOT NULL,
  recorded_at       bigint NOT NULL
);
CREATE TABLE merchant_seen (
  content_id        text PRIMARY KEY,
  signer_thumbprint text NOT NULL,
  nonce             text NOT NULL,
  seen_at           bigint NOT NULL,
  forget_after      bigint NOT NULL,
  UNIQUE (signer_thumbprint, nonce)
);
CREATE INDEX merchant_seen_expiry ON merchant_seen (forget_after);
`;

/** v3, as in the SQLite ledger: capture, hold expiry (`reversed_at` now means released, `released_by` says how), the L1 status reference. */
const SCHEMA_V3 = `
ALTER TABLE decisions ADD COLUMN hold_until bigint;
ALTER TABLE decisions ADD COLUMN captured_at bigint;
ALTER TABLE decisions ADD COLUMN captured_amount bigint;
ALTER TABLE decisions ADD COLUMN released_by text CHECK (released_by IN ('reversal', 'expiry'));
ALTER TABLE decisions ADD COLUMN l1_status text;
UPDATE decisions SET released_by = 'reversal' WHERE reversed_at IS NOT NULL;
CREATE INDEX decisions_holds ON decisions (hold_until)
  WHERE decision = 'approved' AND reversed_at IS NULL AND captured_at IS NULL AND hold_until IS NOT NULL;
`;

/** Schema steps in order: step i takes a database from version i to i + 1. */
const MIGRATIONS = [SCHEMA_V1, SCHEMA_V2, SCHEMA_V3];

const ACTIVE = `decision = 'approved' AND reversed_at IS NULL`;
/** An uncaptured live approval with a hold time: the rows expiry looks at (index decisions_holds). */
const HELD = `${ACTIVE} AND captured_at IS NULL AND hold_until IS NOT NULL`;

/** Open (and migrate) a PostgreSQL network ledger; safe for several validator processes.
 *
 * @example
 * const ledger = await openPostgresLedger(process.env.DATABASE_URL!, { schema: 'vintent', maxConnections: 8 });
 */
export async function openPostgresLedger(
  url: string,
  options: PostgresLedgerOptions = {},
): Promise<Ledger> {
  const schema = options.schema;
  if (schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new VIError({
      code: 'LEDGER_UNAVAILABLE',
      layer: 'ledger',
      message: `invalid schema name ${schema}`,
    });
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 4,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  try {
    await migrate(pool, schema, options.mustExist ?? false);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw unavailable(error, 'open');
  }
  return new PostgresLedger(pool, options);
}

async function migrate(
  pool: pg.Pool,
  schema: string | undefined,
  mustExist: boolean,
): Promise<void> {
  await inTransaction(pool, async (client) => {
    if (mustExist) {
      const { rows } = await client.query<{ t: string | null }>(
        `SELECT to_regclass('schema_version')::text AS t`,
      );
      if (!rows[0]?.t)
        throw new VIError({
          code: 'LEDGER_UNAVAILABLE',
          layer: 'ledger',
          claim: 'ledger.missing',
          message: `no ledger in ${schema ? `schema ${schema}` : 'this database'}`,
        });
    }
    // Concurrent CREATE ... IF NOT EXISTS can still collide in the catalog; serialize first-time setup.
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [
      LOCK_NAMESPACE,
      MIGRATION_LOCK_KEY,
    ]);
    if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(VERSION_TABLE);
    const { rows } = await client.query<{ v: number | null }>(
      'SELECT max(version) AS v FROM schema_version',
    );
    const version = rows[0]?.v ?? 0;
    if (version > SCHEMA_VERSION) {
      throw new VIError({
        code: 'LEDGER_UNAVAILABLE',
        layer: 'ledger',
        message: `ledger schema version ${version} is newer than this code supports (${SCHEMA_VERSION})`,
      });
    }
    for (let step = version; step < SCHEMA_VERSION; step++) await client.query(MIGRATIONS[step]!);
    if (version < SCHEMA_VERSION)
      await client.query('INSERT INTO schema_version (version) VALUES ($1)', [SCHEMA_VERSION]);
  });
}

class PostgresLedger implements Ledger {
  constructor(
    private readonly pool: pg.Pool,
    private readonly options: LedgerOptions,
  ) {}

  async authorize(req: AuthorizationRequest): Promise<Decision> {
    const shape = requestShapeProblem(req);
    if (shape) throw new VIError({ code: 'ARGUMENT_INVALID', layer: 'ledger', message: shape });
    const decision = await withRetry('authorize', () =>
      inTransaction(this.pool, (client) => this.decide(client, req)),
    );
    this.options.onCommit?.(1);
    return decision;
  }

  async usage(l2Id: string, pairId: string, at: number, excluding = ''): Promise<MandateUsage> {
    return withRetry('usage', () =>
      inTransaction(this.pool, async (client) => {
        await lockL2(client, l2Id);
        const time = storableTime(at);
        const due = await client.query<AuthorizationRow>(
          `SELECT ${AUTHORIZATION_COLUMNS} FROM decisions WHERE l2_id = $1 AND pair_id = $2 AND ${HELD} AND hold_until <= $3`,
          [l2Id, pairId, time],
        );
        await expireRows(client, due.rows, time);
        return usageOf(
          await readState(client, {
            presentationId: excluding,
            signerThumbprint: '',
            nonce: '',
            l2Id,
            pairId,
          }),
        );
      }),
    );
  }

  async reverse(authorizationId: string, at: number, reason = ''): Promise<ReversalResult> {
    return withRetry('reverse', () =>
      inTransaction(this.pool, (client) => this.applyReversal(client, authorizationId, at, reason)),
    );
  }

  async revoke(record: RevocationRecord): Promise<RevocationResult> {
    return withRetry('revoke', () =>
      inTransaction(this.pool, (client) => this.applyRevocation(client, record)),
    );
  }

  async capture(req: CaptureRequest): Promise<CaptureResult> {
    return withRetry('capture', () =>
      inTransaction(this.pool, (client) => this.applyCapture(client, req)),
    );
  }

  async authorization(authorizationId: string): Promise<AuthorizationRecord | null> {
    try {
      const { rows } = await this.pool.query<AuthorizationRow>(
        `SELECT ${AUTHORIZATION_COLUMNS} FROM decisions WHERE authorization_id = $1`,
        [authorizationId],
      );
      return rows[0] ? authorizationRecordOf(rows[0]) : null;
    } catch (error) {
      throw unavailable(error, 'read authorization');
    }
  }

  async expireHolds(at: number, limit = EXPIRY_SWEEP_LIMIT): Promise<number> {
    const time = storableTime(at);
    let due: { l2_id: string }[];
    try {
      ({ rows: due } = await this.pool.query<{ l2_id: string }>(
        `SELECT DISTINCT l2_id FROM (SELECT l2_id FROM decisions WHERE ${HELD} AND hold_until <= $1 ORDER BY hold_until LIMIT $2) due`,
        [time, Math.max(0, Math.trunc(limit))],
      ));
    } catch (error) {
      throw unavailable(error, 'expire holds');
    }
    let released = 0;
    // One short transaction per L2, under its decision lock: a sweep never holds two L2s' locks at once.
    for (const { l2_id } of due) {
      released += await withRetry('expire holds', () =>
        inTransaction(this.pool, async (client) => {
          await lockL2(client, l2_id);
          const { rows } = await client.query<AuthorizationRow>(
            `SELECT ${AUTHORIZATION_COLUMNS} FROM decisions WHERE l2_id = $1 AND ${HELD} AND hold_until <= $2`,
            [l2_id, time],
          );
          return expireRows(client, rows, time);
        }),
      );
    }
    return released;
  }

  async rememberMerchantPresentation(
    presentation: MerchantPresentation,
  ): Promise<MerchantMemoryResult> {
    return withRetry('merchant memory', () =>
      inTransaction(this.pool, (client) => this.remember(client, presentation)),
    );
  }

  async ping(): Promise<void> {
    try {
      await this.pool.query('SELECT 1');
    } catch (error) {
      throw unavailable(error, 'ping');
    }
  }

  async audit(opts: { l2Id?: string; limit?: number } = {}): Promise<AuditEvent[]> {
    const limit = opts.limit === undefined ? null : Math.max(0, Math.trunc(opts.limit));
    try {
      // Newest N, then oldest-first.
      const { rows } = await this.pool.query<StoredAuditRow>(
        `SELECT * FROM (
           SELECT * FROM audit WHERE ($1::text IS NULL OR l2_id = $1) ORDER BY seq DESC LIMIT $2
         ) newest ORDER BY seq ASC`,
        [opts.l2Id ?? null, limit],
      );
      return rows.map(toAuditEvent);
    } catch (error) {
      throw unavailable(error, 'audit');
    }
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }

  private async decide(client: pg.PoolClient, req: AuthorizationRequest): Promise<Decision> {
    await lockL2(client, req.l2Id);
    // Holds of this pair whose time passed are released first: their budget and occurrence are free again.
    const time = storableTime(req.at);
    const due = await client.query<AuthorizationRow>(
      `SELECT ${AUTHORIZATION_COLUMNS} FROM decisions WHERE l2_id = $1 AND pair_id = $2 AND ${HELD} AND hold_until <= $3`,
      [req.l2Id, req.pairId, time],
    );
    await expireRows(client, due.rows, time);
    const plan = planAuthorization(req, await readState(client, req));
    if (plan.kind === 'replay') {
      await appendAudit(client, authorizeAuditRow(req, plan.decision, REPLAY_DETAIL));
      return plan.decision;
    }
    const decision = decisionOf(plan.verdict);
    const detail = decisionDetail(req, decision);
    await client.query(
      `INSERT INTO decisions (
         presentation_id, l2_id, pair_id, signer_thumbprint, nonce, transaction_id, mode, multi_transaction,
         decision, code, message, authorization_id, amount, currency, decided_at, hold_until, l1_status
       ) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
      [
        req.presentationId,
        req.l2Id,
        req.pairId,
        req.signerThumbprint,
        req.nonce,
        req.transactionId,
        req.mode,
        Boolean(req.agentRecurrence || req.reuse),
        decision.decision,
        decision.decision === 'declined' ? decision.code : null,
        detail,
        decision.authorizationId ?? null,
        storableAmount(req.amount),
        req.currency,
        storableTime(req.at),
        decision.decision === 'approved' ? storableHold(req.holdUntil) : null,
        req.l1Status === undefined ? null : JSON.stringify(req.l1Status),
      ],
    );
    if (plan.claimNonce) {
      await client.query(
        'INSERT INTO nonce_owners (signer_thumbprint, nonce, owner) VALUES ($1, $2, $3)',
        [req.signerThumbprint, req.nonce, nonceOwnerOf(req)],
      );
    }
    await appendAudit(client, authorizeAuditRow(req, decision, detail));
    this.options.hooks?.afterInsert?.();
    return decision;
  }

  /** The approval with this id, locked, after its L2's decision lock: captures, reversals and decisions on one L2 never interleave. */
  private async lockedAuthorization(
    client: pg.PoolClient,
    authorizationId: string,
  ): Promise<AuthorizationRow | undefined> {
    const found = await client.query<{ l2_id: string }>(
      'SELECT l2_id FROM decisions WHERE authorization_id = $1',
      [authorizationId],
    );
    if (!found.rows[0]) return undefined;
    await lockL2(client, found.rows[0].l2_id);
    const { rows } = await client.query<AuthorizationRow>(
      `SELECT ${AUTHORIZATION_COLUMNS} FROM decisions WHERE authorization_id = $1 FOR UPDATE`,
      [authorizationId],
    );
    return rows[0];
  }

  private async applyCapture(client: pg.PoolClient, req: CaptureRequest): Promise<CaptureResult> {
    const time = storableTime(req.at);
    const row = await this.lockedAuthorization(client, req.authorizationId);
    const revoked = row
      ? await client.query<{ recorded_at: string }>(
          'SELECT recorded_at FROM revocations WHERE l2_id = $1',
          [row.l2_id],
        )
      : undefined;
    const revokedAt = revoked?.rows[0] ? Number(revoked.rows[0].recorded_at) : null;
    const plan = planCapture(
      { ...req, at: time },
      row ? authorizationRecordOf(row) : null,
      revokedAt,
    );
    if (plan.kind === 'replay') return plan.result;
    if (plan.kind === 'capture') {
      await client.query(
        'UPDATE decisions SET captured_at = $1, captured_amount = $2 WHERE authorization_id = $3',
        [time, plan.amount, req.authorizationId],
      );
    }
    if (plan.kind === 'expire' && row) await expireRows(client, [row], time);
    const { result, audit } = captureOutcome(row, req, time, plan);
    await appendAudit(client, audit);
    return result;
  }

  private async applyReversal(
    client: pg.PoolClient,
    authorizationId: string,
    at: number,
    reason: string,
  ): Promise<ReversalResult> {
    const time = storableTime(at);
    const target = await this.lockedAuthorization(client, authorizationId);
    const refusal = reversalRefusal(target ? authorizationRecordOf(target).state : undefined);
    if (refusal) {
      const { code, message } = refusal;
      await appendAudit(client, reversalAuditRow(target, authorizationId, time, code, message));
      return { ok: false, code, message, authorizationId };
    }
    await client.query(
      `UPDATE decisions SET reversed_at = $1, released_by = 'reversal' WHERE authorization_id = $2`,
      [time, authorizationId],
    );
    await appendAudit(
      client,
      reversalAuditRow(target, authorizationId, time, null, reason || 'reversed'),
    );
    return { ok: true, authorizationId };
  }

  private async applyRevocation(
    client: pg.PoolClient,
    record: RevocationRecord,
  ): Promise<RevocationResult> {
    const time = storableTime(record.at);
    // The L2's decision lock: a revocation and an authorization under it never interleave.
    await lockL2(client, record.l2Id);
    const inserted = await client.query(
      `INSERT INTO revocations (l2_id, signer_thumbprint, issued_at, revocation_id, recorded_at)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (l2_id) DO NOTHING`,
      [
        record.l2Id,
        record.signerThumbprint,
        storableTime(record.issuedAt),
        record.revocationId,
        time,
      ],
    );
    const first = await client.query<{ recorded_at: string }>(
      'SELECT recorded_at FROM revocations WHERE l2_id = $1',
      [record.l2Id],
    );
    const kept = await client.query<{ n: string }>(
      `SELECT COUNT(*) AS n FROM decisions WHERE l2_id = $1 AND decision = 'approved' AND reversed_at IS NULL`,
      [record.l2Id],
    );
    const result: RevocationResult = {
      newlyRevoked: inserted.rowCount === 1,
      l2Id: record.l2Id,
      revokedAt: Number(first.rows[0]?.recorded_at ?? time),
      authorizationsKept: Number(kept.rows[0]?.n ?? 0),
    };
    await appendAudit(client, revocationAuditRow(record, result));
    return result;
  }

  private async remember(
    client: pg.PoolClient,
    p: MerchantPresentation,
  ): Promise<MerchantMemoryResult> {
    const time = storableTime(p.at);
    await client.query('DELETE FROM merchant_seen WHERE forget_after < $1', [time]);
    // Either unique key (content, or signer + nonce) refuses the row; a concurrent twin waits here for the winner.
    const inserted = await client.query(
      `INSERT INTO merchant_seen (content_id, signer_thumbprint, nonce, seen_at, forget_after)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [p.contentId, p.signerThumbprint, p.nonce, time, storableTime(p.forgetAfter)],
    );
    if (inserted.rowCount === 1) return { firstSeen: true };
    const { rows } = await client.query<{ content_id: string; seen_at: string }>(
      `SELECT content_id, seen_at FROM merchant_seen WHERE content_id = $1 OR (signer_thumbprint = $2 AND nonce = $3)
        ORDER BY (content_id = $1) DESC LIMIT 1`,
      [p.contentId, p.signerThumbprint, p.nonce],
    );
    const row = rows[0];
    if (!row)
      throw new VIError({
        code: 'LEDGER_UNAVAILABLE',
        layer: 'ledger',
        message: 'merchant memory row vanished; try again',
      });
    return {
      firstSeen: false,
      matched: row.content_id === p.contentId ? 'content' : 'nonce',
      firstSeenAt: Number(row.seen_at),
    };
  }
}

/** The decision lock of one L2 (transaction-scoped): every write about an L2 takes it first. */
async function lockL2(client: pg.PoolClient, l2Id: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_NAMESPACE, l2Id]);
}

/** Release the given holds as expired (each still held is marked and audited); returns how many. Caller holds their L2's lock. */
async function expireRows(
  client: pg.PoolClient,
  rows: AuthorizationRow[],
  at: number,
): Promise<number> {
  let released = 0;
  for (const row of rows) {
    const marked = await client.query(
      `UPDATE decisions SET reversed_at = $1, released_by = 'expiry' WHERE authorization_id = $2 AND reversed_at IS NULL AND captured_at IS NULL`,
      [at, row.authorization_id],
    );
    if (marked.rowCount !== 1) continue;
    await appendAudit(client, expiryAuditRow(row, at));
    released++;
  }
  return released;
}

async function readState(
  client: pg.PoolClient,
  req: Pick<
    AuthorizationRequest,
    'presentationId' | 'signerThumbprint' | 'nonce' | 'l2Id' | 'pairId'
  >,
): Promise<LedgerState> {
  const active = ACTIVE;
  const prior = await client.query<RecordedDecision>(
    `SELECT decision, code, message, authorization_id AS "authorizationId", reversed_at IS NOT NULL AS reversed, released_by AS "releasedBy"
       FROM decisions WHERE presentation_id = $1`,
    [req.presentationId],
  );
  const nonce = await client.query<{ owner: string }>(
    'SELECT owner FROM nonce_owners WHERE signer_thumbprint = $1 AND nonce = $2',
    [req.signerThumbprint, req.nonce],
  );
  // COUNT and SUM come back as strings (bigint / numeric): parse exactly with BigInt.
  const pair = await client.query<{ n: string; last: string | null }>(
    `SELECT COUNT(*) AS n, MAX(decided_at) AS last FROM decisions WHERE l2_id = $1 AND pair_id = $2 AND presentation_id <> $3 AND ${active}`,
    [req.l2Id, req.pairId, req.presentationId],
  );
  const spent = await client.query<{ currency: string; total: string }>(
    `SELECT currency, SUM(COALESCE(captured_amount, amount)) AS total FROM decisions WHERE l2_id = $1 AND pair_id = $2 AND presentation_id <> $3 AND ${active} GROUP BY currency`,
    [req.l2Id, req.pairId, req.presentationId],
  );
  const revoked = await client.query<{ recorded_at: string }>(
    'SELECT recorded_at FROM revocations WHERE l2_id = $1',
    [req.l2Id],
  );
  return {
    prior: prior.rows[0] ?? null,
    nonceOwner: nonce.rows[0]?.owner ?? null,
    pairActiveCount: Number(pair.rows[0]?.n ?? 0),
    lastApprovedAt: pair.rows[0]?.last == null ? null : Number(pair.rows[0].last),
    pairSpentByCurrency: new Map(spent.rows.map((row) => [row.currency, BigInt(row.total)])),
    revokedAt: revoked.rows[0] ? Number(revoked.rows[0].recorded_at) : null,
  };
}

async function appendAudit(client: pg.PoolClient, row: AuditRowValues): Promise<void> {
  const placeholders = AUDIT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ');
  await client.query(
    `INSERT INTO audit (${AUDIT_COLUMNS.join(', ')}) VALUES (${placeholders})`,
    auditValues(row),
  );
}

async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true; // connection is gone: the server rolls back on its own; don't reuse the client.
    }
    throw error;
  } finally {
    client.release(broken);
  }
}

async function withRetry<T>(what: string, attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (error instanceof VIError) throw error;
      const code = (error as { code?: unknown }).code;
      if (n < MAX_ATTEMPTS && typeof code === 'string' && RETRYABLE.has(code)) continue;
      throw unavailable(error, what);
    }
  }
}

function unavailable(error: unknown, what: string): VIError {
  if (error instanceof VIError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new VIError({
    code: 'LEDGER_UNAVAILABLE',
    layer: 'ledger',
    message: `postgres ledger ${what} failed: ${reason}`,
    cause: error,
  });
}
