/** The CheckLog that runs a stage's check table (src/verify/context.ts): order, outcomes, gates, pairs. */
import { describe, expect, it } from 'vitest';
import { type Check, CheckLog, configOf, reject, skip } from '../../src/verify/context.js';

interface Findings {
  ran: string[];
}

const passes: Check<number, Findings>['run'] = (_, f) => void f.ran.push('passes');
const fails: Check<number, Findings>['run'] = (_, f) => {
  f.ran.push('fails');
  reject('L1_SIGNATURE_INVALID', 'bad', 'sig');
};
const skips: Check<number, Findings>['run'] = (_, f) => {
  f.ran.push('skips');
  return skip('not disclosed');
};
const throwsBug: Check<number, Findings>['run'] = () => {
  throw new TypeError('a bug');
};

const newLog = () => new CheckLog(configOf({}));

describe('CheckLog', () => {
  it('runs a table in order, recording passed, failed (with the VIError as an error of that layer and pair) and skipped', () => {
    const log = newLog();
    const found: Findings = { ran: [] };
    const table: Check<number, Findings>[] = [
      { name: 'l1.header', layer: 'l1', run: passes },
      { name: 'l1.signature', layer: 'l1', run: fails },
      { name: 'l1.claims', layer: 'l1', run: skips },
    ];
    expect(log.runAll(table, 0, found, 3)).toBe(false);
    expect(found.ran).toEqual(['passes', 'fails', 'skips']);
    expect(log.checks).toEqual([
      { name: 'l1.header', status: 'passed', layer: 'l1', pair: 3 },
      { name: 'l1.signature', status: 'failed', layer: 'l1', pair: 3 },
      { name: 'l1.claims', status: 'skipped', layer: 'l1', reason: 'not disclosed', pair: 3 },
    ]);
    expect(log.errors.map((e) => [e.code, e.layer, e.pair, e.claim])).toEqual([
      ['L1_SIGNATURE_INVALID', 'l1', 3, 'sig'],
    ]);
    expect(log.valid).toBe(false);
    expect(log.pairFailed(3)).toBe(true);
    expect(log.pairFailed(0)).toBe(false);
  });

  it('stops a table at a gate that did not pass, whether it failed or was skipped', () => {
    for (const run of [fails, skips]) {
      const log = newLog();
      const found: Findings = { ran: [] };
      const table: Check<number, Findings>[] = [
        { name: 'l2.signature', layer: 'l2', run, gate: true },
        { name: 'l2.sd_hash', layer: 'l2', run: passes },
      ];
      expect(log.runAll(table, 0, found)).toBe(false);
      expect(log.checks.map((c) => c.name)).toEqual(['l2.signature']);
    }
  });

  it('goes past a gate that passed, and reports true when nothing failed', () => {
    const log = newLog();
    const table: Check<number, Findings>[] = [
      { name: 'l2.signature', layer: 'l2', run: passes, gate: true },
      { name: 'l2.expect', layer: 'l2', run: skips },
    ];
    expect(log.runAll(table, 0, { ran: [] })).toBe(true);
    expect(log.checks.map((c) => `${c.name}:${c.status}`)).toEqual([
      'l2.signature:passed',
      'l2.expect:skipped',
    ]);
    expect(log.valid).toBe(true);
  });

  it('records anything but a VIError as INTERNAL, never as a pass', () => {
    const log = newLog();
    expect(log.run({ name: 'l3a.claims', layer: 'l3a', run: throwsBug }, 0, { ran: [] })).toBe(
      'failed',
    );
    expect(log.errors.map((e) => [e.code, e.layer])).toEqual([['INTERNAL', 'l3a']]);
  });
});
