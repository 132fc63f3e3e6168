/**
 * `vintent adapter`: vintent's verifier behind the conformance adapter
 * protocol (spec/conformance.md): one bundle JSON on stdin, one verdict line
 * `{"valid": boolean, "code"?: string}` on stdout. The verdict is the
 * verifier's, judged with the bundle's own trust and time (these are test
 * vectors); an unreadable bundle is an invalid presentation, never a crash.
 */
import { parseBundleText, verifyPresentation } from '../verify/index.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The verdict line for one bundle text. */
export async function verdictLine(text: string): Promise<string> {
  const parsed = parseBundleText(text);
  if (!parsed.ok) return JSON.stringify({ valid: false, code: parsed.error.code });
  // The protocol hands over test vectors, each carrying the trust and time it is judged by.
  const result = await verifyPresentation(parsed.value, { trustFromBundle: true });
  const code = result.errors[0]?.code;
  return JSON.stringify(
    result.valid ? { valid: true } : { valid: false, ...(code ? { code } : {}) },
  );
}

export async function run(args: string[]): Promise<number> {
  if (args.length > 0) {
    process.stderr.write('usage: vintent adapter < bundle.json\n');
    return 2;
  }
  process.stdout.write(`${await verdictLine(await readStdin())}\n`);
  return 0;
}
