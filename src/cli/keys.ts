/**
 * `vintent keys generate [--kid KID] [--out FILE]`
 *
 * Make an ES256 (P-256) key pair. The private JWK goes to a new file created
 * with mode 0600 (never overwritten, never printed); stdout gets the public
 * JWK only, ready for a trust file or a JWKS endpoint.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { exportPrivateJwk, generateSigningKey } from '../sdjwt/keys.js';

const USAGE = 'usage: vintent keys generate [--kid KID] [--out FILE]\n';

/** Write `text` to a file that must not exist yet, readable by the owner only. */
export function writeSecretFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

export async function run(args: string[]): Promise<number> {
  let kid: string | undefined;
  let out: string | undefined;
  try {
    const [sub, ...rest] = args;
    if (sub !== 'generate') throw new Error(sub === undefined ? 'missing subcommand' : `unknown subcommand '${sub}'`);
    const { values } = parseArgs({ args: rest, options: { kid: { type: 'string' }, out: { type: 'string' } }, strict: true });
    kid = values.kid;
    if (kid !== undefined && !/^[A-Za-z0-9._:-]{1,128}$/.test(kid)) throw new Error('--kid takes 1-128 characters from A-Z a-z 0-9 . _ : -');
    out = values.out;
  } catch (e) {
    process.stderr.write(`vintent keys: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  // Without --kid the kid is the key's RFC 7638 thumbprint.
  const key = generateSigningKey(kid);
  out ??= `.vintent/keys/${key.kid}.private.jwk.json`;
  try {
    writeSecretFile(out, `${JSON.stringify(exportPrivateJwk(key), null, 2)}\n`);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    process.stderr.write(`vintent keys: cannot write ${out}: ${err.code === 'EEXIST' ? 'file exists (not overwritten)' : err.message}\n`);
    return 1;
  }
  process.stderr.write(`private key written to ${out} (mode 0600)\n`);
  process.stdout.write(`${JSON.stringify(key.publicJwk)}\n`);
  return 0;
}
