/**
 * The pages a package user reads (README.md, docs/, spec/) link only to files
 * the tarball ships: a relative link to something `npm pack` leaves out is a
 * dead link on the registry and in node_modules.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize, resolve } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');

it('every relative link in the shipped pages points to a shipped file', () => {
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  ) as { files: { path: string }[] }[];
  const shipped = new Set(packed[0]!.files.map((f) => normalize(f.path)));
  const pages = [...shipped].filter((f) => f.endsWith('.md'));
  expect(pages).toContain('README.md');
  const dead: string[] = [];
  for (const page of pages) {
    const text = readFileSync(join(ROOT, page), 'utf8');
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]!.split('#')[0]!;
      if (target === '' || /^[a-z]+:/i.test(target)) continue; // an anchor, or an absolute URL
      const path = normalize(join(dirname(page), target));
      if (!shipped.has(path)) dead.push(`${page} → ${m[1]}`);
    }
  }
  expect(dead).toEqual([]);
});
