/**
 * `vintent` command line: a table of subcommands, each in its own module.
 * Exit codes: 0 success, 1 a verdict or check failed, 2 usage error.
 */
export type Command = (args: string[]) => Promise<number>;

interface CommandEntry {
  summary: string;
  load: () => Promise<{ run: Command }>;
}

const COMMANDS: Record<string, CommandEntry> = {
  verify: { summary: 'verify [--json] PATH...        verify bundles (files or directories of *.json)', load: () => import('./verify.js') },
  demo: { summary: 'demo [--out DIR] [--profile NAME]   run the purchase flows end to end in one wire profile', load: () => import('./demo.js') },
  profiles: { summary: 'profiles [--json]              the wire profiles (vocabularies) vintent speaks', load: () => import('./profiles.js') },
  adapter: { summary: 'adapter < BUNDLE                one verdict line for one bundle on stdin (the conformance protocol)', load: () => import('./adapter.js') },
  conformance: { summary: 'conformance --verifier "CMD" [--vectors DIR] [--json]   run another verifier over our vectors', load: () => import('./conformance.js') },
  keys: { summary: 'keys generate [--kid KID] [--out FILE]   new ES256 key: private JWK to a 0600 file, public JWK to stdout', load: () => import('./keys.js') },
  serve: { summary: 'serve [--port 8787] [--ledger SPEC] --trust JWKS   run the merchant/network HTTP service', load: () => import('./serve.js') },
  network: { summary: 'network authorize BUNDLE|reverse ID --ledger SPEC   network decision offline', load: () => import('./network.js') },
  inspect: { summary: 'inspect [BUNDLE] [--port N]     web page drawing a bundle\'s chain with the verdict (127.0.0.1)', load: () => import('./inspect.js') },
  ledger: { summary: 'ledger show [--ledger SPEC] [--json]   the network ledger audit trail', load: () => import('./ledger.js') },
};

export function usage(): string {
  const lines = Object.values(COMMANDS).map((c) => `  vintent ${c.summary}`);
  return `usage:\n${lines.join('\n')}\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    process.stderr.write(`vintent: unknown command '${name}'\n${usage()}`);
    return 2;
  }
  const mod = await entry.load();
  return mod.run(rest);
}
