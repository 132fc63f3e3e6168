/** The inspector over real HTTP on loopback: standalone, mounted in the service, and from the CLI. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inspectorRoutes } from '../../src/http/inspect-routes.js';
import { type StandaloneInspector, startInspector } from '../../src/http/inspect-server.js';
import { createVintentServer } from '../../src/http/server.js';
import type { InspectView } from '../../src/inspect/model.js';
import { openLedger } from '../../src/ledger/index.js';
import { describeIf } from '../support/environment.js';
import { reference, referenceBundles, referencePath } from './fixtures.js';

async function postVerify(
  base: string,
  body: unknown,
  contentType = 'application/json',
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}/inspect/api/verify`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

describeIf(referenceBundles)('inspector routes (standalone server)', () => {
  let inspector: StandaloneInspector;
  let base: string;
  beforeAll(async () => {
    inspector = await startInspector({
      preload: {
        name: 'autonomous-dispute-valid.json',
        bundle: reference('autonomous-dispute-valid'),
      },
    });
    base = new URL(inspector.url).origin;
  });
  afterAll(() => inspector.close());

  it('listens on loopback only', () => {
    expect(inspector.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/inspect$/);
    expect((inspector.server.address() as { address: string }).address).toBe('127.0.0.1');
  });

  it('serves the page with a policy that forbids any external request', async () => {
    const res = await fetch(inspector.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    const html = await res.text();
    // Only same-origin references: no CDN, no web fonts.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('serves its own assets and nothing else', async () => {
    for (const name of ['inspector.js', 'inspector.css']) {
      const res = await fetch(`${base}/inspect/assets/${name}`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
    }
    for (const path of [
      '/inspect/assets/../routes.ts',
      '/inspect/assets/%2e%2e%2froutes.ts',
      '/inspect/assets/nope.js',
    ]) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(404);
      await res.text();
    }
  });

  it('hands out the preloaded bundle', async () => {
    const res = await fetch(`${base}/inspect/api/preload`);
    const body = (await res.json()) as { name: string; bundle: { name: string } };
    expect(body.name).toBe('autonomous-dispute-valid.json');
    expect(body.bundle.name).toBe('autonomous/dispute/valid');
  });

  it('verifies a bundle object or pasted text', async () => {
    const b = reference('autonomous-tamper-l3a-sd-hash-over-full-l2');
    for (const bundle of [b, JSON.stringify(b)]) {
      const r = await postVerify(base, { bundle });
      expect(r.status).toBe(200);
      const v = r.body as InspectView;
      expect(v.verdict.valid).toBe(false);
      expect(v.bindings.find((x) => x.id === 'l2>l3a#0:sd_hash')?.status).toBe('failed');
    }
  });

  it('answers garbage with a verdict, not an exception', async () => {
    for (const bundle of [
      42,
      null,
      { vi_bundle: 1, l1: 'x', l2: 'y~' },
      [],
      '"just a string"',
      '{"vi_bundle": 1}',
    ]) {
      const r = await postVerify(base, { bundle, role: 'merchant', pair: -3 });
      expect(r.status).toBe(200);
      expect((r.body as InspectView).verdict.valid).toBe(false);
      expect((r.body as InspectView).verdict.codes.length).toBeGreaterThan(0);
    }
  });

  it('refuses pasted text the verifier would refuse, with its code', async () => {
    const notJson = await postVerify(base, { bundle: 'not json at all' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe('BUNDLE_MALFORMED');
    const deep = await postVerify(base, { bundle: `${'['.repeat(5000)}${']'.repeat(5000)}` });
    expect(deep.status).toBe(400);
    expect(deep.body.error.code).toBe('LIMIT_EXCEEDED');
  });

  it('refuses non-JSON requests and bad JSON with typed codes', async () => {
    const plain = await postVerify(base, '{"bundle":{}}', 'text/plain');
    expect(plain.status).toBe(415);
    expect(plain.body.error.code).toBe('HTTP_UNSUPPORTED_MEDIA_TYPE');
    const bad = await postVerify(base, '{"bundle":');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('HTTP_BODY_MALFORMED');
  });

  it('refuses oversized bodies', async () => {
    const r = await postVerify(base, { bundle: 'x'.repeat(1024 * 1024 + 10) });
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('HTTP_BODY_TOO_LARGE');
  });
});

describeIf(referenceBundles)('inspector mounted in the vintent service (extraRoutes)', () => {
  it('serves /inspect next to the service endpoints and uses the configured issuer keys', async () => {
    const b = reference('autonomous-dispute-valid') as {
      trust: { issuer_jwks: { keys: Record<string, unknown>[] } };
    };
    const ledger = await openLedger(
      `sqlite:${join(mkdtempSync(join(tmpdir(), 'vintent-inspect-')), 'ledger.db')}`,
    );
    const issuerKeys = b.trust.issuer_jwks;
    const service = createVintentServer({
      port: 0,
      ledger,
      issuerKeys,
      log: () => {},
      extraRoutes: inspectorRoutes({ issuerKeys }),
    });
    try {
      const { url } = await service.listen();
      const page = await fetch(`${url}/inspect`);
      expect(page.status).toBe(200);
      await page.text();
      const r = await postVerify(url, { bundle: b, role: 'network' });
      expect(r.status).toBe(200);
      expect((r.body as InspectView).trust.source).toBe('server');
      expect((r.body as InspectView).verdict.valid).toBe(true);
    } finally {
      await service.close();
      await ledger.close();
    }
  });
});

// Child processes start tsx cold: allow for a slow machine (no assertion is about time).
describeIf(referenceBundles)('vintent inspect (CLI)', { timeout: 60_000 }, () => {
  it('prints a loopback URL, preloads the bundle, and stops cleanly on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(__dirname, 'cli-entry.ts'),
        'inspect',
        referencePath('immediate-full-valid'),
        '--port',
        '0',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /http:\/\/127\.0\.0\.1:\d+\/inspect/.exec(out);
          if (m) resolve(m[0]);
        });
        child.once('exit', (code) =>
          reject(new Error(`exited ${code} before printing a URL: ${out}`)),
        );
      });
      const pre = (await (await fetch(`${url}/api/preload`)).json()) as {
        name: string;
        bundle: { name: string };
      };
      expect(pre.name).toBe('immediate-full-valid.json');
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await exited;
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('vintent serve exposes /inspect, trusting its --trust keys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vintent-serve-inspect-'));
    const b = reference('autonomous-dispute-valid') as { trust: { issuer_jwks: unknown } };
    const trust = join(dir, 'issuer.jwks.json');
    writeFileSync(trust, JSON.stringify(b.trust.issuer_jwks));
    const args = [
      '--import',
      'tsx',
      join(__dirname, 'cli-entry.ts'),
      'serve',
      '--port',
      '0',
      '--ledger',
      `sqlite:${join(dir, 'ledger.db')}`,
      '--trust',
      trust,
      '--network-aud',
      'https://network.example',
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
          if (m) resolve(m[0]);
        });
        child.once('exit', (code) =>
          reject(new Error(`exited ${code} before printing a URL: ${out}`)),
        );
      });
      const page = await fetch(`${url}/inspect`);
      expect(page.status).toBe(200);
      await page.text();
      const r = await postVerify(url, { bundle: b });
      expect((r.body as InspectView).trust.source).toBe('server');
      expect((r.body as InspectView).verdict.valid).toBe(true);
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('exits 2 on usage errors', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(__dirname, 'cli-entry.ts'), 'inspect', '--port', 'abc'],
      { stdio: 'ignore' },
    );
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
  });
});
