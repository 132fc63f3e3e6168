/**
 * AP2 v0.2 network verification against its floor (issue 25): a 2-hop
 * payment chain (open payment mandate with eight constraints, closed by the
 * agent) verified as a network does, with configured keys, expectations and
 * mandate state. The floor is what no AP2 verifier avoids: one ES256 verify
 * per segment and one SHA-256 per disclosure and per `sd_hash`, on
 * node:crypto with keys imported in advance. Keys are cached (the network
 * sees the same provider and agent keys again); no signature cache.
 */
import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import {
  type Ap2Fixture,
  buildAp2,
  bundleOf,
  keys,
  networkOptions,
} from '../src/cli/ap2-scenarios.js';
import { ParsedJwtCache } from '../src/sdjwt/parse-cache.js';
import { verifyAp2Presentation } from '../src/verify/ap2/index.js';
import type { LoopPlan } from './harness.js';
import { measureRow } from './measure.js';
import type { Row } from './report.js';

const POOL = 32;

interface Ap2Floor {
  signatures: { input: Buffer; signature: Buffer; key: KeyObject }[];
  digests: string[];
}

const publicOf = (jwk: { x: string; y: string }) =>
  createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, format: 'jwk' });

/** Segment i is signed by the provider (root) or by the key the previous segment delegates to. */
function floorOf(chain: string, signers: KeyObject[]): Ap2Floor {
  const parts = chain.split('~~');
  const segments = parts.map((p, i) => (i < parts.length - 1 ? `${p}~` : p));
  const signatures = segments.map((s, i) => {
    const [h, p, sig] = s.slice(0, s.indexOf('~')).split('.') as [string, string, string];
    return {
      input: Buffer.from(`${h}.${p}`),
      signature: Buffer.from(sig, 'base64url'),
      key: signers[i]!,
    };
  });
  const digests = [
    ...segments.flatMap((s) => s.split('~').slice(1, -1)),
    ...segments.slice(0, -1), // each hop's sd_hash over the previous segment
  ];
  return { signatures, digests };
}

function runAp2Floor(w: Ap2Floor): boolean {
  let ok = true;
  for (const s of w.signatures)
    ok = verify('sha256', s.input, { key: s.key, dsaEncoding: 'ieee-p1363' }, s.signature) && ok;
  for (const d of w.digests) createHash('sha256').update(d).digest('base64url');
  return ok;
}

/** The AP2 rows: a network verifying 2-hop payment chains. */
export async function runAp2Suite(
  plans: { single: LoopPlan; steady: LoopPlan },
  log: (s: string) => void,
): Promise<Row[]> {
  const pool: Ap2Fixture[] = [];
  for (let i = 0; i < POOL; i++) pool.push(await buildAp2());
  const signers = [publicOf(keys.provider.publicJwk), publicOf(keys.agent.publicJwk)];
  const floors = pool.map((f) => floorOf(f.paymentChain, signers));
  const inputs = pool.map((f) => ({
    bundle: bundleOf(f, 'network'),
    options: { ...networkOptions(f), role: 'network' as const },
  }));
  // The result must be valid: a bench of a failing path would measure the wrong thing.
  const probe = await verifyAp2Presentation(inputs[0]!.bundle, inputs[0]!.options);
  if (!probe.valid) throw new Error(`AP2 bench chain does not verify: ${probe.errors[0]?.code}`);
  // As vintent serve runs: recurring roots' parses remembered; no signature cache (the floor verifies every signature).
  const parseCache = new ParsedJwtCache();
  const steadyInputs = inputs.map((x) => ({ ...x, options: { ...x.options, parseCache } }));
  const rowOf = (name: string, plan: LoopPlan, using = inputs) =>
    measureRow(
      {
        group: 'verify',
        name,
        keys: 'cached',
        plan,
        counts: {
          signatures: floors[0]!.signatures.length,
          digests: floors[0]!.digests.length,
          imports: 0,
        },
        floorWhat: 'ES256 verify + SHA-256',
        floorOp: (i) => {
          if (!runAp2Floor(floors[i % POOL]!)) throw new Error('AP2 floor signature failed');
        },
        op: async (i) => {
          const x = using[i % POOL]!;
          const r = await verifyAp2Presentation(x.bundle, x.options);
          if (!r.valid) throw new Error('AP2 bench verification failed');
        },
      },
      log,
    );
  // Early (V8 still optimizing, as a process that just started) and steady (what a running network sees).
  return [
    await rowOf('AP2 network view (2-hop payment chain, 8 constraints)', plans.single),
    await rowOf(
      'AP2 network view, steady state (5,000 verifications in, parse cache as in vintent serve)',
      plans.steady,
      steadyInputs,
    ),
  ];
}
