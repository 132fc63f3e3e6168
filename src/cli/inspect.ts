/**
 * `vintent inspect [BUNDLE] [--port N] [--trust JWKS] [--merchant-keys JWKS]`
 *
 * Start the inspector page on 127.0.0.1, print its URL, and keep serving until
 * interrupted. BUNDLE, when given, is shown as soon as the page opens. Without
 * --trust the page verifies against each bundle's own `trust` (and says so).
 *
 * `vintent inspect --static DIR [BUNDLE]` writes the page as static files
 * instead: it verifies in the browser (WebCrypto), from file:// too, so a
 * bundle is checked without being sent anywhere.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { startInspector } from '../http/inspect-server.js';
import { ASSETS_DIR } from '../inspect/index.js';
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
    static: {
      type: 'string',
      value: 'DIR',
      help: 'write the inspector as static files into DIR instead of serving it: it verifies in the browser, offline',
    },
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
  notes: [
    'runs until Ctrl-C; exit status: 0 after Ctrl-C (or once --static has written its files), 2 usage, an unreadable file or no port',
  ],
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
    const out = stringFlag(values, 'static');
    if (out !== undefined) {
      if (options.port !== undefined)
        throw new UsageError('--static writes files; it takes no --port');
      return writeStaticInspector(out, options);
    }
    return serveInspector(options);
  });
}

/** Classic scripts only: a page opened from file:// may not load modules. */
function staticIndex(): string {
  return readFileSync(join(ASSETS_DIR, 'index.html'), 'utf8')
    .replaceAll('/inspect/assets/', './')
    .replace(
      '<script type="module" src="./inspector.js"></script>',
      '<script defer src="./inspector-core.js"></script>\n  <script defer src="./config.js"></script>\n  <script defer src="./inspector.js"></script>',
    );
}

/** JSON as a script literal: `<` escaped so no string can close the script. */
const scriptJson = (v: unknown) => JSON.stringify(v).replaceAll('<', '\\u003c');

function writeStaticInspector(dir: string, options: InspectorOptions): number {
  if (!existsSync(join(ASSETS_DIR, 'inspector-core.js'))) {
    process.stderr.write(
      'vintent inspect: the static inspector script is missing (npm run build)\n',
    );
    return 2;
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    process.stderr.write(
      `vintent inspect: ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`,
    );
    return 2;
  }
  for (const f of ['inspector.css', 'inspector.js', 'inspector-core.js'])
    copyFileSync(join(ASSETS_DIR, f), join(dir, f));
  writeFileSync(join(dir, 'index.html'), staticIndex());
  const keys: Record<string, unknown> = {};
  if (options.issuerKeys) keys.issuerKeys = options.issuerKeys;
  if (options.merchantKeys) keys.merchantKeys = options.merchantKeys;
  writeFileSync(
    join(dir, 'config.js'),
    `globalThis.vintentKeys = ${scriptJson(keys)};\nglobalThis.vintentPreload = ${scriptJson(options.preload ?? {})};\n`,
  );
  process.stdout.write(
    `vintent inspector written to ${dir}: open ${join(dir, 'index.html')} in a browser; it verifies in the page, offline\n(trust: ${options.issuerKeys ? 'issuer keys from --trust' : "each bundle's own trust"})\n`,
  );
  return 0;
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
