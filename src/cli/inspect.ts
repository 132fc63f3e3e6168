/**
 * `vintent inspect [BUNDLE] [--port N] [--trust JWKS] [--merchant-keys JWKS]`
 *
 * Start the inspector page on 127.0.0.1, print its URL, and keep serving until
 * interrupted. BUNDLE, when given, is shown as soon as the page opens. Without
 * --trust the page verifies against each bundle's own `trust` (and says so).
 */
import { basename } from 'node:path';
import { startInspector } from '../http/inspect-server.js';
import type { InspectorOptions } from '../inspect/service.js';
import {
  type CommandSpec,
  readBundleFileOrFail,
  runCommand,
  stringFlag,
  UsageError,
} from './args.js';
import { readJwks } from './verify.js';

/** Flags and help of `vintent inspect`. */
export const INSPECT_COMMAND: CommandSpec = {
  name: 'inspect',
  summary:
    "Serve the inspector page on 127.0.0.1 and print its URL: a bundle's chain drawn with the verdict, every binding and claim, and a role switch.",
  operands: '[BUNDLE]',
  operandsHelp: 'a bundle file to show as soon as the page opens',
  flags: {
    port: { type: 'string', value: 'PORT', help: 'port to listen on (default: any free one)' },
    trust: {
      type: 'string',
      value: 'JWKS',
      help: "issuer public keys (JWK Set file); without it each bundle's own trust is used, and the page says so",
    },
    'merchant-keys': {
      type: 'string',
      value: 'JWKS',
      help: 'merchant public keys for checkout_jwt signatures',
    },
  },
  example: 'inspect vectors/valid/autonomous-dispute.json --trust issuer-jwks.json',
  notes: ['runs until Ctrl-C; exit status: 0 after Ctrl-C, 2 usage, an unreadable file or no port'],
};

export async function run(args: string[]): Promise<number> {
  return runCommand(INSPECT_COMMAND, args, async (values, positionals) => {
    const options: InspectorOptions & { port?: number } = {};
    const port = stringFlag(values, 'port');
    if (port !== undefined) {
      if (!/^\d+$/.test(port) || Number(port) > 65535)
        throw new UsageError('--port takes 0..65535');
      options.port = Number(port);
    }
    const trust = stringFlag(values, 'trust');
    if (trust !== undefined) options.issuerKeys = readJwks(trust);
    const merchantKeys = stringFlag(values, 'merchant-keys');
    if (merchantKeys !== undefined) options.merchantKeys = readJwks(merchantKeys);
    if (positionals.length > 1) throw new UsageError('one bundle at a time');
    const file = positionals[0];
    if (file !== undefined) {
      options.preload = { name: basename(file), bundle: readBundleFileOrFail(file) };
    }
    return serveInspector(options);
  });
}

async function serveInspector(options: InspectorOptions & { port?: number }): Promise<number> {
  let inspector: Awaited<ReturnType<typeof startInspector>>;
  try {
    inspector = await startInspector(options);
  } catch (e) {
    process.stderr.write(`vintent inspect: cannot listen: ${(e as Error).message}\n`);
    return 2;
  }
  process.stdout.write(
    `vintent inspector: ${inspector.url}\n(trust: ${options.issuerKeys ? 'issuer keys from --trust' : "each bundle's own trust"}; Ctrl-C to stop)\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await inspector.close();
  return 0;
}
