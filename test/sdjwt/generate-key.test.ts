/**
 * Key generation: the public JWK is the key's own, the kid its thumbprint,
 * and generating under constant garbage collection never hangs. Exporting
 * the KeyObject that generateKeyPairSync returned deadlocked Node 20 about
 * once in a few thousand keys when a GC during the export finalized the
 * generation job (docs/performance.md, "Fourth round").
 */
import { execFile } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  exportPrivateJwk,
  generateSigningKey,
  jwkThumbprint,
  signEs256,
  verifyEs256,
} from '../../src/sdjwt/keys.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const keysModule = pathToFileURL(
  fileURLToPath(new URL('../../src/sdjwt/keys.ts', import.meta.url)),
).href;

describe('generateSigningKey', () => {
  it('publishes the public half of its private key, named by thumbprint', () => {
    const key = generateSigningKey();
    const exported = createPublicKey(key.privateKey).export({ format: 'jwk' });
    expect(key.publicJwk).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: exported.x,
      y: exported.y,
      kid: key.kid,
    });
    expect(key.kid).toBe(jwkThumbprint(key.publicJwk));
    expect(exportPrivateJwk(key)).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      x: exported.x,
      y: exported.y,
    });
    const sig = signEs256('a.b', key.privateKey);
    expect(verifyEs256('a.b', sig, createPublicKey({ key: key.publicJwk, format: 'jwk' }))).toBe(
      true,
    );
  });

  it('keeps a given kid', () => {
    expect(generateSigningKey('issuer-1').publicJwk.kid).toBe('issuer-1');
  });

  it('finishes 10,000 keys (each exported and used) with a 1 MB young generation', async () => {
    // A young generation this small collects every few keys; before the fix this hung within seconds.
    const script = `const k = await import(${JSON.stringify(keysModule)});
for (let i = 0; i < 10000; i++) { const key = k.generateSigningKey(); k.exportPrivateJwk(key); k.signEs256('a.b', key.privateKey); }
console.log('done');`;
    const { error, stdout } = await new Promise<{ error: Error | null; stdout: string }>(
      (resolve) => {
        execFile(
          process.execPath,
          ['--max-semi-space-size=1', '--import', 'tsx', '--input-type=module', '-e', script],
          { cwd: root, timeout: 150_000, killSignal: 'SIGKILL' },
          (e, out) => resolve({ error: e, stdout: out }),
        );
      },
    );
    expect(error).toBeNull();
    expect(stdout.trim()).toBe('done');
  }, 180_000);
});
