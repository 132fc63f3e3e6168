/**
 * The shape of an issuer body (src/sdjwt/signer.ts drives it): a generator
 * that yields each JWT it needs signed and receives the compact JWS back.
 * Kept free of imports so the builders and the signer can both use it.
 */

/** What an issuer asks to have signed: an encoded JOSE header and a payload. */
export interface SignRequest {
  readonly encodedHeader: string;
  readonly payload: Record<string, unknown>;
}

/** An issuer's body: yields each JWT to sign, receives the compact JWS, returns its result. */
export type Sealing<T> = Generator<SignRequest, T, string>;

/** Inside a {@link Sealing}: `const jwt = yield* seal(header, payload)`. */
export function* seal(
  encodedHeader: string,
  payload: Record<string, unknown>,
): Generator<SignRequest, string, string> {
  return yield { encodedHeader, payload };
}
