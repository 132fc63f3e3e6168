/**
 * The issuer's side of credential status: a list of card credentials' statuses
 * to set and publish as a signed Status List Token, and the reference an L1
 * carries (`status.status_list {idx, uri}`, draft-ietf-oauth-status-list §6).
 *
 * @example
 * const list = new IssuerStatusList({ uri: 'https://issuer.example/status/1', size: 1024 });
 * const ref = list.allocate();
 * const l1 = await issueL1({ ..., extraClaims: statusClaim(ref) });
 * list.set(ref.idx, 'invalid');
 * const token = list.publish({ issuerKey, ttl: 300 });   // exp defaults to iat + 24 h; serve it at ref.uri
 */
import { invalidInput } from '../errors.js';
import type { Signer, SyncSigner } from '../sdjwt/signer.js';
import {
  type BitsPerStatus,
  isBitsPerStatus,
  type StatusListReference,
  signStatusListToken,
  signStatusListTokenAsync,
  TOKEN_STATUS,
} from '../sdjwt/status-list.js';
import { issuedAt } from './common.js';

/** A status by name: `valid`, `invalid` (revoked) or `suspended`. */
export type StatusName = keyof typeof TOKEN_STATUS;

/** How a token is published: the issuer's signer, and its times (`exp` defaults to `iat` + 24 h). */
export interface StatusListPublishOptions<S extends Signer = SyncSigner> {
  issuerKey: S;
  iat?: number;
  ttl?: number;
  exp?: number;
}

/** A new list: where it is served, how many entries, how many bits each. */
export interface IssuerStatusListInput {
  /** Where the token will be served; it is the token's `sub`. */
  uri: string;
  /** Number of entries. */
  size: number;
  /** Bits per entry; default 2 (valid / invalid / suspended fit). */
  bits?: BitsPerStatus;
}

/** `extraClaims` for issueL1 that make the L1 a Referenced Token. */
export function statusClaim(reference: StatusListReference): {
  status: { status_list: StatusListReference };
} {
  return { status: { status_list: { idx: reference.idx, uri: reference.uri } } };
}

/**
 * An issuer's Token Status List: allocate an entry per L1, set its status,
 * publish the signed token (with `exp`) to serve at its URI.
 */
export class IssuerStatusList {
  readonly uri: string;
  readonly bits: BitsPerStatus;
  private readonly statuses: number[];
  private next = 0;

  constructor(input: IssuerStatusListInput) {
    if (typeof input.uri !== 'string' || !/^https?:\/\/\S+$/.test(input.uri))
      throw invalidInput('status list uri must be an http(s) URL', 'uri');
    if (!Number.isSafeInteger(input.size) || input.size < 1 || input.size > 1 << 24)
      throw invalidInput('status list size must be 1..16777216', 'size');
    const bits = input.bits ?? 2;
    if (!isBitsPerStatus(bits)) throw invalidInput('bits must be 1, 2, 4 or 8', 'bits');
    this.uri = input.uri;
    this.bits = bits;
    this.statuses = new Array<number>(input.size).fill(TOKEN_STATUS.valid);
  }

  /** The next unused entry, as the reference to put in an L1. */
  allocate(): StatusListReference {
    if (this.next >= this.statuses.length) throw invalidInput('status list is full', 'idx');
    return { idx: this.next++, uri: this.uri };
  }

  /** Set an entry: a registered name or a value that fits `bits`. */
  set(idx: number, status: StatusName | number): void {
    if (!Number.isSafeInteger(idx) || idx < 0 || idx >= this.statuses.length)
      throw invalidInput(`idx ${idx} is outside the list`, 'idx');
    const value = typeof status === 'number' ? status : TOKEN_STATUS[status];
    if (!Number.isSafeInteger(value) || value < 0 || value >= 2 ** this.bits)
      throw invalidInput(`status ${String(status)} does not fit ${this.bits} bits`, 'status');
    this.statuses[idx] = value;
  }

  get(idx: number): number | undefined {
    return this.statuses[idx];
  }

  /** The signed Status List Token for the list as it stands. */
  publish(options: StatusListPublishOptions<SyncSigner>): string {
    return signStatusListToken(this.tokenInput(options));
  }

  /**
   * {@link IssuerStatusList.publish} with any {@link Signer}: the key that signs
   * the L1s must sign their status list, and it may live in an HSM or a KMS.
   */
  publishAsync(options: StatusListPublishOptions<Signer>): Promise<string> {
    return signStatusListTokenAsync(this.tokenInput(options));
  }

  private tokenInput<S extends Signer>(options: StatusListPublishOptions<S>) {
    return {
      issuerKey: options.issuerKey,
      uri: this.uri,
      // A copy: a later set() must not change a token still being signed.
      statuses: [...this.statuses],
      bits: this.bits,
      iat: issuedAt(options.iat),
      ttl: options.ttl,
      exp: options.exp,
    };
  }
}
