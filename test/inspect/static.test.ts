/**
 * `vintent inspect --static DIR`: the inspector as files that verify in the
 * page (WebCrypto, no server), opened from file:// in headless Chromium; the
 * verdict a vector records is the one the page draws.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { CHROMIUM_PATH, chromium, describeIf } from '../support/environment.js';

const ROOT = resolve(__dirname, '../..');
const built = {
  available: existsSync(join(ROOT, 'dist', 'inspect', 'assets', 'inspector-core.js')),
  reason: 'dist/ is not built (npm run build; npm ci does it through prepare)',
};

function writeStatic(bundleFile: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vintent-static-'));
  execFileSync(process.execPath, [
    join(ROOT, 'bin', 'vintent.js'),
    'inspect',
    '--static',
    dir,
    bundleFile,
  ]);
  return dir;
}

/** The page's DOM once its scripts ran, from file://. */
function render(dir: string): string {
  const r = spawnSync(
    CHROMIUM_PATH,
    [
      '--headless',
      '--disable-gpu',
      '--no-sandbox',
      '--dump-dom',
      '--virtual-time-budget=15000',
      pathToFileURL(join(dir, 'index.html')).href,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  return r.stdout;
}

const verdictClass = (dom: string) => /class="verdict (valid|invalid)"/.exec(dom)?.[1];

describeIf(built, chromium)(
  'static inspector (file://, verifying in the page)',
  { timeout: 120_000 },
  () => {
    it('writes only files the page loads as classic scripts, with no server address', () => {
      const dir = writeStatic(
        join(ROOT, 'vectors', 'valid', readdirSync(join(ROOT, 'vectors', 'valid'))[0]!),
      );
      expect(readdirSync(dir).sort()).toEqual([
        'config.js',
        'index.html',
        'inspector-core.js',
        'inspector.css',
        'inspector.js',
      ]);
      const html = readFileSync(join(dir, 'index.html'), 'utf8');
      expect(html).not.toContain('type="module"');
      expect(html).not.toContain('/inspect/');
    });

    it('a valid vector is drawn valid, a tampered one invalid with its code', () => {
      const valid = join(ROOT, 'vectors', 'valid', readdirSync(join(ROOT, 'vectors', 'valid'))[0]!);
      expect(verdictClass(render(writeStatic(valid)))).toBe('valid');
      const name = readdirSync(join(ROOT, 'vectors', 'tampered')).find(
        (f) => f.includes('sd-hash') || f.includes('signature'),
      )!;
      const file = join(ROOT, 'vectors', 'tampered', name);
      const code = JSON.parse(readFileSync(file, 'utf8')).verdict.code as string;
      const dom = render(writeStatic(file));
      expect(verdictClass(dom)).toBe('invalid');
      expect(dom).toContain(code);
    });

    it('an AP2 chain is drawn hop by hop, and a broken hop carries its code', () => {
      const valid = join(ROOT, 'vectors', 'ap2', 'valid', 'hnp-network-valid-4-hop.json');
      const dom = render(writeStatic(valid));
      expect(verdictClass(dom)).toBe('valid');
      for (const hop of [0, 1, 2, 3]) expect(dom).toContain(`id="card-payment-${hop}"`);
      const broken = join(
        ROOT,
        'vectors',
        'ap2',
        'tampered',
        'hnp-network-tamper-hop-signature.json',
      );
      const bad = render(writeStatic(broken));
      expect(verdictClass(bad)).toBe('invalid');
      expect(bad).toContain('AP2_SIGNATURE_INVALID');
    });
  },
);
