import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/index.js';
import { openSqliteLedger } from '../../src/ledger/sqlite.js';
import { defineAp2LedgerBehaviour } from './ap2.js';
import { defineLedgerBehaviour } from './behaviour.js';
import { defineCaptureBehaviour } from './capture.js';
import { request } from './fixtures.js';
import { expectMigratedV1, expectMigratedV2 } from './migration.js';
import { defineMultiProcessCaptureSuite, defineMultiProcessSuite } from './multiprocess.js';

const root = mkdtempSync(join(tmpdir(), 'vintent-ledger-'));
let files = 0;
const freshPath = () => join(root, `run-${++files}`, 'ledger.sqlite');

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('sqlite ledger: behaviour', () => {
  defineLedgerBehaviour(async () => {
    const path = freshPath();
    return () => openSqliteLedger(path);
  });
});

describe('sqlite ledger: AP2 mandates', () => {
  defineAp2LedgerBehaviour(async () => {
    const path = freshPath();
    return () => openSqliteLedger(path);
  });
});

describe('sqlite ledger: capture and hold expiry', () => {
  defineCaptureBehaviour(async () => {
    const path = freshPath();
    return () => openSqliteLedger(path);
  });
});

describe('sqlite ledger: several processes on one file', () => {
  defineMultiProcessSuite(async () => {
    const path = freshPath();
    return { target: { spec: `sqlite:${path}` }, open: () => openSqliteLedger(path) };
  });
  defineMultiProcessCaptureSuite(async () => {
    const path = freshPath();
    return { target: { spec: `sqlite:${path}` }, open: () => openSqliteLedger(path) };
  });
});

describe('sqlite ledger: storage', () => {
  it('migrates a database made by the v2 code to v3, keeping its decisions and state', async () => {
    const path = freshPath();
    mkdirSync(join(path, '..'), { recursive: true });
    copyFileSync(fileURLToPath(new URL('./fixtures/ledger-v2.sqlite', import.meta.url)), path);
    const before = new Database(path, { readonly: true });
    expect(before.pragma('user_version', { simple: true })).toBe(2);
    before.close();
    const ledger = await openSqliteLedger(path);
    try {
      await expectMigratedV2(ledger);
    } finally {
      await ledger.close();
    }
    const after = new Database(path, { readonly: true });
    try {
      expect(after.pragma('user_version', { simple: true })).toBe(3);
    } finally {
      after.close();
    }
  });

  it('migrates a database made by the v1 code to the current schema, keeping its decisions', async () => {
    const path = freshPath();
    mkdirSync(join(path, '..'), { recursive: true });
    copyFileSync(fileURLToPath(new URL('./fixtures/ledger-v1.sqlite', import.meta.url)), path);
    const before = new Database(path, { readonly: true });
    expect(before.pragma('user_version', { simple: true })).toBe(1);
    before.close();
    const ledger = await openSqliteLedger(path);
    try {
      await expectMigratedV1(ledger);
    } finally {
      await ledger.close();
    }
    const after = new Database(path, { readonly: true });
    try {
      expect(after.pragma('user_version', { simple: true })).toBe(3);
      const tables = after
        .prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`)
        .pluck()
        .all();
      expect(tables).not.toContain('used_nonces');
      expect(tables).toEqual(
        expect.arrayContaining(['nonce_owners', 'revocations', 'merchant_seen']),
      );
    } finally {
      after.close();
    }
  });

  it('creates missing parent directories, uses WAL and records its schema version', async () => {
    const path = join(root, 'deep', 'er', 'ledger.db');
    const ledger = await openSqliteLedger(path);
    await ledger.close();
    const db = new Database(path, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBe(3);
    } finally {
      db.close();
    }
  });

  it('refuses a schema newer than it knows', async () => {
    const path = freshPath();
    await (await openSqliteLedger(path)).close();
    const db = new Database(path);
    db.pragma('user_version = 99');
    db.close();
    await expect(openSqliteLedger(path)).rejects.toMatchObject({ code: 'LEDGER_UNAVAILABLE' });
  });

  it('opens through openLedger with sqlite: prefix or a bare path', async () => {
    const path = freshPath();
    const viaPrefix = await openLedger(`sqlite:${path}`);
    const req = request();
    const first = await viaPrefix.authorize(req);
    await viaPrefix.close();
    const viaBare = await openLedger(path);
    expect(await viaBare.authorize(req)).toEqual({ ...first, replayed: true });
    await viaBare.close();
  });

  it('reports an unusable path as LEDGER_UNAVAILABLE', async () => {
    const blocker = join(root, 'a-file');
    writeFileSync(blocker, 'not a directory');
    await expect(openSqliteLedger(join(blocker, 'ledger.db'))).rejects.toMatchObject({
      code: 'LEDGER_UNAVAILABLE',
    });
  });
});
