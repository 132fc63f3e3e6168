/**
 * `vintent serve [--host 127.0.0.1] [--port 8787] [--ledger SPEC]
 *   (--trust ISSUER_JWKS | --trust-url URL) [--merchant-keys JWKS]
 *   [--jwks PUBLIC_JWKS] [--network-aud AUD] [--no-signature-cache] [--workers N]`
 *
 * Run the merchant + network service until SIGINT/SIGTERM, then close the
 * server and the ledger cleanly. Prints the URL it listens on.
 *
 * Verified signatures are remembered (src/sdjwt/signature-cache.ts): a
 * network sees the same L1 and L2 with every new L3 pair. Every other check
 * still runs per request; `--no-signature-cache` turns the cache off.
 * `--workers N` (default: the number of cores) runs N processes on one port
 * sharing the ledger (serve-cluster.ts); `--workers 1` is one process.
 */
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { remoteJwksResolver } from '../http/jwks-client.js';
import { inspectorRoutes } from '../http/inspect/routes.js';
import { createVintentServer, type VintentServerConfig } from '../http/server.js';
import { openLedger } from '../ledger/index.js';
import { VerifiedSignatureCache } from '../sdjwt/signature-cache.js';
import { runServeCluster } from './serve-cluster.js';
import type { KeyResolver } from '../verify/types.js';
import { type CommandSpec, type ParsedValues, runCommand, stringFlag, UsageError } from './args.js';
import { readJwks } from './verify.js';

export const DEFAULT_LEDGER = 'sqlite:.vintent/ledger.db';

/** Flags and help of `vintent serve`. */
export const SERVE_COMMAND: CommandSpec = {
  name: 'serve',
  summary: 'Run the merchant and network HTTP service (POST /v1/merchant/verify, /v1/network/authorize, /v1/network/reverse, /inspect) until SIGINT or SIGTERM.',
  flags: {
    host: { type: 'string', value: 'HOST', default: '127.0.0.1', help: 'address to listen on' },
    port: { type: 'string', value: 'PORT', default: '8787', help: 'port to listen on, 0 for any free one' },
    ledger: { type: 'string', value: 'SPEC', default: DEFAULT_LEDGER, help: 'the network ledger: sqlite:PATH or postgres://USER:PASS@HOST/DB' },
    trust: { type: 'string', value: 'JWKS', help: 'issuer public keys (JWK Set file); this or --trust-url is required' },
    'trust-url': { type: 'string', value: 'URL', help: "the issuer's JWKS URL, fetched and cached" },
    'merchant-keys': { type: 'string', value: 'JWKS', help: 'merchant public keys for checkout_jwt signatures' },
    jwks: { type: 'string', value: 'PUBLIC_JWKS', help: 'public keys this service publishes at /.well-known/jwks.json' },
    'network-aud': { type: 'string', value: 'AUD', help: 'the audience L3a must name (your network)' },
    'no-signature-cache': { type: 'boolean', help: 'verify every signature afresh instead of remembering verified L1/L2 signatures' },
    workers: { type: 'string', value: 'N', help: 'worker processes sharing the port and the ledger (default: the number of cores)' },
  },
  example: 'serve --port 8787 --ledger sqlite:.vintent/ledger.db --trust issuer-jwks.json',
  notes: ['prints the URL it listens on; exit status: 0 after a clean shutdown, 1 ledger or listen failure, 2 usage or an unreadable key file'],
};

interface ServeOptions {
  config: Omit<VintentServerConfig, 'ledger'>;
  ledger: string;
  workers: number;
}

function parse(values: ParsedValues): ServeOptions {
  const port = Number(stringFlag(values, 'port'));
  if (!/^\d+$/.test(stringFlag(values, 'port') ?? '') || port > 65535) throw new UsageError('--port takes 0..65535');
  const trust = stringFlag(values, 'trust');
  const trustUrl = stringFlag(values, 'trust-url');
  if ((trust === undefined) === (trustUrl === undefined)) throw new UsageError('give exactly one of --trust FILE or --trust-url URL');
  const issuerKeys: KeyResolver = trust !== undefined ? readJwks(trust) : remoteJwksResolver(trustUrl!);
  const config: Omit<VintentServerConfig, 'ledger'> = { host: stringFlag(values, 'host') ?? '127.0.0.1', port, issuerKeys };
  const merchantKeys = stringFlag(values, 'merchant-keys');
  if (merchantKeys !== undefined) config.merchantKeys = readJwks(merchantKeys);
  const jwks = stringFlag(values, 'jwks');
  if (jwks !== undefined) config.jwks = readJwks(jwks);
  const aud = stringFlag(values, 'network-aud');
  if (aud !== undefined) config.expect = { l3a: { aud } };
  if (values['no-signature-cache'] !== true) config.signatureCache = new VerifiedSignatureCache();
  const workersFlag = stringFlag(values, 'workers') ?? String(availableParallelism());
  const workers = Number(workersFlag);
  if (!/^\d+$/.test(workersFlag) || workers < 1 || workers > 256) throw new UsageError('--workers takes 1..256');
  return { config, ledger: stringFlag(values, 'ledger') ?? DEFAULT_LEDGER, workers };
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
  return runCommand(SERVE_COMMAND, args, async (values) => {
    const opts = parse(values);
    return opts.workers > 1 && cluster.isPrimary ? runServeCluster(opts.workers, opts.ledger, args) : serve(opts);
  });
}

async function serve(opts: ServeOptions): Promise<number> {
  let ledger: Awaited<ReturnType<typeof openLedger>>;
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
  if (!cluster.isWorker) process.stdout.write(`${url}\n`); // with workers, the primary prints it
  const sig = await stopped;
  process.stderr.write(`vintent serve: ${sig}, closing\n`);
  await service.close();
  await ledger.close();
  return 0;
}
