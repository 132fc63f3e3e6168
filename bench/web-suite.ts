/**
 * The web crypto seam's cost (issue 24): the packed core's `dist/web/`
 * build verifying an Autonomous network view, each against its own floor.
 *
 *  - On Node, through WebCrypto: the floor is the same signatures through
 *    `crypto.subtle.verify` (keys imported in advance, all at once) and the
 *    same digests through `crypto.subtle.digest`, the least WebCrypto allows.
 *  - In headless Chromium (when installed): the same page code, timed in the
 *    page with `performance.now()` (wall clock: a page has no CPU clock), floor
 *    and verification loops alternating.
 *
 * The Node seam's rows (verify suite) are the comparison: the web seam pays
 * one batched async phase and plain-JavaScript SHA-256.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { PresentationBundle } from '../src/present/index.js';
import { chainViews, NOW, newHolder, type StableParties } from './chains.js';
import { countsOf, type FloorWork, floorWork } from './floor.js';
import { type LoopPlan, median } from './harness.js';
import { measureRow } from './measure.js';
import type { Row } from './report.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WEB_ENTRY = join(ROOT, 'dist', 'web', 'index.js');
const CHROMIUM = process.env.VINTENT_CHROMIUM ?? '/usr/bin/chromium';
const FLOOR_WHAT = 'WebCrypto verify + digest';

type WebVintent = {
  verifyPresentation(b: unknown, o: object): Promise<{ valid: boolean }>;
  CRYPTO_PLATFORM: string;
};

/** What the floor needs, as plain data a page can take too. */
interface WebFloorData {
  signatures: { input: string; signature: string; jwk: { x: string; y: string } }[];
  digests: string[];
}

function floorData(w: FloorWork, keys: Record<string, { x: string; y: string }>): WebFloorData {
  // floorWork's signatures carry KeyObjects; match each back to its JWK through the exported coordinates.
  return {
    signatures: w.signatures.map((s) => {
      const jwk = s.key.export({ format: 'jwk' }) as { x: string; y: string };
      const known = Object.values(keys).find((k) => k.x === jwk.x && k.y === jwk.y);
      if (!known) throw new Error('floor key not among the parties');
      return {
        input: s.input.toString('latin1'),
        signature: s.signature.toString('base64url'),
        jwk: known,
      };
    }),
    digests: w.digests,
  };
}

/** The floor as page code and Node code alike: returns an async function doing one bundle's floor. */
const FLOOR_SOURCE = `async function prepareFloor(data) {
  const subtle = globalThis.crypto.subtle;
  const enc = new TextEncoder();
  const b64u = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  const sigs = await Promise.all(data.signatures.map(async (s) => ({
    key: await subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: s.jwk.x, y: s.jwk.y }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']),
    input: enc.encode(s.input),
    signature: b64u(s.signature),
  })));
  return async () => {
    const ok = await Promise.all(sigs.map((s) => subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, s.key, s.signature, s.input)));
    await Promise.all(data.digests.map((d) => subtle.digest('SHA-256', enc.encode(d))));
    if (!ok.every(Boolean)) throw new Error('floor signature failed');
  };
}`;

// biome-ignore lint/security/noGlobalEval: the one floor source is shared with the page verbatim
const prepareFloor = (0, eval)(`(${FLOOR_SOURCE})`) as (
  d: WebFloorData,
) => Promise<() => Promise<void>>;

async function chromiumRow(
  bundle: PresentationBundle,
  data: WebFloorData,
  counts: ReturnType<typeof countsOf>,
  plan: LoopPlan,
  log: (s: string) => void,
): Promise<Row | undefined> {
  if (!existsSync(CHROMIUM)) {
    log(`web: no Chromium at ${CHROMIUM}; the in-page row is left out`);
    return undefined;
  }
  const { build } = await import('esbuild');
  const { chromium } = await import('playwright-core');
  const page = `import { verifyPresentation } from 'vintent';
${FLOOR_SOURCE}
const D = ${JSON.stringify({ bundle, data, now: NOW, plan })};
async function loop(f, n) { const t0 = performance.now(); for (let i = 0; i < n; i++) await f(); return ((performance.now() - t0) * 1000) / n; }
globalThis.__bench = (async () => {
  const floor = await prepareFloor(D.data);
  const op = async () => { const r = await verifyPresentation(D.bundle, { now: D.now, trustFromBundle: true }); if (!r.valid) throw new Error('invalid'); };
  await loop(floor, D.plan.warmup); await loop(op, D.plan.warmup);
  const floors = [], ops = [];
  for (let l = 0; l < D.plan.loops; l++) { floors.push(await loop(floor, D.plan.perLoop)); ops.push(await loop(op, D.plan.perLoop)); }
  return { floors, ops };
})();`;
  const out = await build({
    stdin: { contents: page, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  const code = out.outputFiles[0]!.text;
  const server = createServer((req, res) => {
    if (req.url === '/b.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(code);
    else
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<script type="module" src="/b.js"></script>');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu'],
  });
  try {
    const tab = await browser.newPage();
    await tab.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await tab.waitForFunction(() => (globalThis as { __bench?: unknown }).__bench !== undefined);
    const { floors, ops } = (await tab.evaluate(
      () => (globalThis as unknown as { __bench: Promise<unknown> }).__bench,
    )) as { floors: number[]; ops: number[] };
    const usPerOp = median(ops);
    const row: Row = {
      group: 'verify',
      name: 'Autonomous network view, web seam in headless Chromium (wall clock)',
      keys: 'cached',
      usPerOp,
      opsPerSec: 1e6 / usPerOp,
      wallUsPerOp: usPerOp,
      floorUsPerOp: median(floors),
      ratio: median(ops.map((o, i) => o / floors[i]!)),
      floor: { ...counts, what: FLOOR_WHAT },
      loopsUsPerOp: ops,
    };
    log(
      `  verify: ${row.name} ${usPerOp.toFixed(1)} µs/op, floor ${row.floorUsPerOp.toFixed(1)}, ${row.ratio.toFixed(2)}x`,
    );
    return row;
  } finally {
    await browser.close();
    server.close();
  }
}

/** The web seam's rows; none (and a line saying why) when dist/web/ is not built. */
export async function runWebSuite(
  p: StableParties,
  plan: LoopPlan,
  log: (s: string) => void,
): Promise<Row[]> {
  if (!existsSync(WEB_ENTRY)) {
    log('web: dist/web/ is not built (npm run build); the web seam rows are left out');
    return [];
  }
  const web = (await import(pathToFileURL(WEB_ENTRY).href)) as WebVintent;
  if (web.CRYPTO_PLATFORM !== 'web') throw new Error('dist/web/ did not load the web seam');
  log('web: issuing a chain');
  const holder = newHolder();
  const bundle = (await chainViews(p, holder)).autonomousNetwork;
  const work = floorWork(bundle, {
    issuer: p.issuer,
    merchant: p.merchant,
    user: holder.user,
    agent: holder.agent,
  });
  const data = floorData(work, {
    issuer: p.issuer.publicJwk,
    user: holder.user.publicJwk,
    agent: holder.agent.publicJwk,
    merchant: p.merchant.publicJwk,
  });
  const counts = countsOf(work, false);
  const floor = await prepareFloor(data);
  const options = { now: NOW, trustFromBundle: true };
  if (!(await web.verifyPresentation(bundle, options)).valid)
    throw new Error('web seam refused the bench chain');
  const rows: Row[] = [
    await measureRow(
      {
        group: 'verify',
        name: 'Autonomous network view, web seam (dist/web, WebCrypto) on Node',
        keys: 'cached',
        plan,
        counts,
        floorWhat: FLOOR_WHAT,
        floorOp: () => floor(),
        op: () => web.verifyPresentation(bundle, options),
      },
      log,
    ),
  ];
  const inPage = await chromiumRow(bundle, data, counts, plan, log);
  if (inPage) rows.push(inPage);
  return rows;
}
