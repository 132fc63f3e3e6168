/** Run a CLI command in-process with stdout captured (lines, trailing blank trimmed) and stderr silenced. */
import { vi } from 'vitest';

export async function captureRun(
  run: (args: string[]) => Promise<number>,
  args: string[],
): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const w = vi
    .spyOn(process.stdout, 'write')
    .mockImplementation((s) => (out.push(String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { code: await run(args), out: out.join('').trimEnd().split('\n') };
  } finally {
    w.mockRestore();
    e.mockRestore();
  }
}
