/**
 * The network's authorization decision, shared by `POST /v1/network/authorize`
 * and `vintent network authorize`: verify the chain with the network's own
 * trust, turn the verified payment into a ledger request, let the ledger
 * decide. One function, so the service and the offline CLI cannot disagree.
 */
import { type ErrorCode, type Layer, VIError } from '../errors.js';
import { authorizationRequestFrom } from '../ledger/request.js';
import type { Ledger } from '../ledger/types.js';
import type { Role } from '../profiles/bundle.js';
import type { ParsedJwtCache } from '../sdjwt/parse-cache.js';
import type { VerifiedSignatureCache } from '../sdjwt/signature-cache.js';
import { verifyPresentation } from '../verify/index.js';
import type { KeyResolver, VerificationResult, VerifyOptions } from '../verify/types.js';
import { DEFAULT_HOLD_SECONDS } from './capture.js';

/** One reason in an answer: the verifier's errors or the ledger's decline. */
export interface DecisionError {
  code: ErrorCode;
  layer: Layer | null;
  pair: number | null;
  message: string;
}

/** The body of an authorization answer. */
export interface AuthorizeAnswer {
  decision: 'approved' | 'declined';
  authorization_id?: string;
  /** True when this exact presentation was decided before: the earlier decision is repeated, nothing is counted again. */
  replayed?: boolean;
  errors: DecisionError[];
}

/** What the network decides with: its own keys and expectations, and the ledger that enforces state. */
export interface NetworkTrust {
  ledger: Ledger;
  /** The network's own issuer keys; the presenter's `trust` is never consulted. */
  issuerKeys: KeyResolver;
  merchantKeys?: KeyResolver;
  /** Expected `aud`/`nonce` values, e.g. the network's own audience for L3a. */
  expect?: VerifyOptions['expect'];
  strictness?: VerifyOptions['strictness'];
  /** Checks L1 credential status (Token Status List); see VerifyOptions.statusResolver. */
  statusResolver?: VerifyOptions['statusResolver'];
  statusUnavailable?: VerifyOptions['statusUnavailable'];
  /** Remembers verified signatures across presentations (the same L1 and L2 recur with every L3 pair). */
  signatureCache?: VerifiedSignatureCache;
  /** Remembers the parse of recurring L1/L2 issuer JWTs across presentations; every check still runs. */
  parseCache?: ParsedJwtCache;
  /** Seconds an approval is held uncaptured before it expires and releases its budget; default {@link DEFAULT_HOLD_SECONDS}. */
  holdSeconds?: number;
}

/**
 * A copy of the bundle without the presenter's `trust`: keys come from
 * configuration only, so a presenter cannot vouch for its own issuer.
 */
export function withoutPresenterTrust(bundle: unknown): unknown {
  if (typeof bundle !== 'object' || bundle === null || Array.isArray(bundle)) return bundle;
  const { trust: _ignored, ...rest } = bundle as Record<string, unknown>;
  return rest;
}

/** Verify with configured trust at the given time (Unix seconds): never the bundle's own `at` or `trust`. */
export function verifyWithConfiguredTrust(
  bundle: unknown,
  trust: Omit<NetworkTrust, 'ledger'>,
  at: number,
  role: Role = 'network',
): Promise<VerificationResult> {
  // The service's own role decides what must be shown, never the bundle's `role`.
  const options: VerifyOptions = { now: at, issuerKeys: trust.issuerKeys, role };
  if (trust.merchantKeys !== undefined) options.merchantKeys = trust.merchantKeys;
  if (trust.expect !== undefined) options.expect = trust.expect;
  if (trust.strictness !== undefined) options.strictness = trust.strictness;
  if (trust.signatureCache !== undefined) options.signatureCache = trust.signatureCache;
  if (trust.parseCache !== undefined) options.parseCache = trust.parseCache;
  if (trust.statusResolver !== undefined) options.statusResolver = trust.statusResolver;
  if (trust.statusUnavailable !== undefined) options.statusUnavailable = trust.statusUnavailable;
  return verifyPresentation(withoutPresenterTrust(bundle), options);
}

/** The verifier's errors in the shape an authorization answer carries them. */
export function decisionErrors(result: VerificationResult): DecisionError[] {
  return result.errors.map((e) => ({
    code: e.code,
    layer: e.layer ?? null,
    pair: e.pair ?? null,
    message: e.message,
  }));
}

function declined(e: VIError): AuthorizeAnswer {
  return {
    decision: 'declined',
    errors: [{ code: e.code, layer: e.layer ?? null, pair: e.pair ?? null, message: e.message }],
  };
}

/**
 * Decide one network presentation. Declines (with the verifier's errors) an
 * invalid chain, declines (with the ledger's code) what the ledger refuses.
 * Throws only {@link VIError} `LEDGER_UNAVAILABLE` when storage fails: that
 * is an outage, not a decision.
 *
 * @example
 * const answer = await authorizePresentation(bundle, { ledger, issuerKeys, expect: { l3a: { aud: 'https://network.example' } } }, Math.floor(Date.now() / 1000));
 * if (answer.decision === 'approved') capture(answer.authorization_id);
 */
export async function authorizePresentation(
  bundle: unknown,
  trust: NetworkTrust,
  at: number,
): Promise<AuthorizeAnswer> {
  const result = await verifyWithConfiguredTrust(bundle, trust, at, 'network');
  if (!result.valid) return { decision: 'declined', errors: decisionErrors(result) };
  const request = authorizationRequestFrom(bundle, result, at);
  if (request instanceof VIError) return declined(request);
  request.holdUntil = at + (trust.holdSeconds ?? DEFAULT_HOLD_SECONDS);
  const decision = await trust.ledger.authorize(request);
  if (decision.decision === 'approved') {
    return {
      decision: 'approved',
      authorization_id: decision.authorizationId,
      replayed: decision.replayed,
      errors: [],
    };
  }
  const pair = result.pairs.find((p) => p.pairId === request.pairId)?.index ?? null;
  return {
    decision: 'declined',
    replayed: decision.replayed,
    errors: [{ code: decision.code, layer: 'ledger', pair, message: decision.message }],
  };
}
