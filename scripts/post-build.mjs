// After tsc: copy the inspector page's non-TypeScript files into dist/, and
// lay out dist/web/, the runtime-neutral core with the web crypto seam.
//
// dist/web/ is the core (everything `vintent` exports) compiled once by tsc
// and copied here, with one file changed: sdjwt/platform.js is
// sdjwt/platform-web.js (WebCrypto, no Node built-ins). package.json's
// conditional exports send browsers, workers, workerd and Deno here and Node
// and Bun to dist/. Node-only parts (ledger, network, http, cli, inspect's
// server, pkcs11) are not copied: nothing in the core imports them.
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
for (const dir of ['inspect/assets']) {
  const from = join(root, 'src', dir);
  if (!existsSync(from)) continue;
  cpSync(from, join(dist, dir), { recursive: true });
}

const web = join(dist, 'web');
rmSync(web, { recursive: true, force: true });
const CORE = [
  'errors.js',
  'index.js',
  'constraints',
  'internal',
  'issue',
  'present',
  'profiles',
  'sdjwt',
  'verify',
  'ledger/types.js',
];
const NODE_ONLY = new Set(['sdjwt/pkcs11.js', 'sdjwt/platform-web.js']);
for (const entry of CORE) {
  cpSync(join(dist, entry), join(web, entry), {
    recursive: true,
    // JavaScript only: the declarations stay in dist/ ("types" points there for every condition).
    filter: (src) => {
      const rel = relative(dist, src).split('\\').join('/');
      if (NODE_ONLY.has(rel)) return false;
      return !/\.(d\.ts|d\.ts\.map|js\.map)$/.test(src);
    },
  });
}
// The seam: same relative imports (both files sit in sdjwt/), so the copy resolves inside dist/web/.
writeFileSync(join(web, 'sdjwt/platform.js'), readFileSync(join(dist, 'sdjwt/platform-web.js')));

// Nothing in the web tree may import a Node built-in (or leave it for a bundler to find).
const offenders = [];
const walk = (dir) => {
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, name.name);
    if (name.isDirectory()) walk(path);
    else if (
      /\bfrom\s+['"]node:|\bimport\(\s*['"]node:|\brequire\(/.test(readFileSync(path, 'utf8'))
    )
      offenders.push(relative(root, path));
  }
};
walk(web);
if (offenders.length > 0) {
  console.error(`post-build: Node built-ins imported in the web core: ${offenders.join(', ')}`);
  process.exit(1);
}

// The static inspector (`vintent inspect --static`): the inspection as one
// classic script for the page, on the web seam, with its dependencies inside
// (a page opened from file:// can load neither modules nor bare imports).
const { build } = await import('esbuild');
await build({
  entryPoints: [join(dist, 'inspect', 'static-entry.js')],
  outfile: join(dist, 'inspect', 'assets', 'inspector-core.js'),
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  legalComments: 'eof',
  logLevel: 'warning',
  plugins: [
    {
      name: 'web-seam',
      setup(b) {
        b.onResolve({ filter: /\/platform\.js$/ }, (args) =>
          args.importer.includes(`${join('dist', 'sdjwt')}`) || args.resolveDir.endsWith('sdjwt')
            ? { path: join(args.resolveDir, 'platform-web.js') }
            : undefined,
        );
      },
    },
  ],
});
