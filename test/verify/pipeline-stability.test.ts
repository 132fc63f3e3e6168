/**
 * The pipeline's observable order is pinned: for every shipped vector the
 * sequence of check records (name, status, layer, pair) and of errors (code,
 * layer, pair, claim) equals the committed snapshot, recorded before the
 * pipeline was restructured into typed stages. A refactor of src/verify must
 * leave it unchanged; a deliberate change of the pipeline regenerates it
 * (test/verify/__snapshots__/pipeline-stability.json) and says why.
 * Vectors added after the snapshot are not in it and are not judged here.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { VerificationResult } from '../../src/verify/types.js';
import { verifyPresentation } from '../fixtures/vector-verify.js';

const VECTORS = resolve(__dirname, '../../vectors');
const SNAPSHOT: Record<string, { checks: string[]; errors: string[] }> = JSON.parse(
  readFileSync(resolve(__dirname, '__snapshots__/pipeline-stability.json'), 'utf8'),
);

function trace(r: VerificationResult): { checks: string[]; errors: string[] } {
  return {
    checks: r.checks.map((c) => [c.name, c.status, c.layer, c.pair ?? ''].join(' ').trim()),
    errors: r.errors.map((e) => [e.code, e.layer, e.pair ?? '-', e.claim ?? '-'].join(' ')),
  };
}

describe('pipeline stability over the shipped vectors', () => {
  const names = Object.keys(SNAPSHOT);

  it('the snapshot covers valid and tampered vectors, with failures among them', () => {
    expect(names.filter((n) => n.startsWith('valid/')).length).toBeGreaterThan(10);
    expect(names.filter((n) => n.startsWith('tampered/')).length).toBeGreaterThan(30);
    expect(names.some((n) => SNAPSHOT[n]!.errors.length > 0)).toBe(true);
  });

  for (const name of names) {
    it(`${name}: the same checks and errors in the same order`, async () => {
      const r = await verifyPresentation(JSON.parse(readFileSync(join(VECTORS, name), 'utf8')));
      expect(trace(r)).toEqual(SNAPSHOT[name]);
    });
  }
});
