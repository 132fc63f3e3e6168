/**
 * The contract of the one crypto seam. `platform.ts` (node:crypto, Buffer)
 * and `platform-web.ts` (WebCrypto and plain JavaScript) both implement it;
 * the package's conditional exports pick one per runtime (see package.json
 * and scripts/post-build.mjs). Nothing else in the core touches a runtime
 * built-in, so the rest of `sdjwt/`, `verify/`, `issue/` and `present/` is
 * the same code everywhere.
 */

// Types only (erased): a SigningKey's in-process private key is a node:crypto KeyObject.
import type { KeyObject } from 'node:crypto';

declare const publicKeyBrand: unique symbol;

/** An imported P-256 public key: a node:crypto KeyObject on Node, the checked coordinates (and a WebCrypto key once needed) elsewhere. */
export interface PublicKeyHandle {
  readonly [publicKeyBrand]: 'vintent public key';
}

/** A private key held in this process (Node only): what a SigningKey's fast synchronous path signs with. */
export type PrivateKeyHandle = KeyObject;

/** The public coordinates (base64url) of a P-256 key. */
export interface P256Coordinates {
  x: string;
  y: string;
}

/** What each platform module exports, checked by `test/sdjwt/platform.test.ts` for both. */
export interface PlatformApi {
  /** `node` when signatures verify synchronously on node:crypto, `web` when they take WebCrypto's promises. */
  readonly PLATFORM: 'node' | 'web';
  /** B64U(SHA-256(UTF-8(s))). */
  sha256b64u(s: string): string;
  /** SHA-256 of bytes. */
  sha256(bytes: Uint8Array): Uint8Array;
  /** 16 fresh CSPRNG bytes, base64url. */
  random128(): string;
  /** Strict unpadded base64url decode (see base64url.ts), undefined for anything else. */
  decodeBase64url(s: string): Uint8Array | undefined;
  /** base64url of bytes, or of the UTF-8 of a string. */
  encodeBase64url(data: Uint8Array | string): string;
  /** Number of UTF-8 bytes of a string. */
  utf8ByteLength(s: string): number;
  /** UTF-8 text of bytes (malformed sequences become U+FFFD). */
  utf8Decode(bytes: Uint8Array): string;
  /** Import a P-256 public key; throws when the point is not on the curve. */
  importP256(c: P256Coordinates): PublicKeyHandle;
  /** Verify a raw ES256 signature now, or undefined when this platform can only answer asynchronously. */
  verifyEs256Now(
    signingInput: string,
    signature: Uint8Array,
    key: PublicKeyHandle,
  ): boolean | undefined;
  /** Verify a raw ES256 signature (any platform). */
  verifyEs256Async(
    signingInput: string,
    signature: Uint8Array,
    key: PublicKeyHandle,
  ): Promise<boolean>;
  /** Sign with a private key held in this process, or undefined where no such key exists (web). */
  signEs256Now(signingInput: string, key: PrivateKeyHandle): Uint8Array | undefined;
  /** A fresh P-256 key pair held in this process, or undefined where there is none (web: use a WebCrypto signer). */
  generateP256(): { privateKey: PrivateKeyHandle; publicKey: P256Coordinates } | undefined;
  /** Import a private JWK; undefined where there are no in-process keys, throws when the JWK is unusable. */
  privateKeyFromJwk(
    jwk: Record<string, unknown>,
  ): { privateKey: PrivateKeyHandle; publicKey: P256Coordinates; crv: unknown } | undefined;
  /** Export a private key as a JWK. */
  exportPrivateJwk(key: PrivateKeyHandle): Record<string, unknown>;
  /**
   * The P-256 key of an X.509 chain's leaf when the chain (DER, leaf first)
   * runs, certificate by certificate, to one of `anchors` and every
   * certificate is valid at `at` (Unix seconds); otherwise why not. Node only:
   * elsewhere the answer is that this platform does not check x5c chains.
   */
  x5cLeafKey(
    chain: readonly Uint8Array[],
    anchors: readonly Uint8Array[],
    at: number,
  ): { key: P256Coordinates } | { problem: string };
}
