/**
 * Two `vintent serve` processes ("nodes") on one PostgreSQL database, as
 * docs/services.md describes running several: the state they share (the
 * ledger: decisions, budgets, captures, revocations; merchant replay memory)
 * holds across them, whichever node a request reaches. Needs VINTENT_PG_URL.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { issueRevocation } from '../../src/issue/revocation.js';
import { generateSigningKey } from '../../src/sdjwt/keys.js';
import { describeIf, PG_URL, postgres } from '../support/environment.js';
import { type StartedServe, startServe } from '../support/serve.js';
import { OPERATOR, OPERATOR_TOKEN, post } from './harness.js';
import { chain, NETWORK_AUD, networkView, purchase } from './live-chain.js';

describeIf(postgres)('two serve nodes on one PostgreSQL database', () => {
  const schema = `vintent_nodes_${randomBytes(6).toString('hex')}`;
  const issuer = generateSigningKey('n-issuer');
  const merchant = generateSigningKey('n-merchant');
  let nodes: StartedServe[] = [];

  beforeAll(async () => {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.end();
    const dir = mkdtempSync(join(tmpdir(), 'vintent-nodes-'));
    const trust = join(dir, 'issuer.jwks.json');
    writeFileSync(trust, JSON.stringify({ keys: [issuer.publicJwk] }));
    const merchantKeys = join(dir, 'merchant.jwks.json');
    writeFileSync(merchantKeys, JSON.stringify({ keys: [merchant.publicJwk] }));
    const tokenFile = join(dir, 'operator.token');
    writeFileSync(tokenFile, OPERATOR_TOKEN);
    const ledger = `${PG_URL!}${PG_URL!.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    const args = [
      '--ledger',
      ledger,
      '--trust',
      trust,
      '--merchant-keys',
      merchantKeys,
      '--network-aud',
      NETWORK_AUD,
      '--operator-token-file',
      tokenFile,
    ];
    // Started together: both run the (idempotent, locked) schema setup at once, as nodes of a deployment do.
    nodes = await Promise.all([startServe(args, { workers: 1 }), startServe(args, { workers: 1 })]);
  }, 60_000);
  afterAll(async () => {
    for (const n of nodes) expect(await n.stop()).toBe(0);
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  it('approves exactly one of 16 authorizations of one mandate pair raced across both nodes', async () => {
    const c = await chain(issuer, merchant, 1, 50000);
    const views = Array.from({ length: 16 }, () => networkView(c, 0, 20000));
    const answers = await Promise.all(
      views.map((v, i) => post(nodes[i % 2]!.url, '/v1/network/authorize', v)),
    );
    expect(answers.filter((a) => a.body.decision === 'approved')).toHaveLength(1);
    for (const a of answers.filter((a) => a.body.decision === 'declined'))
      expect(a.body.errors[0].code).toBe('LEDGER_PAIR_ALREADY_FULFILLED');
  }, 30_000);

  it('keeps one budget across nodes, captures on the other node, and refuses a second capture there', async () => {
    const c = await chain(issuer, merchant, 1, 100000, true);
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        post(nodes[i % 2]!.url, '/v1/network/authorize', networkView(c, 0, 30000)),
      ),
    );
    const approved = answers.filter((a) => a.body.decision === 'approved');
    expect(approved).toHaveLength(3);
    const id = approved[0]!.body.authorization_id;
    const captures = await Promise.all(
      nodes.map((n) => post(n.url, '/v1/network/capture', { authorization_id: id }, OPERATOR)),
    );
    expect(captures.map((r) => r.status)).toEqual([200, 200]);
    expect(captures.filter((r) => r.body.replayed === false)).toHaveLength(1);
  }, 30_000);

  it('remembers an L3b seen at one node at the other (merchant replay memory is shared)', async () => {
    const c = await chain(issuer, merchant, 1, 50000);
    const { merchant: view } = purchase(c, 0, 1000);
    const first = await post(nodes[0]!.url, '/v1/merchant/verify', view);
    expect(first.body.valid).toBe(true);
    const again = await post(nodes[1]!.url, '/v1/merchant/verify', view);
    expect(again.body.valid).toBe(false);
    expect(again.body.errors.map((e: any) => e.code)).toEqual(['L3B_REPLAY']);
  }, 30_000);

  it('declines at one node what the user revoked at the other', async () => {
    const c = await chain(issuer, merchant, 2, 50000);
    const revocation = issueRevocation({ userKey: c.user, l2: c.l2.serialized });
    expect(
      (
        await post(nodes[0]!.url, '/v1/network/revoke', {
          revocation,
          l1: c.l1,
          l2: c.l2.serialized,
        })
      ).status,
    ).toBe(200);
    const later = await post(nodes[1]!.url, '/v1/network/authorize', networkView(c, 1, 1000));
    expect(later.body.errors.map((e: any) => e.code)).toEqual(['LEDGER_MANDATE_REVOKED']);
  }, 30_000);
});
