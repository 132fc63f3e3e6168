/**
 * Lists every skipped suite or test again after the summary, with the reason
 * carried in its name (see describeIf in ./environment.ts), so that a green
 * run on a bare clone says plainly what it did not exercise.
 */
import type { Reporter, TestModule } from 'vitest/node';

const SKIP_MARK = '[skipped: ';

export default class SkipReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const lines = new Map<string, number>();
    for (const m of modules) {
      for (const test of m.children.allTests('skipped')) {
        let label = test.fullName;
        for (let p = test.parent; p.type === 'suite'; p = p.parent) {
          if (p.name.includes(SKIP_MARK)) label = p.fullName;
        }
        const note =
          test.result().state === 'skipped' ? (test.result() as { note?: string }).note : undefined;
        const key = `${m.moduleId.replace(`${process.cwd()}/`, '')} > ${label}${note ? ` [skipped: ${note}]` : ''}`;
        lines.set(key, (lines.get(key) ?? 0) + 1);
      }
    }
    if (lines.size === 0) return;
    const total = [...lines.values()].reduce((a, b) => a + b, 0);
    const out = [`\nSkipped ${total} test${total === 1 ? '' : 's'}:`];
    for (const [label, n] of lines) out.push(`  - ${label}${n > 1 ? ` (${n} tests)` : ''}`);
    process.stdout.write(`${out.join('\n')}\n`);
  }
}
