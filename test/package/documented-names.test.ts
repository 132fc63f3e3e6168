/**
 * Every name README.md, docs/ and spec/ tell a user to import is there in the
 * built package, resolved the way a user's TypeScript resolves it: through
 * package.json `exports` and dist's declarations (issue 26). The names come
 * from the documents' `import { … } from 'vintent…'` lines and from prose of
 * the form "`name` … from `vintent/sub`".
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { describeIf } from '../support/environment.js';

const ROOT = resolve(__dirname, '../..');
const built = {
  available: existsSync(join(ROOT, 'dist', 'index.d.ts')),
  reason: 'dist/ is not built (npm run build; npm ci does it through prepare)',
};

function documents(): string[] {
  const md = (dir: string) =>
    existsSync(join(ROOT, dir))
      ? readdirSync(join(ROOT, dir))
          .filter((f) => f.endsWith('.md'))
          .map((f) => join(ROOT, dir, f))
      : [];
  return [join(ROOT, 'README.md'), ...md('docs'), ...md('spec')];
}

/** entry → names the documents import from it. */
function documentedNames(texts: string[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (entry: string, name: string) => {
    if (!/^[A-Za-z_$][\w$]*$/.test(name)) return;
    if (!out.has(entry)) out.set(entry, new Set());
    out.get(entry)!.add(name);
  };
  for (const text of texts) {
    for (const m of text.matchAll(
      /import\s+(?:type\s+)?\{([^}]+)\}\s+from\s+'(vintent(?:\/[a-z0-9-]+)?)'/g,
    ))
      for (const part of m[1]!.split(','))
        add(
          m[2]!,
          part
            .trim()
            .replace(/^type\s+/, '')
            .split(/\s+as\s+/)[0]!,
        );
    // Prose: "`openPkcs11Signer({ … })` from `vintent/pkcs11`", "`statusListResolver` (`vintent/http`)".
    for (const m of text.matchAll(
      /`([A-Za-z_$][\w$]*)(?:\([^`]*\))?`[^`\n]{0,40}?`(vintent\/[a-z0-9-]+)`/g,
    ))
      add(m[2]!, m[1]!);
  }
  return out;
}

it('reads names from import lines and from prose', () => {
  const m = documentedNames([
    "import {\n  a,\n  type B,\n  c as d,\n} from 'vintent';",
    'take `openPkcs11Signer({ library })` from `vintent/pkcs11` and `statusListResolver` (`vintent/http`)',
  ]);
  expect([...m.get('vintent')!]).toEqual(['a', 'B', 'c']);
  expect([...m.get('vintent/pkcs11')!]).toEqual(['openPkcs11Signer']);
  expect([...m.get('vintent/http')!]).toEqual(['statusListResolver']);
});

describeIf(built)('documented names are exported', () => {
  it('the documents name exports, and each compiles against the built package', () => {
    const names = documentedNames(documents().map((f) => readFileSync(f, 'utf8')));
    expect(names.get('vintent')?.size ?? 0).toBeGreaterThan(5);
    const dir = mkdtempSync(join(tmpdir(), 'vintent-docnames-'));
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(ROOT, join(dir, 'node_modules', 'vintent'), 'dir');
    // A plain import of a name neither a value nor a type export fails (TS2305).
    const lines = [...names].map(
      ([entry, set]) => `import { ${[...set].join(', ')} } from '${entry}';`,
    );
    writeFileSync(join(dir, 'check.ts'), `${lines.join('\n')}\nexport {};\n`);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          skipLibCheck: true,
          types: [],
        },
        files: ['check.ts'],
      }),
    );
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    const tsc = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir],
      { encoding: 'utf8' },
    );
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  }, 60_000);
});
