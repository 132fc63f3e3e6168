/**
 * PostgreSQL backend. Needs a server: export VINTENT_PG_URL="$(scripts/ci-postgres.sh)".
 * Every test gets its own schema (dropped afterwards), so runs never see each other's rows.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/index.js';
import { openPostgresLedger } from '../../src/ledger/postgres.js';
import { describeIf, PG_URL, postgres } from '../support/environment.js';
import { defineAp2LedgerBehaviour } from './ap2.js';
import { defineLedgerBehaviour } from './behaviour.js';
import { defineCaptureBehaviour } from './capture.js';
import { request } from './fixtures.js';
import { expectMigratedV1, expectMigratedV2 } from './migration.js';
import { defineMultiProcessCaptureSuite, defineMultiProcessSuite } from './multiprocess.js';

const url = PG_URL;

const schemas: string[] = [];
function freshSchema(): string {
  const schema = `vintent_test_${randomBytes(6).toString('hex')}`;
  schemas.push(schema);
  return schema;
}

describeIf(postgres)('postgres ledger', () => {
  const pgUrl = url!;

  afterAll(async () => {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await client.end();
    }
  });

  describe('behaviour', () => {
    defineLedgerBehaviour(async () => {
      const schema = freshSchema();
      return () => openPostgresLedger(pgUrl, { schema });
    });
  });

  describe('AP2 mandates', () => {
    defineAp2LedgerBehaviour(async () => {
      const schema = freshSchema();
      return () => openPostgresLedger(pgUrl, { schema });
    });
  });

  describe('capture and hold expiry', () => {
    defineCaptureBehaviour(async () => {
      const schema = freshSchema();
      return () => openPostgresLedger(pgUrl, { schema });
    });
  });

  describe('several processes on one database', () => {
    defineMultiProcessSuite(async () => {
      const schema = freshSchema();
      return { target: { spec: pgUrl, schema }, open: () => openPostgresLedger(pgUrl, { schema }) };
    });
    defineMultiProcessCaptureSuite(async () => {
      const schema = freshSchema();
      return { target: { spec: pgUrl, schema }, open: () => openPostgresLedger(pgUrl, { schema }) };
    });
  });

  describe('storage', () => {
    it('records its schema version and has the constraints that forbid double approval', async () => {
      const schema = freshSchema();
      await (await openPostgresLedger(pgUrl, { schema })).close();
      await (await openPostgresLedger(pgUrl, { schema })).close(); // idempotent setup
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      try {
        const version = await client.query(`SELECT version FROM ${schema}.schema_version`);
        expect(version.rows).toEqual([{ version: 3 }]);
        const indexes = await client.query<{ indexdef: string }>(
          `SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND indexname = 'decisions_single_fulfilment'`,
          [schema],
        );
        expect(indexes.rows[0]?.indexdef).toMatch(/UNIQUE INDEX .*\(l2_id, pair_id\) WHERE/);

        // Bypass the ledger's lock and insert a second live approval for one pair directly: the index refuses it.
        const row = (presentation: string, auth: string) => [
          presentation,
          'l2',
          'pair',
          't',
          presentation,
          'tx',
          'autonomous',
          false,
          'approved',
          null,
          'ok',
          auth,
          1,
          'USD',
          0,
        ];
        const insert = `INSERT INTO ${schema}.decisions (presentation_id, l2_id, pair_id, signer_thumbprint, nonce, transaction_id, mode,
          multi_transaction, decision, code, message, authorization_id, amount, currency, decided_at)
          VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)`;
        await client.query(insert, row('p1', 'auth_1'));
        await expect(client.query(insert, row('p2', 'auth_2'))).rejects.toMatchObject({
          code: '23505',
        });
      } finally {
        await client.end();
      }
    });

    it('migrates a schema made by the v2 code to v3, keeping its decisions and state', async () => {
      const schema = freshSchema();
      const dump = readFileSync(
        new URL('./fixtures/ledger-v2.pg.sql', import.meta.url),
        'utf8',
      ).replaceAll('__SCHEMA__', schema);
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      try {
        await client.query(dump);
        const ledger = await openPostgresLedger(pgUrl, { schema });
        try {
          await expectMigratedV2(ledger);
        } finally {
          await ledger.close();
        }
        const version = await client.query(
          `SELECT version FROM ${schema}.schema_version ORDER BY version`,
        );
        expect(version.rows).toEqual([{ version: 2 }, { version: 3 }]);
      } finally {
        await client.end();
      }
    });

    it('migrates a schema made by the v1 code to the current schema, keeping its decisions', async () => {
      const schema = freshSchema();
      const dump = readFileSync(
        new URL('./fixtures/ledger-v1.pg.sql', import.meta.url),
        'utf8',
      ).replaceAll('__SCHEMA__', schema);
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      try {
        await client.query(dump);
        const ledger = await openPostgresLedger(pgUrl, { schema });
        try {
          await expectMigratedV1(ledger);
        } finally {
          await ledger.close();
        }
        const version = await client.query(
          `SELECT version FROM ${schema}.schema_version ORDER BY version`,
        );
        expect(version.rows).toEqual([{ version: 1 }, { version: 3 }]);
        const tables = await client.query<{ tablename: string }>(
          'SELECT tablename FROM pg_tables WHERE schemaname = $1',
          [schema],
        );
        expect(tables.rows.map((r) => r.tablename)).not.toContain('used_nonces');
      } finally {
        await client.end();
      }
    });

    it('opens through openLedger with a postgresql:// URL', async () => {
      const ledger = await openLedger(pgUrl.replace(/^postgres:/, 'postgresql:'), {
        schema: freshSchema(),
      });
      try {
        expect(await ledger.authorize(request())).toMatchObject({ decision: 'approved' });
      } finally {
        await ledger.close();
      }
    });

    it('reports an unreachable server as LEDGER_UNAVAILABLE', async () => {
      await expect(
        openPostgresLedger('postgres://vintent:wrong-password@127.0.0.1:5432/vintent'),
      ).rejects.toMatchObject({
        code: 'LEDGER_UNAVAILABLE',
      });
    });
  });
});
