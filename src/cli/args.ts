/**
 * The CLI's conventions in one place: every subcommand declares its flags
 * once (name, value, what it does, one example) and gets `--help`, strict
 * parsing, one-line usage errors (exit 2, no Node parser text) and input files
 * read with a size limit and a path in every error.
 */
import { readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { VIError } from '../errors.js';
import { DEFAULT_LIMITS as DEFAULT_VERIFY_LIMITS } from '../verify/context.js';
import { type BundleTextResult, parseBundleText } from '../verify/index.js';

/** One flag of a subcommand. */
export interface FlagSpec {
  /** `string` flags take a value (`--trust FILE`), `boolean` flags do not. */
  type: 'string' | 'boolean';
  /** Placeholder for the value in help text, e.g. `FILE`. */
  value?: string;
  /** What the flag does, in one line. */
  help: string;
  default?: string | boolean;
  /** Short alias, e.g. `o` for `-o`. */
  short?: string;
}

/** A subcommand as `--help` describes it. */
export interface CommandSpec {
  /** `verify`, `keys generate`, … */
  name: string;
  /** One line: what it does. */
  summary: string;
  /** Positional arguments in the synopsis, e.g. `PATH...`. */
  operands?: string;
  /** What the operands are, when there are any. */
  operandsHelp?: string;
  flags: Record<string, FlagSpec>;
  /** One example command line (without the leading `vintent `). */
  example: string;
  /** Extra lines after the flags (exit codes and the like). */
  notes?: string[];
}

/** A usage problem: the command prints one line and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A named input file that cannot be used: missing, unreadable, a directory or too large (exit 2). */
export class InputFileError extends Error {
  override readonly name = 'InputFileError';
}

/** Input files larger than this are refused (the HTTP body limit, for the same bundles). */
export const MAX_INPUT_FILE_BYTES = 1024 * 1024;

const HELP_FLAG: FlagSpec = { type: 'boolean', short: 'h', help: 'show this help and exit' };

/** The synopsis line: `vintent verify [--json] [--trust FILE] PATH...`. */
export function synopsis(spec: CommandSpec): string {
  const flags = Object.entries(spec.flags).map(([name, f]) =>
    f.type === 'string' ? `[--${name} ${f.value ?? 'VALUE'}]` : `[--${name}]`,
  );
  return ['vintent', spec.name, ...flags, ...(spec.operands ? [spec.operands] : [])].join(' ');
}

/** The full `--help` text: synopsis, summary, operands, every flag with its help, one example. */
export function helpText(spec: CommandSpec): string {
  const rows = Object.entries({ ...spec.flags, help: HELP_FLAG }).map(([name, f]) => {
    const left = `${f.short ? `-${f.short}, ` : ''}--${name}${f.type === 'string' ? ` ${f.value ?? 'VALUE'}` : ''}`;
    const dflt =
      f.default !== undefined && f.default !== false ? ` (default: ${String(f.default)})` : '';
    return [left, `${f.help}${dflt}`] as const;
  });
  // The operands' column counts too: a long operand name must not run into its help.
  const width = Math.max(...rows.map(([l]) => l.length), spec.operands?.length ?? 0) + 2;
  const lines = [`usage: ${synopsis(spec)}`, '', spec.summary, ''];
  if (spec.operands) lines.push(`  ${spec.operands.padEnd(width)}${spec.operandsHelp ?? ''}`);
  for (const [l, r] of rows) lines.push(`  ${l.padEnd(width)}${r}`);
  if (spec.notes?.length) lines.push('', ...spec.notes);
  lines.push('', 'example:', `  vintent ${spec.example}`, '');
  return lines.join('\n');
}

/** Node's parseArgs messages, reworded to one short line without its own jargon. */
function parserMessage(e: NodeJS.ErrnoException, spec: CommandSpec): string {
  const flag = /'(-{1,2}[^' ]+)/.exec(e.message)?.[1];
  switch (e.code) {
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (flag && spec.flags[flag.replace(/^-+/, '')]?.type === 'boolean')
        return `${flag} takes no value`;
      return `${flag ?? 'an option'} needs a value`;
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${flag ?? ''}`.trimEnd();
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']+)'/.exec(e.message)?.[1] ?? ''}`.trimEnd();
    default:
      return e.message.split('\n')[0]!;
  }
}

export type ParsedValues = Record<string, string | boolean | undefined>;

/** Parsed flags and operands, or `help` when `--help` was asked for. */
export type Parsed = { help: true } | { help: false; values: ParsedValues; positionals: string[] };

/**
 * Parse `args` against `spec`, strictly. A flag that takes a value and is
 * followed by nothing, or by another flag, is a usage error.
 * @throws UsageError with one line.
 */
export function parseCommand(spec: CommandSpec, args: string[]): Parsed {
  const options: Record<
    string,
    { type: 'string' | 'boolean'; short?: string; default?: string | boolean }
  > = {};
  for (const [name, f] of Object.entries({ ...spec.flags, help: HELP_FLAG })) {
    options[name] = {
      type: f.type,
      ...(f.short ? { short: f.short } : {}),
      ...(f.default !== undefined ? { default: f.default } : {}),
    };
  }
  try {
    const { values, positionals } = parseArgs({
      args,
      options,
      strict: true,
      allowPositionals: spec.operands !== undefined,
    });
    if (values.help === true) return { help: true };
    for (const [name, v] of Object.entries(values)) {
      if (
        typeof v === 'string' &&
        v.startsWith('-') &&
        spec.flags[name]?.type === 'string' &&
        args.includes(`--${name}`)
      ) {
        throw new UsageError(`--${name} needs a value`);
      }
    }
    return { help: false, values: values as ParsedValues, positionals };
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const err = e as NodeJS.ErrnoException;
    if (typeof err.code === 'string' && err.code.startsWith('ERR_PARSE_ARGS'))
      throw new UsageError(parserMessage(err, spec));
    throw e;
  }
}

/** Print a usage error as one line on stderr; returns the exit code 2. */
export function usageFailure(spec: Pick<CommandSpec, 'name'>, e: Error): number {
  process.stderr.write(
    `vintent ${spec.name}: ${e.message.split('\n')[0]} (see vintent ${spec.name} --help)\n`,
  );
  return 2;
}

/** Print an input file problem as one line on stderr; returns the exit code 2. */
export function inputFailure(spec: Pick<CommandSpec, 'name'>, e: Error): number {
  process.stderr.write(`vintent ${spec.name}: ${e.message.split('\n')[0]}\n`);
  return 2;
}

/** Why a path cannot be read, in words (ENOENT → "no such file"). */
function fsReason(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a parent of it is not a directory';
    default:
      return e.code ?? e.message;
  }
}

/**
 * Read a named input file as UTF-8 text.
 * @throws InputFileError naming the path when it is missing, unreadable, not a regular file or over `limit` bytes.
 */
export function readInputFile(path: string, limit = MAX_INPUT_FILE_BYTES): string {
  const size = fileSize(path);
  if (size > limit)
    throw new InputFileError(`${path}: ${size} bytes is over the ${limit}-byte limit`);
  return readText(path);
}

/** The size of a regular file, or InputFileError naming the path (missing, a directory, unreadable). */
function fileSize(path: string): number {
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new InputFileError(`${path}: is a directory`);
    return st.size;
  } catch (e) {
    if (e instanceof InputFileError) throw e;
    throw new InputFileError(`${path}: ${fsReason(e as NodeJS.ErrnoException)}`);
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputFileError(`${path}: ${fsReason(e as NodeJS.ErrnoException)}`);
  }
}

/**
 * Read a bundle file as every command does: one size limit (the verifier's
 * `maxBundleBytes`, 2 MiB), one code for each refusal (BUNDLE_TOO_LARGE,
 * LIMIT_EXCEEDED for nesting, BUNDLE_MALFORMED saying where the JSON breaks).
 * A missing or unreadable path throws InputFileError (exit 2).
 */
export function readBundleFile(
  path: string,
  maxBytes = DEFAULT_VERIFY_LIMITS.maxBundleBytes,
): BundleTextResult {
  const size = fileSize(path);
  // Not read at all when too large: the verifier's own refusal, from the size alone.
  if (size > maxBytes) {
    return {
      ok: false,
      error: new VIError({
        code: 'BUNDLE_TOO_LARGE',
        layer: 'bundle',
        message: `bundle is ${size} bytes, limit ${maxBytes}`,
      }),
    };
  }
  return parseBundleText(readText(path), { maxBundleBytes: maxBytes });
}

/** {@link readBundleFile}, where a file that is no bundle is an input error (exit 2) naming the path and the code. */
export function readBundleFileOrFail(path: string): unknown {
  const read = readBundleFile(path);
  if (!read.ok) throw new InputFileError(`${path}: ${read.error.code}: ${read.error.message}`);
  return read.value;
}

/**
 * Run a subcommand body with the conventions: `--help` prints help (exit 0),
 * a UsageError exits 2 with one line, an InputFileError exits 2 with its path.
 */
export async function runCommand(
  spec: CommandSpec,
  args: string[],
  body: (values: ParsedValues, positionals: string[]) => Promise<number>,
): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseCommand(spec, args);
  } catch (e) {
    if (e instanceof UsageError) return usageFailure(spec, e);
    throw e;
  }
  if (parsed.help) {
    process.stdout.write(helpText(spec));
    return 0;
  }
  try {
    return await body(parsed.values, parsed.positionals);
  } catch (e) {
    if (e instanceof UsageError) return usageFailure(spec, e);
    if (e instanceof InputFileError) return inputFailure(spec, e);
    throw e;
  }
}

/** A string flag's value (parseCommand guarantees strings for string flags). */
export function stringFlag(values: ParsedValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** Unix seconds from `--now`, or the clock. @throws UsageError when malformed. */
export function unixSeconds(value: string | undefined, flag = '--now'): number {
  if (value === undefined) return Math.floor(Date.now() / 1000);
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n))
    throw new UsageError(`${flag} takes Unix seconds, got ${value}`);
  return n;
}

/** One subcommand of a command group (`keys generate`, `network authorize`, …). */
export interface Subcommand {
  spec: CommandSpec;
  run: (args: string[]) => Promise<number>;
}

/** The help of a command group: each subcommand's synopsis and summary. */
export function groupHelp(group: string, subs: Record<string, Subcommand>): string {
  const lines = [`usage: vintent ${group} SUBCOMMAND [OPTIONS]`, ''];
  for (const s of Object.values(subs))
    lines.push(`  ${synopsis(s.spec)}`, `      ${s.spec.summary}`);
  lines.push(
    '',
    `  vintent ${group} SUBCOMMAND --help   flags of one subcommand, with an example`,
    '',
  );
  return lines.join('\n');
}

/** Dispatch a command group: `--help` (or nothing) shows the group help, an unknown subcommand is a usage error. */
export async function runGroup(
  group: string,
  subs: Record<string, Subcommand>,
  args: string[],
): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '-h' || sub === '--help') {
    process.stdout.write(groupHelp(group, subs));
    return 0;
  }
  if (sub === undefined)
    return usageFailure(
      { name: group },
      new UsageError(`missing subcommand: ${Object.keys(subs).join(' or ')}`),
    );
  const entry = subs[sub];
  if (!entry)
    return usageFailure(
      { name: group },
      new UsageError(`unknown subcommand '${sub}': ${Object.keys(subs).join(' or ')}`),
    );
  return entry.run(rest);
}
