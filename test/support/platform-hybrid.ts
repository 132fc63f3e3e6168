/**
 * The web crypto seam for the `web` test project (vitest.config.ts): every
 * verification primitive from src/sdjwt/platform-web.ts (WebCrypto verify in
 * one batch, plain-JavaScript SHA-256 and base64url, BigInt curve check),
 * with in-process Node keys kept for signing only, so the same fixtures can
 * issue the chains the web verifier then judges. Issuance on a real web
 * runtime, with WebCrypto keys, is the runtime smoke suite's (test/runtimes/).
 */
import * as node from '../../src/sdjwt/platform.js';
import * as web from '../../src/sdjwt/platform-web.js';

export const {
  PLATFORM,
  sha256,
  sha256b64u,
  random128,
  decodeBase64url,
  encodeBase64url,
  utf8ByteLength,
  utf8Decode,
  importP256,
  verifyEs256Now,
  verifyEs256Async,
  x5cLeafKey,
} = web;
export const { signEs256Now, generateP256, privateKeyFromJwk, exportPrivateJwk } = node;
