/** Regenerate test/verify/__snapshots__/pipeline-stability.json after a deliberate pipeline change (run from the repo root; prints vectors whose errors changed). */
import { readFileSync, writeFileSync } from 'node:fs';
import { verifyPresentation } from '../test/fixtures/vector-verify.js';

const path = 'test/verify/__snapshots__/pipeline-stability.json';
const snap = JSON.parse(readFileSync(path, 'utf8'));
for (const name of Object.keys(snap)) {
  const r = await verifyPresentation(JSON.parse(readFileSync(`vectors/${name}`, 'utf8')));
  const next = {
    checks: r.checks.map((c) => [c.name, c.status, c.layer, c.pair ?? ''].join(' ').trim()),
    errors: r.errors.map((e) => [e.code, e.layer, e.pair ?? '-', e.claim ?? '-'].join(' ')),
  };
  if (JSON.stringify(next.errors) !== JSON.stringify(snap[name].errors))
    console.log('ERRORS CHANGE', name, next.errors, snap[name].errors);
  snap[name] = next;
}
writeFileSync(path, `${JSON.stringify(snap, null, 2)}\n`);
