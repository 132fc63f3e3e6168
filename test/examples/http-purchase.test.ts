/** The HTTP purchase example runs end to end against a real loopback server (issue 3's "done when"). */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('examples/http-purchase.ts', () => {
  it('approves the first purchase and declines the replay and the overspend', () => {
    const root = resolve(__dirname, '../..');
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'examples/http-purchase.ts'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(out).toContain('LEDGER_PAIR_ALREADY_FULFILLED');
    expect(out).toContain('LEDGER_BUDGET_EXCEEDED');
    expect(out).toContain('all steps as expected');
  });
});
