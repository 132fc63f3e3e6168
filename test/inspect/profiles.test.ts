/**
 * The inspector reads every vocabulary through the chain's profile: on the
 * valid vectors of each profile, every constraint of the network and dispute
 * views is drawn as passed, through the same code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectBundle } from '../../src/inspect/service.js';

const VECTORS = join(__dirname, '..', '..', 'vectors', 'valid');
const read = (name: string) => JSON.parse(readFileSync(join(VECTORS, name), 'utf8')) as unknown;

const statuses = async (name: string) =>
  (await inspectBundle(read(name), 'presented', 0)).constraints.map(
    (r) => `${r.mandate} ${r.status}`,
  );

for (const [profile, prefix] of [
  ['vi-2026-02', ''],
  ['vi-2026-04', 'vi-2026-04-'],
] as const) {
  describe(`inspector on ${profile}`, () => {
    it(`${prefix}autonomous-network: every payment constraint is drawn as passed`, async () => {
      const v = await inspectBundle(read(`${prefix}autonomous-network.json`), 'presented', 0);
      expect(v.verdict.valid).toBe(true);
      expect(v.constraints.length).toBeGreaterThan(0);
      for (const row of v.constraints.filter((r) => r.mandate === 'payment'))
        expect({ type: row.type, status: row.status }).toEqual({
          type: row.type,
          status: 'passed',
        });
    });
    for (const view of [
      'autonomous-dispute',
      'autonomous-merchant',
      'autonomous-multi-pair-dispute',
    ]) {
      it(`${prefix}${view}: every row carries the verifier's own outcome (never not-checked)`, async () => {
        const v = await inspectBundle(read(`${prefix}${view}.json`), 'presented', 0);
        expect(v.verdict.valid).toBe(true);
        for (const row of v.constraints) expect(row.status).not.toBe('not-checked');
      });
    }
  });
}

it('February and April vectors of the same flow draw the same outcomes', async () => {
  for (const view of ['autonomous-network', 'autonomous-dispute', 'autonomous-merchant']) {
    expect(await statuses(`vi-2026-04-${view}.json`)).toEqual(await statuses(`${view}.json`));
  }
});
