/**
 * A flood of silent connections against `vintent serve --workers 2` under a
 * low open-files limit: the server closes them (idle timeout from accept, 503
 * over its per-worker cap), the primary holds none, and once the flood is
 * gone the service answers again within seconds. Real processes, real TCP.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateSigningKey } from '../../src/sdjwt/keys.js';
import { describeIf } from '../support/environment.js';
import { type StartedServe, startServe } from '../support/serve.js';
import { NETWORK_AUD } from './chain.js';

const prlimit = {
  available: spawnSync('prlimit', ['--version']).status === 0,
  reason: 'util-linux prlimit is not installed (apt-get install util-linux)',
};

describeIf(prlimit)('serve --workers 2 under a flood of silent sockets', () => {
  let svc: StartedServe;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vintent-flood-'));
    const trust = join(dir, 'issuer.jwks.json');
    writeFileSync(trust, JSON.stringify({ keys: [generateSigningKey('flood-issuer').publicJwk] }));
    svc = await startServe(
      [
        '--ledger',
        `sqlite:${join(dir, 'l.db')}`,
        '--trust',
        trust,
        '--network-aud',
        NETWORK_AUD,
        '--max-connections',
        '150',
        '--idle-timeout-ms',
        '1000',
      ],
      { workers: 2, maxOpenFiles: 256 },
    );
  }, 30_000);
  afterAll(async () => {
    await svc.stop();
  });

  it('closes every silent socket itself and answers again within seconds', async () => {
    const port = Number(new URL(svc.url).port);
    const sockets: Socket[] = [];
    const closedBy = await Promise.all(
      Array.from(
        { length: 500 },
        () =>
          new Promise<'server' | 'error'>((resolve) => {
            const s = connect(port, '127.0.0.1');
            sockets.push(s);
            s.on('data', () => undefined);
            s.once('error', () => resolve('error'));
            s.once('close', () => resolve('server'));
          }),
      ).map((p) =>
        Promise.race([p, new Promise<'open'>((r) => setTimeout(() => r('open'), 15_000))]),
      ),
    );
    for (const s of sockets) s.destroy();
    expect(closedBy.filter((c) => c === 'open')).toHaveLength(0);
    const deadline = Date.now() + 5000;
    let status = 0;
    while (Date.now() < deadline) {
      status = await fetch(`${svc.url}/healthz`).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
    for (const line of svc.stderr().split('\n').filter(Boolean))
      expect(() => JSON.parse(line)).not.toThrow();
  }, 40_000);
});
