/**
 * `vintent adapter`: vintent's verifier behind the conformance adapter
 * protocol (spec/conformance.md): one bundle JSON on stdin (VI or AP2), one verdict line
 * `{"valid": boolean, "code"?: string}` on stdout. The verdict is the
 * verifier's, judged with the bundle's own trust and time (these are test
 * vectors); an unreadable bundle is an invalid presentation, never a crash.
 */
import { isRecord } from '../internal/guards.js';
import { verifyAp2Presentation } from '../verify/ap2/index.js';
import { parseBundleText, verifyPresentation } from '../verify/index.js';
import { type CommandSpec, runCommand, UsageError } from './args.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The verdict line for one bundle text. */
export async function verdictLine(text: string): Promise<string> {
  const parsed = parseBundleText(text);
  if (!parsed.ok) return JSON.stringify({ valid: false, code: parsed.error.code });
  // The protocol hands over test vectors, each carrying the trust and time it is judged by;
  // an AP2 bundle (its version key) goes to the AP2 verifier.
  const result =
    isRecord(parsed.value) && parsed.value.ap2_bundle !== undefined
      ? await verifyAp2Presentation(parsed.value, { trustFromBundle: true })
      : await verifyPresentation(parsed.value, { trustFromBundle: true });
  const code = result.errors[0]?.code;
  return JSON.stringify(
    result.valid ? { valid: true } : { valid: false, ...(code ? { code } : {}) },
  );
}

/** Flags and help of `vintent adapter`. */
export const ADAPTER_COMMAND: CommandSpec = {
  name: 'adapter',
  summary:
    'The conformance adapter protocol: read one bundle on stdin, print one verdict line {"valid":…,"code"?:…} (test-vector mode: the bundle carries its trust and time).',
  flags: {},
  example: 'adapter < vectors/valid/immediate.json',
  notes: ['exit status: 0 (the verdict is on stdout), 2 usage'],
};

export async function run(args: string[]): Promise<number> {
  return runCommand(ADAPTER_COMMAND, args, async (_values, positionals) => {
    if (positionals.length > 0)
      throw new UsageError('adapter reads the bundle on stdin and takes no operands');
    process.stdout.write(`${await verdictLine(await readStdin())}\n`);
    return 0;
  });
}
