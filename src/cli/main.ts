/**
 * `vintent` command line: a table of subcommands, each in its own module.
 * Exit codes: 0 success, 1 a verdict or check failed, 2 usage error or an
 * input file that cannot be used. `vintent help CMD` is `vintent CMD --help`.
 */
import { readFileSync } from 'node:fs';

export type Command = (args: string[]) => Promise<number>;

interface CommandEntry {
  summary: string;
  load: () => Promise<{ run: Command }>;
}

const COMMANDS: Record<string, CommandEntry> = {
  verify: {
    summary: 'verify bundles (files or directories of *.json) against their verdicts',
    load: () => import('./verify.js'),
  },
  demo: {
    summary: 'run the purchase flows end to end and show what each party sees',
    load: () => import('./demo.js'),
  },
  profiles: {
    summary: 'the wire profiles (vocabularies) vintent speaks',
    load: () => import('./profiles.js'),
  },
  adapter: {
    summary: 'one verdict line for one bundle on stdin (the conformance adapter protocol)',
    load: () => import('./adapter.js'),
  },
  conformance: {
    summary: 'run another verifier over our vectors and print the agreement matrix',
    load: () => import('./conformance.js'),
  },
  keys: {
    summary: 'keys generate: a new ES256 key (private JWK to a 0600 file, public JWK on stdout)',
    load: () => import('./keys.js'),
  },
  serve: { summary: 'run the merchant and network HTTP service', load: () => import('./serve.js') },
  network: {
    summary: 'network authorize / reverse: the network decision offline, on a ledger',
    load: () => import('./network.js'),
  },
  ledger: {
    summary: 'ledger show: the network ledger audit trail',
    load: () => import('./ledger.js'),
  },
  inspect: {
    summary: "a web page drawing a bundle's chain with the verdict (127.0.0.1)",
    load: () => import('./inspect.js'),
  },
};

/** The package version, from the package.json next to src/ or dist/. */
export function version(): string {
  try {
    const pkg = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The top-level usage text: every command with one line about it. */
export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length)) + 2;
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`);
  return [
    'usage: vintent COMMAND [OPTIONS]',
    '',
    'Verifiable Intent: issue, present and verify agent payment delegation chains.',
    '',
    'commands:',
    ...lines,
    '',
    '  vintent COMMAND --help   flags of one command, with an example',
    '  vintent help [COMMAND]   the same',
    '  vintent --version        the package version',
    '',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(usage());
    return 2;
  }
  if (name === '-h' || name === '--help') {
    process.stdout.write(usage());
    return 0;
  }
  if (name === '-V' || name === '--version' || name === 'version') {
    process.stdout.write(`vintent ${version()}\n`);
    return 0;
  }
  if (name === 'help') {
    const topic = rest[0];
    if (topic === undefined) {
      process.stdout.write(usage());
      return 0;
    }
    const entry = Object.hasOwn(COMMANDS, topic) ? COMMANDS[topic] : undefined;
    if (!entry) {
      process.stderr.write(`vintent help: unknown command '${topic}' (see vintent --help)\n`);
      return 2;
    }
    return (await entry.load()).run([...rest.slice(1), '--help']);
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    process.stderr.write(`vintent: unknown command '${name}' (see vintent --help)\n`);
    return 2;
  }
  const mod = await entry.load();
  return mod.run(rest);
}
