/**
 * Every `UPPER_SNAKE` name the README, docs/ and spec/ put in backticks is
 * real: an error code of the closed set, or a constant some source file
 * declares (an export, a check group, a limit table), or a name from outside
 * (environment variables, Node error codes, PKCS#11 mechanisms, a profile's
 * enum values). A page that names a code the verifier never returns fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.js';
import { AP2_V0_2 } from '../../src/profiles/ap2.js';
import { PROFILES } from '../../src/profiles/profile.js';

const ROOT = resolve(__dirname, '../..');

function markdown(dir: string): string[] {
  return readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(dir, f));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/** Names of the wider world the pages may cite. */
const OUTSIDE =
  /^(VINTENT_[A-Z0-9_]+|ERR_[A-Z0-9_]+|CKM_[A-Z0-9_]+|ECDSA_SHA_256|EC_SIGN_P256_SHA256)$/;

it('every code-like name the pages cite exists', () => {
  const declared = new Set<string>(ERROR_CODES);
  for (const f of sourceFiles('src'))
    for (const m of readFileSync(f, 'utf8').matchAll(
      /\b(?:const|let|enum|type|as)\s+([A-Z][A-Z0-9_]+)\b/g,
    ))
      declared.add(m[1]!);
  // Enum values of the vocabularies (frequencies), however a profile holds them.
  const collect = (v: unknown): void => {
    if (typeof v === 'string') declared.add(v);
    else if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        declared.add(k);
        collect(x);
      }
  };
  for (const p of [...PROFILES, AP2_V0_2]) collect(p.frequencies);
  const unknown: string[] = [];
  for (const page of ['README.md', ...markdown('docs'), ...markdown('spec')]) {
    const text = readFileSync(join(ROOT, page), 'utf8');
    for (const m of text.matchAll(/`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)`/g)) {
      const name = m[1]!;
      if (!declared.has(name) && !OUTSIDE.test(name)) unknown.push(`${page}: ${name}`);
    }
  }
  expect([...new Set(unknown)]).toEqual([]);
});
