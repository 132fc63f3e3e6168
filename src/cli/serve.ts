/**
 * `vintent serve [--host 127.0.0.1] [--port 8787] [--ledger SPEC]
 *   (--trust ISSUER_JWKS | --trust-url URL) [--merchant-keys JWKS]
 *   [--jwks PUBLIC_JWKS] [--network-aud AUD] [--no-signature-cache]`
 *
 * Run the merchant + network service until SIGINT/SIGTERM, then close the
 * server and the ledger cleanly. Prints the URL it listens on.
 *
 * Verified signatures are remembered (src/sdjwt/signature-cache.ts): a
 * network sees the same L1 and L2 with every new L3 pair. Every other check
 * still runs per request; `--no-signature-cache` turns the cache off.
 */
import { parseArgs } from 'node:util';
import { remoteJwksResolver } from '../http/jwks-client.js';
import { readPublicKeySet } from '../http/key-files.js';
import { inspectorRoutes } from '../http/inspect/routes.js';
import { createVintentServer, type VintentServerConfig } from '../http/server.js';
import { openLedger } from '../ledger/index.js';
import { VerifiedSignatureCache } from '../sdjwt/signature-cache.js';
import type { KeyResolver } from '../verify/types.js';

export const DEFAULT_LEDGER = 'sqlite:.vintent/ledger.db';

const USAGE =
  'usage: vintent serve [--host 127.0.0.1] [--port 8787] [--ledger sqlite:PATH|postgres://...]\n' +
  '                     (--trust ISSUER_JWKS | --trust-url URL) [--merchant-keys JWKS] [--jwks PUBLIC_JWKS] [--network-aud AUD]\n' +
  '                     [--no-signature-cache]\n';

interface ServeOptions {
  config: Omit<VintentServerConfig, 'ledger'>;
  ledger: string;
}

function parse(args: string[]): ServeOptions {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8787' },
      ledger: { type: 'string', default: DEFAULT_LEDGER },
      trust: { type: 'string' },
      'trust-url': { type: 'string' },
      'merchant-keys': { type: 'string' },
      jwks: { type: 'string' },
      'network-aud': { type: 'string' },
      'no-signature-cache': { type: 'boolean', default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port takes 0..65535');
  if ((values.trust === undefined) === (values['trust-url'] === undefined)) throw new Error('give exactly one of --trust FILE or --trust-url URL');
  const issuerKeys: KeyResolver = values.trust !== undefined ? readPublicKeySet(values.trust) : remoteJwksResolver(values['trust-url']!);
  const config: Omit<VintentServerConfig, 'ledger'> = { host: values.host, port, issuerKeys };
  if (values['merchant-keys'] !== undefined) config.merchantKeys = readPublicKeySet(values['merchant-keys']);
  if (values.jwks !== undefined) config.jwks = readPublicKeySet(values.jwks);
  if (values['network-aud'] !== undefined) config.expect = { l3a: { aud: values['network-aud'] } };
  if (!values['no-signature-cache']) config.signatureCache = new VerifiedSignatureCache();
  return { config, ledger: values.ledger };
}

/** Resolves on the first SIGINT or SIGTERM. */
function shutdownSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: string) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

export async function run(args: string[]): Promise<number> {
  let opts: ServeOptions;
  try {
    opts = parse(args);
  } catch (e) {
    process.stderr.write(`vintent serve: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  let ledger;
  try {
    ledger = await openLedger(opts.ledger);
  } catch (e) {
    process.stderr.write(`vintent serve: cannot open ledger ${opts.ledger}: ${(e as Error).message}\n`);
    return 1;
  }
  // /inspect: the inspector page, verifying with this server's issuer keys.
  const extraRoutes = inspectorRoutes({ issuerKeys: opts.config.issuerKeys, merchantKeys: opts.config.merchantKeys });
  const service = createVintentServer({ ...opts.config, ledger, extraRoutes });
  let url: string;
  try {
    ({ url } = await service.listen());
  } catch (e) {
    process.stderr.write(`vintent serve: cannot listen: ${(e as Error).message}\n`);
    await ledger.close();
    return 1;
  }
  const stopped = shutdownSignal();
  process.stdout.write(`${url}\n`);
  const sig = await stopped;
  process.stderr.write(`vintent serve: ${sig}, closing\n`);
  await service.close();
  await ledger.close();
  return 0;
}
