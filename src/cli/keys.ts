/**
 * `vintent keys generate [--kid KID] [--out FILE]`
 *
 * Make an ES256 (P-256) key pair. The private JWK goes to a new file created
 * with mode 0600 (never overwritten, never printed); stdout gets the public
 * JWK only, ready for a trust file or a JWKS endpoint.
 */
import { closeSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { exportPrivateJwk, generateSigningKey } from '../sdjwt/keys.js';
import {
  type CommandSpec,
  runCommand,
  runGroup,
  type Subcommand,
  stringFlag,
  UsageError,
} from './args.js';

/** The nearest existing ancestor of `path` that is not a directory, if any (`--out a.txt/key.json` when a.txt is a file). */
function fileInTheWay(path: string): string | undefined {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    try {
      return statSync(dir).isDirectory() ? undefined : dir;
    } catch {
      if (dirname(dir) === dir) return undefined;
    }
  }
}

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

/** Flags and help of `vintent keys generate`. */
export const KEYS_GENERATE_COMMAND: CommandSpec = {
  name: 'keys generate',
  summary:
    'Make an ES256 (P-256) key pair: the private JWK goes to a new 0600 file (never overwritten, never printed), the public JWK to stdout.',
  flags: {
    kid: {
      type: 'string',
      value: 'KID',
      help: "key id, 1-128 of A-Z a-z 0-9 . _ : - (default: the key's RFC 7638 thumbprint)",
    },
    out: {
      type: 'string',
      value: 'FILE',
      help: 'where to write the private JWK (default: .vintent/keys/KID.private.jwk.json)',
    },
  },
  example: 'keys generate --kid shop-1 --out secrets/shop.jwk.json > shop.pub.json',
  notes: [
    'exit status: 0 written, 1 the file exists, 2 usage or an --out path that cannot be a file',
  ],
};

async function generate(args: string[]): Promise<number> {
  return runCommand(KEYS_GENERATE_COMMAND, args, async (values) => {
    const kid = stringFlag(values, 'kid');
    if (kid !== undefined && !/^[A-Za-z0-9._:-]{1,128}$/.test(kid))
      throw new UsageError('--kid takes 1-128 characters from A-Z a-z 0-9 . _ : -');
    const outFlag = stringFlag(values, 'out');
    if (outFlag !== undefined) {
      const blocker = fileInTheWay(outFlag);
      if (blocker !== undefined)
        throw new UsageError(`cannot write ${outFlag}: ${blocker} is a file, not a directory`);
    }
    // Without --kid the kid is the key's RFC 7638 thumbprint.
    const key = generateSigningKey(kid);
    const out = outFlag ?? `.vintent/keys/${key.kid}.private.jwk.json`;
    try {
      writeSecretFile(out, `${JSON.stringify(exportPrivateJwk(key), null, 2)}\n`);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'EEXIST') {
        process.stderr.write(
          `vintent keys generate: cannot write ${out}: file exists (not overwritten)\n`,
        );
        return 1;
      }
      process.stderr.write(
        `vintent keys generate: cannot write ${out}: ${err.code === 'EISDIR' ? 'is a directory' : err.code === 'EACCES' ? 'permission denied' : err.message}\n`,
      );
      return 2;
    }
    process.stderr.write(`private key written to ${out} (mode 0600)\n`);
    process.stdout.write(`${JSON.stringify(key.publicJwk)}\n`);
    return 0;
  });
}

const SUBCOMMANDS: Record<string, Subcommand> = {
  generate: { spec: KEYS_GENERATE_COMMAND, run: generate },
};

export async function run(args: string[]): Promise<number> {
  return runGroup('keys', SUBCOMMANDS, args);
}
