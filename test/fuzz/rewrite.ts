/**
 * Type-confusion edits on JSON *text*: some hostile inputs (1e309, -0,
 * duplicate member names, 2^53+1, `__proto__` members) cannot be made by
 * JSON.stringify of a JS value, so edits splice raw text in.
 */

/** Raw JSON fragments a hostile presenter might put where a claim value goes. */
export const HOSTILE_RAW: readonly string[] = [
  '"27999"', // number as string
  '279.99', // float where minor units are expected
  '-0',
  '1e309', // parses to Infinity
  '-1e309',
  '9007199254740993', // 2^53 + 1: not a safe integer
  '1e21',
  '-1',
  '"NaN"',
  '"Infinity"',
  '"-0"',
  '""',
  'null',
  'true',
  '[]',
  '{}',
  '[{}]',
  '[["amount", 1]]', // an object spelled as an array
  '{"0": "a", "length": 1}', // an array spelled as an object
  '{"...": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}', // a dangling array-element reference
  '{"_sd": [1, {}, "x"]}',
  '{"__proto__": {"polluted": true, "valid": true}}',
  '{"constructor": {"prototype": {"polluted": true}}}',
  '"\\ud800"', // lone surrogate
  '"\\u0000"',
  '"../../etc/passwd"',
  `${'['.repeat(20)}${']'.repeat(20)}`,
  `${'['.repeat(3000)}${']'.repeat(3000)}`, // deeper than any limit, and than a naive recursive walk likes
  `"${'A'.repeat(70 * 1024)}"`, // over the 64 KiB string limit
];

/** Member names that prototype-based code or the SD-JWT machinery might trip on. */
export const HOSTILE_KEYS: readonly string[] = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '_sd',
  '...',
  '_sd_alg',
  'cnf',
  'sd_hash',
  'd',
  'vct',
  '',
];

export type JsonPath = (string | number)[];

/** Every node of a JSON value, root first, depth-limited so huge inputs stay cheap. */
export function pathsOf(value: unknown, maxDepth = 12): JsonPath[] {
  const out: JsonPath[] = [];
  const walk = (v: unknown, path: JsonPath): void => {
    out.push(path);
    if (path.length >= maxDepth || typeof v !== 'object' || v === null) return;
    if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) walk(x, [...path, i]);
    } else for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k], [...path, k]);
  };
  walk(value, []);
  return out;
}

/** Paths of the objects in a JSON value (where a member can be added). */
export function objectPathsOf(value: unknown): JsonPath[] {
  return pathsOf(value).filter((p) => {
    const v = at(value, p);
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  });
}

function at(value: unknown, path: JsonPath): unknown {
  let v = value;
  for (const k of path) v = (v as Record<string | number, unknown>)[k];
  return v;
}

const PLACEHOLDER = '__vintent_fuzz_raw_7f3a__';

function define(obj: object, key: string | number, value: unknown): void {
  // defineProperty, not assignment: assigning "__proto__" would change the prototype.
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Serialize `root` with the placeholder swapped for `raw`. */
function spliced(root: unknown, raw: string): string {
  const text = JSON.stringify(root);
  const i = text.indexOf(`"${PLACEHOLDER}"`);
  return i < 0 ? text : text.slice(0, i) + raw + text.slice(i + PLACEHOLDER.length + 2);
}

/** Replace the node at `path` by raw JSON text. The root path replaces everything. */
export function replaceAt(text: string, path: JsonPath, raw: string): string {
  if (path.length === 0) return raw;
  const root = JSON.parse(text) as unknown;
  define(at(root, path.slice(0, -1)) as object, path[path.length - 1]!, PLACEHOLDER);
  return spliced(root, raw);
}

/** Add (or overwrite) member `key` of the object at `path` with raw JSON text. */
export function addMember(text: string, path: JsonPath, key: string, raw: string): string {
  const root = JSON.parse(text) as unknown;
  define(at(root, path) as object, key, PLACEHOLDER);
  return spliced(root, raw);
}

/**
 * Duplicate member `key` of the object at `path`: `"k": <original>, "k": <raw>`.
 * JSON.parse keeps the last; a parser that keeps the first would disagree.
 */
export function duplicateMember(text: string, path: JsonPath, key: string, raw: string): string {
  const root = JSON.parse(text) as unknown;
  const obj = at(root, path) as Record<string, unknown>;
  const original = JSON.stringify(obj[key] ?? null);
  define(obj, key, PLACEHOLDER);
  return spliced(root, `${original},${JSON.stringify(key)}:${raw}`);
}

/** Value-dependent confusions: the same value, but of another type. */
export function retyped(value: unknown, variant: number): string {
  const variants = [
    () => JSON.stringify(String(JSON.stringify(value))), // any value as a string
    () => `[${JSON.stringify(value)}]`, // wrapped in an array
    () => `{"value":${JSON.stringify(value)}}`, // wrapped in an object
    () => (typeof value === 'number' ? `${value}.5` : JSON.stringify(value)), // float
    () => (typeof value === 'number' ? `${value}e0` : JSON.stringify(value)), // same number, other spelling
    () => (typeof value === 'string' ? JSON.stringify(value.toUpperCase()) : JSON.stringify(value)),
  ];
  return variants[variant % variants.length]!();
}

/** One text edit, chosen by small integers (shrinks well under fast-check). */
export interface TextEdit {
  kind: 'replace' | 'add' | 'duplicate' | 'retype';
  node: number;
  choice: number;
}

/** Apply an edit to JSON text; undefined when the text is not JSON or the edit does not apply. */
export function applyTextEdit(text: string, e: TextEdit): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (e.kind === 'replace' || e.kind === 'retype') {
    const paths = pathsOf(value);
    const p = paths[e.node % paths.length]!;
    return replaceAt(
      text,
      p,
      e.kind === 'replace'
        ? HOSTILE_RAW[e.choice % HOSTILE_RAW.length]!
        : retyped(at(value, p), e.choice),
    );
  }
  const objects = objectPathsOf(value);
  if (objects.length === 0) return undefined;
  const p = objects[e.node % objects.length]!;
  if (e.kind === 'add')
    return addMember(
      text,
      p,
      HOSTILE_KEYS[e.choice % HOSTILE_KEYS.length]!,
      HOSTILE_RAW[(e.choice >> 4) % HOSTILE_RAW.length]!,
    );
  const keys = Object.keys(at(value, p) as object);
  if (keys.length === 0) return undefined;
  return duplicateMember(
    text,
    p,
    keys[e.choice % keys.length]!,
    HOSTILE_RAW[(e.choice >> 4) % HOSTILE_RAW.length]!,
  );
}
