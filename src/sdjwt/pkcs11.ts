/**
 * `vintent/pkcs11`: a signer whose private key never leaves an HSM. The key
 * is found on a PKCS#11 token by label (or id) and signs with CKM_ECDSA over
 * the SHA-256 of the signing input; PKCS#11 answers ECDSA in raw `r‖s`, the
 * form JWS wants. Calls are synchronous (pkcs11js), so the signer works with
 * the synchronous issuers too.
 *
 * Node only, and `pkcs11js` is an optional dependency: install it beside
 * vintent (`npm install pkcs11js`). Tested against a SoftHSM2 token.
 *
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { VIError } from '../errors.js';
import type { PublicJwk } from './keys.js';
import type { SyncRemoteSigner } from './signer.js';

/** Where the key is: the module, the token, the user PIN and the key's label or id. */
export interface Pkcs11SignerOptions {
  /** Path of the PKCS#11 module, e.g. `/usr/lib/softhsm/libsofthsm2.so`. */
  library: string;
  /** The token's label; default: the first slot with a token. */
  tokenLabel?: string;
  /** The user PIN of the token. */
  pin: string;
  /** CKA_LABEL of the key pair; this or `keyId`. */
  keyLabel?: string;
  /** CKA_ID of the key pair as hex; this or `keyLabel`. */
  keyId?: string;
  /** The `kid` JWT headers name and verifiers resolve. */
  kid: string;
}

/** A PKCS#11 signer; `close()` logs out and finalizes the module. */
export interface Pkcs11Signer extends SyncRemoteSigner {
  close(): void;
}

// The subset of pkcs11js this module uses (it ships its own types; these keep it optional).
interface Pkcs11Module {
  load(path: string): void;
  C_Initialize(): void;
  C_Finalize(): void;
  C_GetSlotList(tokenPresent: boolean): Buffer[];
  C_GetTokenInfo(slot: Buffer): { label: string };
  C_OpenSession(slot: Buffer, flags: number): Buffer;
  C_CloseSession(session: Buffer): void;
  C_Login(session: Buffer, userType: number, pin: string): void;
  C_Logout(session: Buffer): void;
  C_FindObjectsInit(session: Buffer, template: { type: number; value: unknown }[]): void;
  C_FindObjects(session: Buffer, max: number): Buffer[];
  C_FindObjectsFinal(session: Buffer): void;
  C_GetAttributeValue(
    session: Buffer,
    object: Buffer,
    template: { type: number }[],
  ): { type: number; value?: Buffer }[];
  C_SignInit(session: Buffer, mechanism: { mechanism: number }, key: Buffer): void;
  C_Sign(session: Buffer, data: Buffer, signature: Buffer): Buffer;
}
interface Pkcs11Js {
  PKCS11: new () => Pkcs11Module;
  [name: string]: unknown;
}

function unavailable(message: string, cause?: unknown): VIError {
  return new VIError({ code: 'KEY_INVALID', layer: 'issue', message, claim: 'pkcs11', cause });
}

function loadPkcs11js(): Pkcs11Js {
  try {
    return createRequire(import.meta.url)('pkcs11js') as Pkcs11Js;
  } catch (error) {
    throw unavailable(
      'vintent/pkcs11 needs the optional dependency pkcs11js: npm install pkcs11js',
      error,
    );
  }
}

/** A module is initialized once per process, however many signers use it; the last close finalizes it. */
const modules = new Map<string, { p11: Pkcs11Module; users: number }>();

function acquire(lib: Pkcs11Js, library: string): Pkcs11Module {
  const known = modules.get(library);
  if (known) {
    known.users++;
    return known.p11;
  }
  const p11 = new lib.PKCS11();
  try {
    p11.load(library);
    p11.C_Initialize();
  } catch (error) {
    throw unavailable(`cannot load the PKCS#11 module ${library}`, error);
  }
  modules.set(library, { p11, users: 1 });
  return p11;
}

function release(library: string): void {
  const known = modules.get(library);
  if (!known || --known.users > 0) return;
  modules.delete(library);
  known.p11.C_Finalize();
}

/** The uncompressed point in CKA_EC_POINT (a DER OCTET STRING around 04‖X‖Y) as a public JWK. */
function jwkOfEcPoint(point: Buffer, kid: string): PublicJwk {
  const raw =
    point[0] === 0x04 && point.length === 67 && point[1] === 0x41 ? point.subarray(2) : point;
  if (raw.length !== 65 || raw[0] !== 0x04)
    throw unavailable('the key is not an uncompressed P-256 point');
  return {
    kty: 'EC',
    crv: 'P-256',
    x: raw.subarray(1, 33).toString('base64url'),
    y: raw.subarray(33).toString('base64url'),
    kid,
  };
}

/**
 * Open a signer over a P-256 key pair on a PKCS#11 token.
 *
 * @example
 * const issuer = openPkcs11Signer({ library: '/usr/lib/softhsm/libsofthsm2.so', tokenLabel: 'issuer', pin, keyLabel: 'l1-2026', kid: 'l1-2026' });
 * const l1 = await issueL1({ issuerKey: issuer, iss, sub, userPublicJwk, panLastFour, scheme });
 * issuer.close();
 */
export function openPkcs11Signer(options: Pkcs11SignerOptions): Pkcs11Signer {
  const lib = loadPkcs11js();
  const C = lib as unknown as Record<string, number>;
  const p11 = acquire(lib, options.library);
  let session: Buffer | undefined;
  try {
    const slots = p11.C_GetSlotList(true);
    const slot = slots.find(
      (s) =>
        options.tokenLabel === undefined ||
        p11.C_GetTokenInfo(s).label.trim() === options.tokenLabel,
    );
    if (!slot) throw unavailable(`no token ${options.tokenLabel ?? ''} in ${options.library}`);
    session = p11.C_OpenSession(slot, C.CKF_SERIAL_SESSION! | C.CKF_RW_SESSION!);
    p11.C_Login(session, C.CKU_USER!, options.pin);
    const s = session;
    const find = (cls: number): Buffer => {
      const template: { type: number; value: unknown }[] = [
        { type: C.CKA_CLASS!, value: cls },
        { type: C.CKA_KEY_TYPE!, value: C.CKK_EC },
      ];
      if (options.keyLabel !== undefined)
        template.push({ type: C.CKA_LABEL!, value: options.keyLabel });
      if (options.keyId !== undefined)
        template.push({ type: C.CKA_ID!, value: Buffer.from(options.keyId, 'hex') });
      p11.C_FindObjectsInit(s, template);
      const found = p11.C_FindObjects(s, 2);
      p11.C_FindObjectsFinal(s);
      if (found.length !== 1)
        throw unavailable(
          `expected one EC key ${options.keyLabel ?? options.keyId ?? ''} on the token, found ${found.length}`,
        );
      return found[0]!;
    };
    if (options.keyLabel === undefined && options.keyId === undefined)
      throw unavailable('name the key: keyLabel or keyId');
    const privateKey = find(C.CKO_PRIVATE_KEY!);
    const point = p11.C_GetAttributeValue(s, find(C.CKO_PUBLIC_KEY!), [
      { type: C.CKA_EC_POINT! },
    ])[0]?.value;
    if (!point) throw unavailable('the public key has no CKA_EC_POINT');
    const publicJwk = jwkOfEcPoint(point, options.kid);
    let open = true;
    return {
      kid: options.kid,
      publicJwk,
      sign(signingInput) {
        if (!open) throw unavailable('this PKCS#11 signer was closed');
        p11.C_SignInit(s, { mechanism: C.CKM_ECDSA! }, privateKey);
        const digest = createHash('sha256').update(signingInput).digest();
        return new Uint8Array(p11.C_Sign(s, digest, Buffer.alloc(64)));
      },
      close() {
        if (!open) return;
        open = false;
        try {
          p11.C_Logout(s);
          p11.C_CloseSession(s);
        } finally {
          release(options.library);
        }
      },
    };
  } catch (error) {
    if (session) p11.C_CloseSession(session);
    release(options.library);
    throw error instanceof VIError
      ? error
      : unavailable(`PKCS#11: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}
