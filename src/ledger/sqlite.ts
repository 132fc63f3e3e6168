/**
 * SQLite ledger (better-sqlite3). Safe across processes sharing one file:
 * WAL lets readers proceed, and every decision runs in BEGIN IMMEDIATE, which
 * takes the database's single write lock before reading state, so two
 * processes can never both decide from the same totals. busy_timeout makes a
 * waiting process queue for that lock instead of failing; a group-committed
 * batch instead tries the lock without waiting and retries from the event
 * loop (group-commit.ts), so a process never sleeps in SQLite while requests
 * wait to be verified.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
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
import { type BatchOutcome, GroupCommitter, LOCK_BUSY } from './group-commit.js';
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
  type ReleaseKind,
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

const SCHEMA_VERSION = 3;
const BUSY_TIMEOUT_MS = 30_000;

const SCHEMA_V1 = `
CREATE TABLE decisions (
  presentation_id   TEXT PRIMARY KEY,
  l2_id             TEXT NOT NULL,
  pair_id           TEXT NOT NULL,
  signer_thumbprint TEXT NOT NULL,
  nonce             TEXT NOT NULL,
  transaction_id    TEXT NOT NULL,
  mode              TEXT NOT NULL,
  multi_transaction INTEGER NOT NULL CHECK (multi_transaction IN (0, 1)),
  decision          TEXT NOT NULL CHECK (decision IN ('approved', 'declined')),
  code              TEXT,
  message           TEXT NOT NULL,
  authorization_id  TEXT UNIQUE,
  amount            INTEGER,
  currency          TEXT NOT NULL,
  decided_at        INTEGER NOT NULL,
  reversed_at       INTEGER,
  CHECK ((decision = 'approved') = (authorization_id IS NOT NULL))
);
CREATE INDEX decisions_active_by_l2 ON decisions (l2_id, currency)
  WHERE decision = 'approved' AND reversed_at IS NULL;
CREATE INDEX decisions_active_by_pair ON decisions (l2_id, pair_id)
  WHERE decision = 'approved' AND reversed_at IS NULL;
-- Backstop for the base model: one live approval per mandate pair, whatever the code does.
CREATE UNIQUE INDEX decisions_single_fulfilment ON decisions (l2_id, pair_id)
  WHERE decision = 'approved' AND reversed_at IS NULL AND multi_transaction = 0;
CREATE TABLE used_nonces (
  signer_thumbprint TEXT NOT NULL,
  nonce             TEXT NOT NULL,
  presentation_id   TEXT NOT NULL,
  PRIMARY KEY (signer_thumbprint, nonce)
);
CREATE TABLE audit (
  seq              INTEGER PRIMARY KEY AUTOINCREMENT,
  at               INTEGER NOT NULL,
  kind             TEXT NOT NULL,
  decision         TEXT NOT NULL,
  code             TEXT,
  l2_id            TEXT,
  pair_id          TEXT,
  presentation_id  TEXT,
  authorization_id TEXT,
  amount           INTEGER,
  currency         TEXT,
  detail           TEXT NOT NULL
);
CREATE INDEX audit_by_l2 ON audit (l2_id, seq);
`;

/**
 * v2: budgets per mandate pair (spend summed per l2, pair and currency);
 * nonces owned by the Immediate L2 rather than by one of its pairs' presentations
 * (rows of v1 move over with that meaning); user revocations; merchant replay memory.
 */
const SCHEMA_V2 = `
DROP INDEX decisions_active_by_l2;
DROP INDEX decisions_active_by_pair;
CREATE INDEX decisions_active_by_pair ON decisions (l2_id, pair_id, currency)
  WHERE decision = 'approved' AND reversed_at IS NULL;
CREATE TABLE nonce_owners (
  signer_thumbprint TEXT NOT NULL,
  nonce             TEXT NOT NULL,
  owner             TEXT NOT NULL,
  PRIMARY KEY (signer_thumbprint, nonce)
);
INSERT INTO nonce_owners (signer_thumbprint, nonce, owner)
  SELECT u.signer_thumbprint, u.nonce,
         CASE WHEN d.mode = 'immediate' THEN 'l2:' || d.l2_id ELSE u.presentation_id END
    FROM used_nonces u LEFT JOIN decisions d ON d.presentation_id = u.presentation_id;
DROP TABLE used_nonces;
CREATE TABLE revocations (
  l2_id             TEXT PRIMARY KEY,
  signer_thumbprint TEXT NOT NULL,
  issued_at         INTEGER NOT NULL,
  revocation_id     TEXT NOT NULL,
  recorded_at       INTEGER NOT NULL
);
CREATE TABLE merchant_seen (
  content_id        TEXT PRIMARY KEY,
  signer_thumbprint TEXT NOT NULL,
  nonce             TEXT NOT NULL,
  seen_at           INTEGER NOT NULL,
  forget_after      INTEGER NOT NULL
);
CREATE UNIQUE INDEX merchant_seen_nonce ON merchant_seen (signer_thumbprint, nonce);
CREATE INDEX merchant_seen_expiry ON merchant_seen (forget_after);
`;

/**
 * v3: capture and hold expiry. `reversed_at` now means "released" (by a
 * reversal or by the hold time passing, as `released_by` says), so the
 * indexes over live approvals stay as they are; spend counts the captured
 * amount once there is one. Rows of v2 are held with no hold time.
 */
const SCHEMA_V3 = `
ALTER TABLE decisions ADD COLUMN hold_until INTEGER;
ALTER TABLE decisions ADD COLUMN captured_at INTEGER;
ALTER TABLE decisions ADD COLUMN captured_amount INTEGER;
ALTER TABLE decisions ADD COLUMN released_by TEXT CHECK (released_by IN ('reversal', 'expiry'));
ALTER TABLE decisions ADD COLUMN l1_status TEXT;
UPDATE decisions SET released_by = 'reversal' WHERE reversed_at IS NOT NULL;
CREATE INDEX decisions_holds ON decisions (hold_until)
  WHERE decision = 'approved' AND reversed_at IS NULL AND captured_at IS NULL AND hold_until IS NOT NULL;
`;

/** Schema steps in order: step i takes a database from version i to i + 1. */
const MIGRATIONS = [SCHEMA_V1, SCHEMA_V2, SCHEMA_V3];

/** Open (and migrate) a SQLite network ledger file, for one process.
 *
 * @example
 * const ledger = await openSqliteLedger('.vintent/ledger.db');
 */
export async function openSqliteLedger(path: string, options: LedgerOptions = {}): Promise<Ledger> {
  return storageCall(() => {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
    try {
      db.pragma('journal_mode = WAL');
      // FULL: a committed authorization survives power loss, not just a process crash.
      db.pragma('synchronous = FULL');
      migrate(db);
      return new SqliteLedger(db, options);
    } catch (error) {
      db.close();
      throw error;
    }
  }, `open ${path}`);
}

function migrate(db: Database.Database): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new VIError({
        code: 'LEDGER_UNAVAILABLE',
        layer: 'ledger',
        message: `ledger schema version ${version} is newer than this code supports (${SCHEMA_VERSION})`,
      });
    }
    for (let step = version; step < SCHEMA_VERSION; step++) db.exec(MIGRATIONS[step]!);
    if (version < SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

class SqliteLedger implements Ledger {
  private readonly statements;
  private readonly authorizeTx: (req: AuthorizationRequest) => Decision;
  /** Group commit (default): one transaction and one fsync for the decisions queued meanwhile. */
  private readonly committer: GroupCommitter<AuthorizationRequest, Decision> | undefined;
  private readonly reverseTx: (
    authorizationId: string,
    at: number,
    reason: string,
  ) => ReversalResult;
  private readonly revokeTx: (record: RevocationRecord) => RevocationResult;
  private readonly rememberTx: (presentation: MerchantPresentation) => MerchantMemoryResult;
  private readonly captureTx: (req: CaptureRequest) => CaptureResult;
  private readonly expireTx: (at: number, limit: number) => number;

  constructor(
    private readonly db: Database.Database,
    private readonly options: LedgerOptions,
  ) {
    this.statements = prepareStatements(db);
    const authorizeTx = db.transaction((req: AuthorizationRequest) => this.decide(req));
    const reverseTx = db.transaction((id: string, at: number, reason: string) =>
      this.applyReversal(id, at, reason),
    );
    // .immediate: take the write lock before reading, so the read-decide-write is one critical section.
    this.authorizeTx = (req) => authorizeTx.immediate(req);
    this.reverseTx = (id, at, reason) => reverseTx.immediate(id, at, reason);
    if (options.groupCommit !== false) {
      // Inside the batch's transaction, authorizeTx runs as a savepoint: a decision
      // that fails leaves no write behind, and the others of its batch still commit.
      const batchTx = db.transaction((reqs: AuthorizationRequest[]) =>
        reqs.map((req): BatchOutcome<Decision> => {
          try {
            return { ok: true, value: storageCall(() => authorizeTx(req), 'authorize') };
          } catch (error) {
            return { ok: false, error };
          }
        }),
      );
      // busy_timeout is switched off for a 'try' only: a taken lock then fails BEGIN IMMEDIATE at
      // once (nothing done) and the committer retries later instead of sleeping in the driver.
      // db.pragma prepares afresh each time: SQLite applies busy_timeout while preparing the
      // statement, so a kept prepared statement would not set it again when run.
      const noWait = () => db.pragma('busy_timeout = 0');
      const wait = () => db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      this.committer = new GroupCommitter(
        (reqs, mode) =>
          storageCall(() => {
            if (mode === 'wait') return batchTx.immediate(reqs);
            noWait();
            try {
              return batchTx.immediate(reqs);
            } catch (error) {
              if (lockBusy(error)) return LOCK_BUSY;
              throw error;
            } finally {
              wait();
            }
          }, 'authorize'),
        undefined,
        undefined,
        options.onCommit,
      );
    }
    const revokeTx = db.transaction((record: RevocationRecord) => this.applyRevocation(record));
    this.revokeTx = (record) => revokeTx.immediate(record);
    const rememberTx = db.transaction((p: MerchantPresentation) => this.remember(p));
    this.rememberTx = (p) => rememberTx.immediate(p);
    const captureTx = db.transaction((req: CaptureRequest) => this.applyCapture(req));
    this.captureTx = (req) => captureTx.immediate(req);
    const expireTx = db.transaction((at: number, limit: number) =>
      this.expireDue(this.statements.holdsDue.all(at, limit) as AuthorizationRow[], at),
    );
    this.expireTx = (at, limit) => expireTx.immediate(at, limit);
  }

  async capture(req: CaptureRequest): Promise<CaptureResult> {
    return storageCall(() => this.captureTx(req), 'capture');
  }

  async authorization(authorizationId: string): Promise<AuthorizationRecord | null> {
    return storageCall(() => {
      const row = this.statements.findAuthorization.get(authorizationId) as
        | AuthorizationRow
        | undefined;
      return row ? authorizationRecordOf(row) : null;
    }, 'read authorization');
  }

  async expireHolds(at: number, limit = EXPIRY_SWEEP_LIMIT): Promise<number> {
    return storageCall(
      () => this.expireTx(storableTime(at), Math.max(0, Math.trunc(limit))),
      'expire holds',
    );
  }

  async authorize(req: AuthorizationRequest): Promise<Decision> {
    const shape = requestShapeProblem(req);
    if (shape) throw new VIError({ code: 'ARGUMENT_INVALID', layer: 'ledger', message: shape });
    if (this.committer) return this.committer.submit(req);
    const decision = storageCall(() => this.authorizeTx(req), 'authorize');
    this.options.onCommit?.(1);
    return decision;
  }

  async reverse(authorizationId: string, at: number, reason = ''): Promise<ReversalResult> {
    return storageCall(() => this.reverseTx(authorizationId, at, reason), 'reverse');
  }

  async revoke(record: RevocationRecord): Promise<RevocationResult> {
    return storageCall(() => this.revokeTx(record), 'revoke');
  }

  async rememberMerchantPresentation(
    presentation: MerchantPresentation,
  ): Promise<MerchantMemoryResult> {
    return storageCall(() => this.rememberTx(presentation), 'merchant memory');
  }

  async ping(): Promise<void> {
    storageCall(() => this.statements.ping.get(), 'ping');
  }

  async audit(opts: { l2Id?: string; limit?: number } = {}): Promise<AuditEvent[]> {
    return storageCall(() => {
      const limit = auditLimit(opts.limit);
      const rows = (
        opts.l2Id === undefined
          ? this.statements.auditAll.all(limit)
          : this.statements.auditForL2.all(opts.l2Id, limit)
      ) as StoredAuditRow[];
      return rows.reverse().map(toAuditEvent);
    }, 'audit');
  }

  async close(): Promise<void> {
    if (this.db.open) this.committer?.drain();
    if (this.db.open) this.db.close();
  }

  private decide(req: AuthorizationRequest): Decision {
    // Holds of this pair whose time passed are released first: their budget and occurrence are free again.
    const time = storableTime(req.at);
    this.expireDue(
      this.statements.pairHoldsDue.all(req.l2Id, req.pairId, time) as AuthorizationRow[],
      time,
    );
    const plan = planAuthorization(req, this.readState(req));
    if (plan.kind === 'replay') {
      this.appendAudit(authorizeAuditRow(req, plan.decision, REPLAY_DETAIL));
      return plan.decision;
    }
    const decision = decisionOf(plan.verdict);
    const detail = decisionDetail(req, decision);
    this.statements.insertDecision.run({
      presentation_id: req.presentationId,
      l2_id: req.l2Id,
      pair_id: req.pairId,
      signer_thumbprint: req.signerThumbprint,
      nonce: req.nonce,
      transaction_id: req.transactionId,
      mode: req.mode,
      multi_transaction: req.agentRecurrence || req.reuse ? 1 : 0,
      decision: decision.decision,
      code: decision.decision === 'declined' ? decision.code : null,
      message: detail,
      authorization_id: decision.authorizationId ?? null,
      amount: storableAmount(req.amount),
      currency: req.currency,
      decided_at: storableTime(req.at),
      hold_until: decision.decision === 'approved' ? storableHold(req.holdUntil) : null,
      l1_status: req.l1Status === undefined ? null : JSON.stringify(req.l1Status),
    });
    if (plan.claimNonce)
      this.statements.claimNonce.run(req.signerThumbprint, req.nonce, nonceOwnerOf(req));
    this.appendAudit(authorizeAuditRow(req, decision, detail));
    this.options.hooks?.afterInsert?.();
    return decision;
  }

  async usage(l2Id: string, pairId: string, at: number, excluding = ''): Promise<MandateUsage> {
    return storageCall(() => {
      const time = storableTime(at);
      this.db
        .transaction(() =>
          this.expireDue(
            this.statements.pairHoldsDue.all(l2Id, pairId, time) as AuthorizationRow[],
            time,
          ),
        )
        .immediate();
      const s = this.readState({
        presentationId: excluding,
        signerThumbprint: '',
        nonce: '',
        l2Id,
        pairId,
      });
      return usageOf(s);
    }, 'usage');
  }

  private readState(
    req: Pick<
      AuthorizationRequest,
      'presentationId' | 'signerThumbprint' | 'nonce' | 'l2Id' | 'pairId'
    >,
  ): LedgerState {
    const prior = this.statements.priorDecision.get(req.presentationId) as
      | (Omit<RecordedDecision, 'reversed'> & { reversed: bigint; releasedBy: ReleaseKind | null })
      | undefined;
    const nonce = this.statements.nonceOwner.get(req.signerThumbprint, req.nonce) as
      | { owner: string }
      | undefined;
    // The state around this presentation: what it decided before, if anything, is its own (prior).
    const pair = this.statements.pairActiveCount.get(req.l2Id, req.pairId, req.presentationId) as {
      n: bigint;
      last: bigint | null;
    };
    const spent = this.statements.pairSpent.all(req.l2Id, req.pairId, req.presentationId) as {
      currency: string;
      total: bigint;
    }[];
    const revoked = this.statements.revocation.get(req.l2Id) as { recorded_at: bigint } | undefined;
    return {
      prior: prior ? { ...prior, reversed: prior.reversed !== 0n } : null,
      nonceOwner: nonce?.owner ?? null,
      pairActiveCount: Number(pair.n),
      lastApprovedAt: pair.last === null ? null : Number(pair.last),
      pairSpentByCurrency: new Map(spent.map((row) => [row.currency, BigInt(row.total)])),
      revokedAt: revoked ? Number(revoked.recorded_at) : null,
    };
  }

  private applyRevocation(record: RevocationRecord): RevocationResult {
    const time = storableTime(record.at);
    const earlier = this.statements.revocation.get(record.l2Id) as
      | { recorded_at: bigint }
      | undefined;
    if (!earlier) {
      this.statements.insertRevocation.run(
        record.l2Id,
        record.signerThumbprint,
        storableTime(record.issuedAt),
        record.revocationId,
        time,
      );
    }
    const kept = this.statements.l2ActiveCount.get(record.l2Id) as { n: bigint };
    const result: RevocationResult = {
      newlyRevoked: !earlier,
      l2Id: record.l2Id,
      revokedAt: earlier ? Number(earlier.recorded_at) : time,
      authorizationsKept: Number(kept.n),
    };
    this.appendAudit(revocationAuditRow(record, result));
    return result;
  }

  private remember(p: MerchantPresentation): MerchantMemoryResult {
    const time = storableTime(p.at);
    this.statements.forgetMerchant.run(time);
    const byContent = this.statements.merchantByContent.get(p.contentId) as
      | { seen_at: bigint }
      | undefined;
    if (byContent)
      return { firstSeen: false, matched: 'content', firstSeenAt: Number(byContent.seen_at) };
    const byNonce = this.statements.merchantByNonce.get(p.signerThumbprint, p.nonce) as
      | { seen_at: bigint }
      | undefined;
    if (byNonce)
      return { firstSeen: false, matched: 'nonce', firstSeenAt: Number(byNonce.seen_at) };
    this.statements.insertMerchant.run(
      p.contentId,
      p.signerThumbprint,
      p.nonce,
      time,
      storableTime(p.forgetAfter),
    );
    return { firstSeen: true };
  }

  /** Release the given holds as expired (each still held is marked and audited); returns how many. */
  private expireDue(rows: AuthorizationRow[], at: number): number {
    let released = 0;
    for (const row of rows) {
      if (this.statements.markExpired.run(at, row.authorization_id).changes === 0) continue;
      this.appendAudit(expiryAuditRow(row, at));
      released++;
    }
    return released;
  }

  private applyCapture(req: CaptureRequest): CaptureResult {
    const time = storableTime(req.at);
    const row = this.statements.findAuthorization.get(req.authorizationId) as
      | AuthorizationRow
      | undefined;
    const revoked = row
      ? (this.statements.revocation.get(row.l2_id) as { recorded_at: bigint } | undefined)
      : undefined;
    const plan = planCapture(
      { ...req, at: time },
      row ? authorizationRecordOf(row) : null,
      revoked ? Number(revoked.recorded_at) : null,
    );
    if (plan.kind === 'replay') return plan.result;
    if (plan.kind === 'capture')
      this.statements.markCaptured.run(time, plan.amount, req.authorizationId);
    if (plan.kind === 'expire' && row) this.expireDue([row], time);
    const { result, audit } = captureOutcome(row, req, time, plan);
    this.appendAudit(audit);
    return result;
  }

  private applyReversal(authorizationId: string, at: number, reason: string): ReversalResult {
    const row = this.statements.findAuthorization.get(authorizationId) as
      | AuthorizationRow
      | undefined;
    const time = storableTime(at);
    const refusal = reversalRefusal(row ? authorizationRecordOf(row).state : undefined);
    if (refusal) {
      const { code, message } = refusal;
      this.appendAudit(reversalAuditRow(row, authorizationId, time, code, message));
      return { ok: false, code, message, authorizationId };
    }
    this.statements.markReversed.run(time, authorizationId);
    this.appendAudit(reversalAuditRow(row, authorizationId, time, null, reason || 'reversed'));
    return { ok: true, authorizationId };
  }

  private appendAudit(row: AuditRowValues): void {
    this.statements.insertAudit.run(...auditValues(row));
  }
}

function prepareStatements(db: Database.Database) {
  const active = `decision = 'approved' AND reversed_at IS NULL`;
  // An uncaptured live approval with a hold time: the rows expiry looks at (index decisions_holds).
  const held = `${active} AND captured_at IS NULL AND hold_until IS NOT NULL`;
  return {
    priorDecision: db
      .prepare(
        `SELECT decision, code, message, authorization_id AS authorizationId, reversed_at IS NOT NULL AS reversed, released_by AS releasedBy
           FROM decisions WHERE presentation_id = ?`,
      )
      .safeIntegers(true),
    nonceOwner: db.prepare(
      `SELECT owner FROM nonce_owners WHERE signer_thumbprint = ? AND nonce = ?`,
    ),
    pairActiveCount: db
      .prepare(
        `SELECT COUNT(*) AS n, MAX(decided_at) AS last FROM decisions WHERE l2_id = ? AND pair_id = ? AND presentation_id <> ? AND ${active}`,
      )
      .safeIntegers(true),
    l2ActiveCount: db
      .prepare(`SELECT COUNT(*) AS n FROM decisions WHERE l2_id = ? AND ${active}`)
      .safeIntegers(true),
    // safeIntegers: totals come back as exact BigInt, never a rounded double.
    pairSpent: db
      .prepare(
        `SELECT currency, SUM(COALESCE(captured_amount, amount)) AS total FROM decisions WHERE l2_id = ? AND pair_id = ? AND presentation_id <> ? AND ${active} GROUP BY currency`,
      )
      .safeIntegers(true),
    revocation: db
      .prepare(`SELECT recorded_at FROM revocations WHERE l2_id = ?`)
      .safeIntegers(true),
    insertRevocation: db.prepare(
      `INSERT INTO revocations (l2_id, signer_thumbprint, issued_at, revocation_id, recorded_at) VALUES (?, ?, ?, ?, ?)`,
    ),
    forgetMerchant: db.prepare(`DELETE FROM merchant_seen WHERE forget_after < ?`),
    merchantByContent: db
      .prepare(`SELECT seen_at FROM merchant_seen WHERE content_id = ?`)
      .safeIntegers(true),
    merchantByNonce: db
      .prepare(`SELECT seen_at FROM merchant_seen WHERE signer_thumbprint = ? AND nonce = ?`)
      .safeIntegers(true),
    insertMerchant: db.prepare(
      `INSERT INTO merchant_seen (content_id, signer_thumbprint, nonce, seen_at, forget_after) VALUES (?, ?, ?, ?, ?)`,
    ),
    insertDecision: db.prepare(`INSERT INTO decisions (
        presentation_id, l2_id, pair_id, signer_thumbprint, nonce, transaction_id, mode, multi_transaction,
        decision, code, message, authorization_id, amount, currency, decided_at, hold_until, l1_status
      ) VALUES (
        @presentation_id, @l2_id, @pair_id, @signer_thumbprint, @nonce, @transaction_id, @mode, @multi_transaction,
        @decision, @code, @message, @authorization_id, @amount, @currency, @decided_at, @hold_until, @l1_status
      )`),
    claimNonce: db.prepare(
      `INSERT INTO nonce_owners (signer_thumbprint, nonce, owner) VALUES (?, ?, ?)`,
    ),
    findAuthorization: db.prepare(
      `SELECT ${AUTHORIZATION_COLUMNS} FROM decisions WHERE authorization_id = ?`,
    ),
    markReversed: db.prepare(
      `UPDATE decisions SET reversed_at = ?, released_by = 'reversal' WHERE authorization_id = ? AND reversed_at IS NULL`,
    ),
    markExpired: db.prepare(
      `UPDATE decisions SET reversed_at = ?, released_by = 'expiry' WHERE authorization_id = ? AND reversed_at IS NULL AND captured_at IS NULL`,
    ),
    markCaptured: db.prepare(
      `UPDATE decisions SET captured_at = ?, captured_amount = ? WHERE authorization_id = ? AND reversed_at IS NULL AND captured_at IS NULL`,
    ),
    pairHoldsDue: db.prepare(
      `SELECT ${AUTHORIZATION_COLUMNS} FROM decisions WHERE l2_id = ? AND pair_id = ? AND ${held} AND hold_until <= ?`,
    ),
    holdsDue: db.prepare(
      `SELECT ${AUTHORIZATION_COLUMNS} FROM decisions WHERE ${held} AND hold_until <= ? ORDER BY hold_until LIMIT ?`,
    ),
    ping: db.prepare('SELECT 1'),
    insertAudit: db.prepare(
      `INSERT INTO audit (${AUDIT_COLUMNS.join(', ')}) VALUES (${AUDIT_COLUMNS.map(() => '?').join(', ')})`,
    ),
    // Newest N, reversed by the caller into oldest-first order.
    auditAll: db.prepare(`SELECT * FROM audit ORDER BY seq DESC LIMIT ?`),
    auditForL2: db.prepare(`SELECT * FROM audit WHERE l2_id = ? ORDER BY seq DESC LIMIT ?`),
  };
}

/** `limit` keeps the most recent events; absent means all. */
export function auditLimit(limit: number | undefined): number {
  if (limit === undefined) return -1 >>> 1;
  return Math.max(0, Math.trunc(limit));
}

/** SQLITE_BUSY (and its extended codes): another connection holds the lock this one needs. */
function lockBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/** Run a storage operation, turning driver failures into LEDGER_UNAVAILABLE. */
function storageCall<T>(operation: () => T, what: string): T {
  try {
    return operation();
  } catch (error) {
    if (error instanceof VIError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new VIError({
      code: 'LEDGER_UNAVAILABLE',
      layer: 'ledger',
      message: `sqlite ledger ${what} failed: ${reason}`,
      cause: error,
    });
  }
}
