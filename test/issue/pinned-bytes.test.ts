/**
 * Issuance output is pinned byte for byte apart from the ECDSA signatures:
 * fixed keys, salts, nonces and times (test/issue/pinned-corpus.ts) must give
 * exactly the committed texts, whether an issuer remembers its input or
 * parses it, and every signature verifies with jose under the signer's key.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compactVerify, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { issueCorpus, PINNED_JWKS, pin, pinnedCorpus } from './pinned-corpus.js';

const pinned = JSON.parse(
  readFileSync(resolve(__dirname, '__snapshots__/issuance-bytes.json'), 'utf8'),
) as Record<string, unknown>;

describe('issuance output bytes', () => {
  it('the corpus covers every issuer in both profiles', () => {
    const names = Object.keys(pinned);
    for (const prefix of [
      'checkout.',
      'l1.',
      'l2.immediate.2026-02',
      'l2.immediate.2026-04',
      'l2.autonomous.',
      'l3a.',
      'l3b.',
    ]) {
      expect(names.some((n) => n.startsWith(prefix))).toBe(true);
    }
    expect(names.length).toBe(23);
  });

  it('equals the committed texts when issuers remember what they issued', async () => {
    expect(await pinnedCorpus(false)).toEqual(pinned);
  });

  it('equals the committed texts when issuers parse every input', async () => {
    expect(await pinnedCorpus(true)).toEqual(pinned);
  });

  it('signs every credential so that jose verifies it under its signer', async () => {
    const run = await issueCorpus(false);
    for (const [name, c] of Object.entries(run.credentials)) {
      const role = run.signer[name]!;
      const { d: _d, ...pub } = PINNED_JWKS[role];
      const jws = c.serialized.split('~')[0]!;
      const { protectedHeader } = await compactVerify(jws, await importJWK(pub, 'ES256'));
      expect(protectedHeader.alg).toBe('ES256');
      // The signature is 64 bytes r||s, the only form ES256 allows.
      expect(Buffer.from(jws.split('.')[2]!, 'base64url')).toHaveLength(64);
    }
  });

  it('notices a one-byte change', async () => {
    const run = await issueCorpus(false);
    const c = run.credentials['l2.autonomous.single.2026-04']!;
    const [jwt, first, ...rest] = c.serialized.split('~');
    const text = Buffer.from(first!, 'base64url').toString('utf8');
    const changed = Buffer.from(text.replace('Tennis', 'Tennix'), 'utf8').toString('base64url');
    expect(changed).not.toBe(first);
    const tampered = { ...c, serialized: [jwt, changed, ...rest].join('~') };
    expect(() => expect(pin(tampered)).toEqual(pinned['l2.autonomous.single.2026-04'])).toThrow();
  });
});
