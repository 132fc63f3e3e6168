/** The HTTP purchase example runs end to end against a real loopback server (issue 3's "done when"). */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('examples/http-purchase.ts', () => {
  it('approves the first purchase and declines the replay and the overspend', () => {
    const root = resolve(__dirname, '../..');
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'examples/http-purchase.ts'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(out).toContain('LEDGER_PAIR_ALREADY_FULFILLED');
    expect(out).toContain('LEDGER_BUDGET_EXCEEDED');
    expect(out).toContain('all steps as expected');
  });
});

describe('examples/readme-library.ts', () => {
  it("the README's library example runs and both parties accept", () => {
    const root = resolve(__dirname, '../..');
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'examples/readme-library.ts'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(out.startsWith('true true')).toBe(true);
    expect(out).toContain('amount: 27999');
  });
});
