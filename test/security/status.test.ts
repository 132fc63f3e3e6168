/**
 * Credential status fails closed (security-model §3.2): a `status` written as
 * a selective disclosure is checked when disclosed and refused when it may be
 * withheld; the resolver learns which issuer's key the list must be signed by.
 * (Stale tokens, https and issuer binding: test/http/status-client.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { makePropertyDisclosure } from '../../src/sdjwt/build.js';
import type { StatusListReference, StatusResolver } from '../../src/sdjwt/status-list.js';
import { autonomousBundle, chainKeys } from '../fixtures/raw-chain.js';
import { verifyPresentation } from '../fixtures/vector-verify.js';
import { expectRefused, type Obj } from './helpers.js';

const status = { status_list: { idx: 7, uri: 'https://issuer.example/status/1' } };
const revoked: StatusResolver = () => ({ ok: true, status: 1 });

/** An L1 whose `status` is a selectively disclosable claim, disclosed or not. */
function sdStatusBundle(disclosed: boolean) {
  const d = makePropertyDisclosure('status', status);
  return autonomousBundle(
    {
      l1Payload: (p: Obj) => void (p._sd as string[]).push(d.digest),
      l1Serialized: (s) => (disclosed ? `${s}${d.encoded}~` : s),
    },
    'network',
  );
}

describe('the status claim as a disclosure', () => {
  it('disclosed: it is checked (a revoked card is refused)', async () => {
    expectRefused(
      await verifyPresentation(sdStatusBundle(true), { statusResolver: revoked }),
      'L1_STATUS_REVOKED',
      'l1',
    );
  });
  it('withheld, with a resolver configured → L1_STATUS_WITHHELD', async () => {
    expectRefused(
      await verifyPresentation(sdStatusBundle(false), { statusResolver: revoked }),
      'L1_STATUS_WITHHELD',
      'l1',
    );
  });
  it('an L1 that withholds its email while a resolver is configured is refused too: the status could be behind it', async () => {
    const b = autonomousBundle({ l1Serialized: (s) => `${s.split('~')[0]}~` }, 'network');
    expectRefused(
      await verifyPresentation(b, { statusResolver: revoked }),
      'L1_STATUS_WITHHELD',
      'l1',
    );
    expect((await verifyPresentation(b)).valid).toBe(true);
  });
  it('an L1 that discloses everything and has no status is not looked up', async () => {
    let called = false;
    const r = await verifyPresentation(autonomousBundle({}, 'network'), {
      statusResolver: () => ((called = true), { ok: true, status: 1 }),
    });
    expect(r.valid).toBe(true);
    expect(called).toBe(false);
  });
  it("the resolver is told the L1's issuer and signing key", async () => {
    const seen: StatusListReference[] = [];
    const b = autonomousBundle({ l1Payload: (p) => void (p.status = status) }, 'network');
    const r = await verifyPresentation(b, {
      statusResolver: (ref) => (seen.push(ref), { ok: true, status: 0 }),
    });
    expect(r.valid).toBe(true);
    expect(seen[0]?.issuer).toMatchObject({
      iss: 'https://issuer.example',
      kid: chainKeys().issuer.kid,
      jwk: { x: chainKeys().issuer.publicJwk.x },
    });
  });
});

describe('tables indexed by a name from a request use own properties only', () => {
  it('checkConstraints with a policy object: unknown types named like Object.prototype members stay STRICT', async () => {
    const { checkConstraints } = await import('../../src/constraints/registry.js');
    for (const type of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
      const [report] = checkConstraints(
        [{ type }],
        {},
        { at: 0, strictness: 'STRICT', openMandate: false, policy: { 'x.other': 'PERMISSIVE' } },
      );
      expect(report?.outcome.status).toBe('failed');
    }
  });
  it('formatMoney with a currency named constructor prints no function', async () => {
    const { formatMoney } = await import('../../src/cli/format.js');
    expect(formatMoney(100, 'constructor')).not.toContain('function');
  });
});
