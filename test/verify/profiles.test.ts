/**
 * The verifier and the wire profiles: each chain is judged in the profile its
 * mandate VCTs name, the result says which, a chain mixing two is rejected,
 * configuration can restrict the accepted ones, and each April structural
 * rule (cnf.jwk.kid, risk_data) breaks on its own.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Actors,
  autonomousFlow,
  CARD,
  immediateFlow,
  newActors,
  SHOPS,
} from '../../src/cli/scenarios.js';
import { issueL1, issueL2Autonomous } from '../../src/issue/index.js';
import { presentForDispute } from '../../src/present/index.js';
import { PROFILES, VI_2026_02, VI_2026_04, type WireProfile } from '../../src/profiles/profile.js';
import { makeArrayDisclosure, serializeSdJwt, signJwt } from '../../src/sdjwt/build.js';
import { sha256b64u } from '../../src/sdjwt/digest.js';
import type { SigningKey } from '../../src/sdjwt/keys.js';
import type { VerifyOptions } from '../../src/verify/types.js';
import { verifyPresentation } from '../fixtures/vector-verify.js';

type Bundle = Record<string, any>;
const AT = 1_790_000_000;
let actors: Actors;
beforeAll(() => {
  actors = newActors();
});

const codes = async (b: unknown, o: VerifyOptions = {}) =>
  (await verifyPresentation(b, o)).errors.map((e) => e.code);
const decode = (s: string) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));

/**
 * Re-sign an L3 (as the agent can) after changing its final mandate: the
 * disclosure keeps its salt, gets a new digest, and delegate_payload follows.
 */
function resignL3(
  serialized: string,
  key: SigningKey,
  change: (mandate: Record<string, any>) => void,
): string {
  const [jwt, ...rest] = serialized.split('~');
  const [h, p] = jwt!.split('.');
  const header = decode(h!);
  const payload = decode(p!);
  const disclosures = rest.filter((d) => d !== '');
  const out = disclosures.map((d) => {
    const [salt, value] = decode(d);
    if (typeof value?.vct !== 'string') return d;
    change(value);
    const rebuilt = makeArrayDisclosure(value, () => salt);
    const old = sha256b64u(d);
    payload.delegate_payload = payload.delegate_payload.map((r: { '...': string }) =>
      r['...'] === old ? { '...': rebuilt.digest } : r,
    );
    return rebuilt.encoded;
  });
  return serializeSdJwt(signJwt(header, payload, key), out);
}

describe('profile detection', () => {
  for (const p of PROFILES) {
    it(`names ${p.name} on every view of both modes`, async () => {
      for (const flow of [
        await immediateFlow(actors, AT, p.name),
        await autonomousFlow(actors, AT, 2, p.name),
      ]) {
        for (const [role, bundle] of Object.entries(flow.bundles)) {
          const r = await verifyPresentation(bundle);
          expect({ role, valid: r.valid, profile: r.profile, errors: r.errors }).toEqual({
            role,
            valid: true,
            profile: p.name,
            errors: [],
          });
        }
      }
    });
  }

  it('a merchant view with an L1 card_id is valid: it discloses no payment instrument to hold the card against', async () => {
    const flow = await autonomousFlow(actors, AT, 1, 'vi-2026-04');
    const r = await verifyPresentation(flow.bundles.merchant!);
    expect(r.valid).toBe(true);
    expect(typeof r.claims.l1?.claims.card_id).toBe('string');
    expect(r.checks.find((c) => c.name === 'mandates.card_id')?.status ?? 'skipped').toBe(
      'skipped',
    );
  });
});

describe('restricting the accepted profiles', () => {
  it('accepts a listed profile and refuses another with PROFILE_NOT_ACCEPTED', async () => {
    const april = (await autonomousFlow(actors, AT, 1, 'vi-2026-04')).bundles.network;
    const feb = (await immediateFlow(actors, AT, 'vi-2026-02')).bundles.dispute;
    expect(await codes(april, { profiles: ['vi-2026-04'] })).toEqual([]);
    expect(await codes(april, { profiles: ['vi-2026-02'] })).toContain('PROFILE_NOT_ACCEPTED');
    expect(await codes(feb, { profiles: ['vi-2026-04'] })).toContain('PROFILE_NOT_ACCEPTED');
    expect(await codes(feb, { profiles: ['vi-2026-02', 'vi-2026-04'] })).toEqual([]);
    const refused = await verifyPresentation(april, { profiles: ['vi-2026-02'] });
    expect(refused.valid).toBe(false);
    expect(refused.profile).toBe('vi-2026-04');
  });
});

describe('mixed profiles', () => {
  it('an L2 whose mandates come from two profiles is PROFILE_MIXED', async () => {
    // A table that spells checkout mandates the February way and payment mandates the April way.
    const mixed: WireProfile = {
      ...VI_2026_04,
      vct: { ...VI_2026_04.vct, checkout: VI_2026_02.vct.checkout },
    };
    const bundle = (await immediateFlow(actors, AT, mixed)).bundles.dispute;
    expect(await codes(bundle)).toContain('PROFILE_MIXED');
  });

  it('an L3 final mandate in another profile than its L2 is PROFILE_MIXED', async () => {
    const bundle: Bundle = structuredClone(
      (await autonomousFlow(actors, AT, 1, 'vi-2026-04')).bundles.network!,
    );
    bundle.l3[0].payment = resignL3(
      bundle.l3[0].payment,
      actors.agent,
      (m) => (m.vct = VI_2026_02.vct.payment),
    );
    expect(await codes(bundle)).toContain('PROFILE_MIXED');
  });
});

describe('April structure, each rule broken alone', () => {
  it('the agent kid must sit in cnf.jwk.kid: cnf.kid alone is MANDATE_CNF_MISSING', async () => {
    const kidBeside: WireProfile = { ...VI_2026_04, agentKid: 'cnf.kid' };
    const bundle = (await autonomousFlow(actors, AT, 1, kidBeside)).bundles.network;
    expect(await codes(bundle)).toContain('MANDATE_CNF_MISSING');
    // and the February chain with cnf.kid is fine
    expect(
      await codes((await autonomousFlow(actors, AT, 1, 'vi-2026-02')).bundles.network),
    ).toEqual([]);
  });

  it('risk_data in an L3 is RISK_DATA_FORBIDDEN', async () => {
    const bundle: Bundle = structuredClone(
      (await autonomousFlow(actors, AT, 1, 'vi-2026-04')).bundles.network!,
    );
    bundle.l3[0].payment = resignL3(
      bundle.l3[0].payment,
      actors.agent,
      (m) => (m.risk_data = { device_id: 'd-1' }),
    );
    expect(await codes(bundle)).toContain('RISK_DATA_FORBIDDEN');
  });

  it('the same L3 change without risk_data verifies (the re-signing itself is sound)', async () => {
    const bundle: Bundle = structuredClone(
      (await autonomousFlow(actors, AT, 1, 'vi-2026-04')).bundles.network!,
    );
    bundle.l3[0].payment = resignL3(bundle.l3[0].payment, actors.agent, () => undefined);
    expect(await codes(bundle)).toEqual([]);
  });

  it('risk_data that is not an object of strings on the L2 payment mandate is RISK_DATA_MALFORMED', async () => {
    const l1 = await issueL1({
      issuerKey: actors.issuer,
      iss: 'https://issuer.example',
      sub: 'u-1',
      userPublicJwk: actors.user.publicJwk,
      panLastFour: '4242',
      scheme: 'mastercard',
      iat: AT - 1000,
    });
    // A table that does not know risk_data lets the issuer write a bad one; the verifier reads it with the real April table.
    const lax: WireProfile = { ...VI_2026_04, riskDataMembers: undefined };
    const issue = (riskData: Record<string, unknown>) =>
      issueL2Autonomous({
        profile: lax,
        userKey: actors.user,
        l1,
        aud: 'https://agent.example',
        iat: AT - 100,
        pairs: [
          {
            agentKey: actors.agent.publicJwk,
            merchants: [SHOPS[0]!],
            paymentInstrument: CARD,
            amount: { currency: 'USD', max: 1000 },
            riskData,
          },
        ],
      });
    const trust = { issuer_jwks: { keys: [actors.issuer.publicJwk] } };
    const bad = presentForDispute(
      { l1, l2: issue({ device_id: 'd-1', ip_address: 7 }) },
      { trust, at: AT },
    );
    const good = presentForDispute(
      { l1, l2: issue({ device_id: 'd-1', ip_address: '198.51.100.7' }) },
      { trust, at: AT },
    );
    expect(await codes(bad)).toContain('RISK_DATA_MALFORMED');
    expect(await codes(good)).toEqual([]);
  });

  it("one disclosure in two allowlists is shared only between the arrays of the chain's profile", async () => {
    // April VCTs with the February member names: the merchant disclosure sits in allowed_merchants and allowed_payees.
    // The reference layout: that is the one that shares a merchant disclosure between the two allowlists.
    const febMembers: WireProfile = {
      ...VI_2026_04,
      allowlistField: VI_2026_02.allowlistField,
      defaultL2Layout: 'reference',
    };
    const bundle = (await autonomousFlow(actors, AT, 1, febMembers)).bundles.dispute!;
    const r = await verifyPresentation(bundle);
    expect(r.errors.map((e) => e.code)).toContain('DISCLOSURE_DUPLICATE_REFERENCE');
    expect(r.checks.find((c) => c.name === 'mandates.shared_references')?.status).toBe('failed');
    // the same sharing in April's own member (`allowed`) passes that check
    const own = await verifyPresentation(
      (await autonomousFlow(actors, AT, 1, { ...VI_2026_04, defaultL2Layout: 'reference' })).bundles
        .dispute!,
    );
    expect(own.checks.find((c) => c.name === 'mandates.shared_references')?.status).toBe('passed');
  });
});
