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
  .refine((e) => e.payment !== undefined || e.checkout !== undefined, { message: 'an l3 entry needs payment and/or checkout' });

export const trustSchema = z
  .object({
    issuer_jwks: jwkSet,
    merchant_jwks: jwkSet.optional(),
  })
  .loose();

export const bundleSchema = z
  .object({
    vi_bundle: z.literal(1),
    name: z.string().optional(),
    role: z.enum(['merchant', 'network', 'dispute']).optional(),
    at: z.number().int().nonnegative().optional(),
    trust: trustSchema.optional(),
    l1: z.string({ error: 'l1 must be a non-empty string' }).min(1, 'l1 must be a non-empty string'),
    l2: z.string({ error: 'l2 must be a non-empty string' }).min(1, 'l2 must be a non-empty string'),
    l3: z.array(l3EntrySchema).optional(),
    expect: z
      .object({ l2: expectation.optional(), l3a: expectation.optional(), l3b: expectation.optional() })
      .loose()
      .optional(),
    verdict: z.object({ valid: z.boolean(), why: z.string().optional() }).loose().optional(),
  })
  .loose();

export type Bundle = z.infer<typeof bundleSchema>;
export type BundleL3Entry = z.infer<typeof l3EntrySchema>;
export type Trust = z.infer<typeof trustSchema>;
export type Role = NonNullable<Bundle['role']>;
export type JwkSet = { keys: Record<string, unknown>[] };
export type Expectation = { aud?: string; nonce?: string };
