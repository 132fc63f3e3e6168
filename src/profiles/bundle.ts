/**
 * The presentation bundle (shared/interop/BUNDLE.md, version 1): one JSON shape
 * for CLI input, HTTP bodies and test vectors.
 */
import { z } from 'zod';

const jwkSet = z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).loose();

const expectation = z.object({ aud: z.string().optional(), nonce: z.string().optional() }).loose();

export const l3EntrySchema = z
  .object({
    payment: z.string().min(1).optional(),
    payment_l2: z.string().min(1).optional(),
    checkout: z.string().min(1).optional(),
    checkout_l2: z.string().min(1).optional(),
  })
  .loose()
  .refine((e) => e.payment !== undefined || e.checkout !== undefined, {
    message: 'an l3 entry needs payment and/or checkout',
  });

export const trustSchema = z
  .object({
    issuer_jwks: jwkSet,
    merchant_jwks: jwkSet.optional(),
  })
  .loose();

/** The zod schema of a version-1 presentation bundle (shared/interop/BUNDLE.md). */
export const bundleSchema = z
  .object({
    vi_bundle: z.literal(1),
    name: z.string().optional(),
    role: z.enum(['merchant', 'network', 'dispute']).optional(),
    at: z.number().int().nonnegative().optional(),
    trust: trustSchema.optional(),
    l1: z
      .string({ error: 'l1 must be a non-empty string' })
      .min(1, 'l1 must be a non-empty string'),
    l2: z
      .string({ error: 'l2 must be a non-empty string' })
      .min(1, 'l2 must be a non-empty string'),
    l3: z.array(l3EntrySchema).optional(),
    expect: z
      .object({
        l2: expectation.optional(),
        l3a: expectation.optional(),
        l3b: expectation.optional(),
      })
      .loose()
      .optional(),
    verdict: z.object({ valid: z.boolean(), why: z.string().optional() }).loose().optional(),
  })
  .loose();

/** A presentation bundle: the credentials one recipient sees, with trust, expectations and an optional verdict. */
export type Bundle = z.infer<typeof bundleSchema>;
/** One `l3` entry of a bundle: an L3a and/or L3b, each with the L2 view it binds. */
export type BundleL3Entry = z.infer<typeof l3EntrySchema>;
/** The `trust` member of a bundle (issuer and merchant JWK Sets); a verifier uses it only when configured to. */
export type Trust = z.infer<typeof trustSchema>;
/** Who a bundle is cut for: merchant, network or dispute. */
export type Role = NonNullable<Bundle['role']>;
/** A JWK Set: `{ keys: [...] }`. */
export type JwkSet = { keys: Record<string, unknown>[] };
/** Expected `aud` and `nonce` of a layer. */
export type Expectation = { aud?: string; nonce?: string };
