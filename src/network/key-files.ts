/**
 * Reading the key files a service is configured with. Trust files hold public
 * keys only: a file carrying a private member is refused, since a private
 * key in a trust store means someone copied the wrong file.
 */
import { readFileSync } from 'node:fs';
import { hasPrivateJwkMember, isRecord } from '../internal/guards.js';
import type { JwkSet } from '../profiles/bundle.js';

/** A JWK Set from a file holding either a JWK Set or a single public JWK. Throws Error with a readable message. */
export function readPublicKeySet(path: string): JwkSet {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
  const set = toSet(value);
  if (!set) throw new Error(`${path} is neither a JWK Set nor a JWK`);
  for (const k of set.keys) {
    if (hasPrivateJwkMember(k))
      throw new Error(`${path} contains a private key (kid ${String(k.kid)}); give the public JWK`);
  }
  return set;
}

function toSet(v: unknown): JwkSet | undefined {
  if (!isRecord(v)) return undefined;
  const o = v;
  if (Array.isArray(o.keys) && o.keys.every(isRecord))
    return { keys: o.keys as Record<string, unknown>[] };
  if (typeof o.kty === 'string') return { keys: [o] };
  return undefined;
}

/**
 * Trust anchors for AP2 `x5c` roots from a file: PEM (one or more
 * `-----BEGIN CERTIFICATE-----` blocks) or a JSON array of standard base64
 * DER certificates. Returns the base64 DER of each, as `x5cRoots` takes them.
 * Throws Error with a readable message on anything else.
 */
export function readX5cRoots(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
  if (text.includes('-----BEGIN')) {
    if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text))
      throw new Error(`${path} contains a private key; give the root certificates`);
    const certs = [
      ...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g),
    ].map((m) => m[1]!.replace(/\s+/g, ''));
    if (certs.length === 0) throw new Error(`${path} holds no PEM certificate`);
    return certs;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${path} is neither PEM certificates nor a JSON array of base64 certificates`);
  }
  if (!Array.isArray(value) || value.length === 0 || !value.every((c) => typeof c === 'string'))
    throw new Error(`${path} must be a non-empty JSON array of base64 DER certificates`);
  return value as string[];
}
