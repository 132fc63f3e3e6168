/**
 * SQLite ledger (better-sqlite3). Safe across processes sharing one file:
 * WAL lets readers proceed, and every decision runs in BEGIN IMMEDIATE, which
 * takes the database's single write lock before reading state, so two
 * processes can never both decide from the same totals. busy_timeout makes a
 * waiting process queue for that lock instead of failing.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { VIError } from '../errors.js';
import {
  auditValues,
  AUDIT_COLUMNS,
  authorizeAuditRow,
  decisionDetail,
  reversalAuditRow,
  toAuditEvent,
  type AuditRowValues,
  type ReversalTarget,
  type StoredAuditRow,
} from './audit-rows.js';
import { GroupCommitter, type BatchOutcome } from './group-commit.js';
import type { LedgerOptions } from './hooks.js';
import {
  decisionOf,
  planAuthorization,
  REPLAY_DETAIL,
  requestShapeProblem,
  REVERSAL_MESSAGES,
  storableAmount,
  storableTime,
  type LedgerState,
  type RecordedDecision,
} from './policy.js';
import type { AuditEvent, AuthorizationRequest, Decision, Ledger, ReversalResult } from './types.js';

const SCHEMA_VERSION = 1;
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
    if (version < 1) {
      db.exec(SCHEMA_V1);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }
  }).immediate();
}

class SqliteLedger implements Ledger {
  private readonly statements;
  private readonly authorizeTx: (req: AuthorizationRequest) => Decision;
  /** Group commit (default): one transaction and one fsync for the decisions queued meanwhile. */
  private readonly committer: GroupCommitter<AuthorizationRequest, Decision> | undefined;
  private readonly reverseTx: (authorizationId: string, at: number, reason: string) => ReversalResult;

  constructor(private readonly db: Database.Database, private readonly options: LedgerOptions) {
    this.statements = prepareStatements(db);
    const authorizeTx = db.transaction((req: AuthorizationRequest) => this.decide(req));
    const reverseTx = db.transaction((id: string, at: number, reason: string) => this.applyReversal(id, at, reason));
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
      this.committer = new GroupCommitter((reqs) => storageCall(() => batchTx.immediate(reqs), 'authorize'));
    }
  }

  async authorize(req: AuthorizationRequest): Promise<Decision> {
    const shape = requestShapeProblem(req);
    if (shape) throw new VIError({ code: 'INTERNAL', layer: 'ledger', message: shape });
    if (this.committer) return this.committer.submit(req);
    return storageCall(() => this.authorizeTx(req), 'authorize');
  }

  async reverse(authorizationId: string, at: number, reason = ''): Promise<ReversalResult> {
    return storageCall(() => this.reverseTx(authorizationId, at, reason), 'reverse');
  }

  async audit(opts: { l2Id?: string; limit?: number } = {}): Promise<AuditEvent[]> {
    return storageCall(() => {
      const limit = auditLimit(opts.limit);
      const rows = (opts.l2Id === undefined
        ? this.statements.auditAll.all(limit)
        : this.statements.auditForL2.all(opts.l2Id, limit)) as StoredAuditRow[];
      return rows.reverse().map(toAuditEvent);
    }, 'audit');
  }

  async close(): Promise<void> {
    if (this.db.open) this.committer?.drain();
    if (this.db.open) this.db.close();
  }

  private decide(req: AuthorizationRequest): Decision {
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
      multi_transaction: req.agentRecurrence ? 1 : 0,
      decision: decision.decision,
      code: decision.decision === 'declined' ? decision.code : null,
      message: detail,
      authorization_id: decision.authorizationId ?? null,
      amount: storableAmount(req.amount),
      currency: req.currency,
      decided_at: storableTime(req.at),
    });
    if (plan.claimNonce) this.statements.claimNonce.run(req.signerThumbprint, req.nonce, req.presentationId);
    this.appendAudit(authorizeAuditRow(req, decision, detail));
    this.options.hooks?.afterInsert?.();
    return decision;
  }

  private readState(req: AuthorizationRequest): LedgerState {
    const prior = this.statements.priorDecision.get(req.presentationId) as RecordedDecision | undefined;
    const nonce = this.statements.nonceOwner.get(req.signerThumbprint, req.nonce) as { presentation_id: string } | undefined;
    const pair = this.statements.pairActiveCount.get(req.l2Id, req.pairId) as { n: bigint };
    const spent = this.statements.l2Spent.all(req.l2Id) as { currency: string; total: bigint }[];
    return {
      prior: prior ?? null,
      nonceOwner: nonce?.presentation_id ?? null,
      pairActiveCount: Number(pair.n),
      l2SpentByCurrency: new Map(spent.map((row) => [row.currency, BigInt(row.total)])),
    };
  }

  private applyReversal(authorizationId: string, at: number, reason: string): ReversalResult {
    const row = this.statements.findAuthorization.get(authorizationId) as ReversalRow | undefined;
    const time = storableTime(at);
    if (!row || row.reversed_at !== null) {
      const message = row ? REVERSAL_MESSAGES.alreadyReversed : REVERSAL_MESSAGES.unknown;
      this.appendAudit(reversalAuditRow(row, authorizationId, time, 'rejected', message));
      return { ok: false, code: 'LEDGER_AUTHORIZATION_UNKNOWN', message, authorizationId };
    }
    this.statements.markReversed.run(time, authorizationId);
    this.appendAudit(reversalAuditRow(row, authorizationId, time, 'reversed', reason || 'reversed'));
    return { ok: true, authorizationId };
  }

  private appendAudit(row: AuditRowValues): void {
    this.statements.insertAudit.run(...auditValues(row));
  }
}

/** The row a reversal reads: the shared target plus whether it was reversed already. */
interface ReversalRow extends ReversalTarget {
  reversed_at: number | null;
}

function prepareStatements(db: Database.Database) {
  const active = `decision = 'approved' AND reversed_at IS NULL`;
  return {
    priorDecision: db.prepare(
      `SELECT decision, code, message, authorization_id AS authorizationId FROM decisions WHERE presentation_id = ?`,
    ),
    nonceOwner: db.prepare(`SELECT presentation_id FROM used_nonces WHERE signer_thumbprint = ? AND nonce = ?`),
    pairActiveCount: db
      .prepare(`SELECT COUNT(*) AS n FROM decisions WHERE l2_id = ? AND pair_id = ? AND ${active}`)
      .safeIntegers(true),
    // safeIntegers: totals come back as exact BigInt, never a rounded double.
    l2Spent: db
      .prepare(`SELECT currency, SUM(amount) AS total FROM decisions WHERE l2_id = ? AND ${active} GROUP BY currency`)
      .safeIntegers(true),
    insertDecision: db.prepare(`INSERT INTO decisions (
        presentation_id, l2_id, pair_id, signer_thumbprint, nonce, transaction_id, mode, multi_transaction,
        decision, code, message, authorization_id, amount, currency, decided_at
      ) VALUES (
        @presentation_id, @l2_id, @pair_id, @signer_thumbprint, @nonce, @transaction_id, @mode, @multi_transaction,
        @decision, @code, @message, @authorization_id, @amount, @currency, @decided_at
      )`),
    claimNonce: db.prepare(`INSERT INTO used_nonces (signer_thumbprint, nonce, presentation_id) VALUES (?, ?, ?)`),
    findAuthorization: db.prepare(
      `SELECT l2_id, pair_id, presentation_id, amount, currency, reversed_at FROM decisions WHERE authorization_id = ?`,
    ),
    markReversed: db.prepare(`UPDATE decisions SET reversed_at = ? WHERE authorization_id = ? AND reversed_at IS NULL`),
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

/** Run a storage operation, turning driver failures into LEDGER_UNAVAILABLE. */
function storageCall<T>(operation: () => T, what: string): T {
  try {
    return operation();
  } catch (error) {
    if (error instanceof VIError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new VIError({ code: 'LEDGER_UNAVAILABLE', layer: 'ledger', message: `sqlite ledger ${what} failed: ${reason}` });
  }
}
