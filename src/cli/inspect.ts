/**
 * `vintent inspect [BUNDLE] [--port N] [--trust JWKS] [--merchant-keys JWKS]`
 *
 * Start the inspector page on 127.0.0.1, print its URL, and keep serving until
 * interrupted. BUNDLE, when given, is shown as soon as the page opens. Without
 * --trust the page verifies against each bundle's own `trust` (and says so).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { startInspector } from '../http/inspect/standalone.js';
import type { InspectorOptions } from '../http/inspect/service.js';
import { readJwks } from './verify.js';

const USAGE = 'usage: vintent inspect [BUNDLE] [--port N] [--trust JWKS] [--merchant-keys JWKS]\n';

export async function run(args: string[]): Promise<number> {
  const options: InspectorOptions & { port?: number } = {};
  let file: string | undefined;
  try {
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '--port') {
        const port = Number(args[++i]);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port takes 0..65535');
        options.port = port;
      } else if (a === '--trust') options.issuerKeys = readJwks(args[++i] ?? '');
      else if (a === '--merchant-keys') options.merchantKeys = readJwks(args[++i] ?? '');
      else if (a === '-h' || a === '--help') {
        process.stdout.write(USAGE);
        return 0;
      } else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
      else if (file === undefined) file = a;
      else throw new Error('one bundle at a time');
    }
    if (file !== undefined) {
      const text = readFileSync(file, 'utf8');
      let bundle: unknown;
      try {
        bundle = JSON.parse(text);
      } catch {
        bundle = text; // shown as a malformed bundle, which is what it is
      }
      options.preload = { name: basename(file), bundle };
    }
  } catch (e) {
    process.stderr.write(`vintent inspect: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  let inspector;
  try {
    inspector = await startInspector(options);
  } catch (e) {
    process.stderr.write(`vintent inspect: cannot listen: ${(e as Error).message}\n`);
    return 2;
  }
  process.stdout.write(`vintent inspector: ${inspector.url}\n(trust: ${options.issuerKeys ? 'issuer keys from --trust' : "each bundle's own trust"}; Ctrl-C to stop)\n`);
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
