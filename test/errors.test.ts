/**
 * src/errors.ts: the one error type. Codes are a closed set; `cause` stays
 * with the thrown error and never reaches serialized data; `expected` and
 * `actual` travel as data from the check that found them to the verdict.
 */
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, isErrorCode, VIError } from '../src/errors.js';
import { openSqliteLedger } from '../src/ledger/sqlite.js';
import { VI_2026_02 } from '../src/profiles/profile.js';
import { verifyPresentation } from '../src/verify/index.js';
import { AT, autonomousBundle, chainKeys } from './fixtures/raw-chain.js';
import { request } from './ledger/fixtures.js';

describe('VIError', () => {
  it('keeps cause as Error.cause and leaves it out of toJSON; expected and actual are data', () => {
    const cause = new Error('driver: connection refused at 10.0.0.7');
    const e = new VIError({
      code: 'LEDGER_UNAVAILABLE',
      layer: 'ledger',
      message: 'ledger unavailable',
      cause,
      expected: 1,
      actual: 2,
    });
    expect(e.cause).toBe(cause);
    expect(e.toJSON()).toEqual({
      code: 'LEDGER_UNAVAILABLE',
      layer: 'ledger',
      message: 'ledger unavailable',
      expected: 1,
      actual: 2,
    });
    expect(JSON.stringify(e)).not.toContain('10.0.0.7');
    expect(new VIError({ code: 'INTERNAL', message: 'x' }).toJSON()).toEqual({
      code: 'INTERNAL',
      message: 'x',
    });
  });

  it('has a closed set of codes without the never-produced L2_MODE_UNKNOWN', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    expect(isErrorCode('L2_MODE_UNKNOWN')).toBe(false);
    expect(isErrorCode('ARGUMENT_INVALID')).toBe(true);
  });

  it('calls a caller mistake ARGUMENT_INVALID, not INTERNAL, and says what storage failure was caused by', async () => {
    const ledger = await openSqliteLedger(':memory:');
    await expect(ledger.authorize({ ...request(), presentationId: '' })).rejects.toMatchObject({
      code: 'ARGUMENT_INVALID',
    });
    await ledger.close();
    const failure = await ledger.audit().catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'LEDGER_UNAVAILABLE' });
    expect((failure as VIError).cause).toBeInstanceOf(Error);
  });

  it('carries expected and actual from a constraint check into the verdict', async () => {
    const k = chainKeys();
    const bundle = autonomousBundle(
      {
        profile: VI_2026_02,
        l3aMandate: (m) => void ((m.payment_amount as Record<string, unknown>).amount = 50001),
      },
      'network',
    );
    const { trust: _t, at: _a, ...presented } = bundle as Record<string, unknown>;
    const r = await verifyPresentation(presented, {
      issuerKeys: { keys: [k.issuer.publicJwk] },
      merchantKeys: { keys: [k.merchant.publicJwk] },
      now: AT,
    });
    const above = r.errors.find((e) => e.code === 'CONSTRAINT_AMOUNT_ABOVE_MAX');
    expect(above).toMatchObject({ expected: { max: expect.any(Number) }, actual: 50001 });
  });

  it('carries the expected and the found typ of a TYP_MISMATCH', async () => {
    const k = chainKeys();
    const bundle = autonomousBundle(
      { profile: VI_2026_02, l3aHeader: (h) => void (h.typ = 'jwt') },
      'network',
    );
    const { trust: _t, at: _a, ...presented } = bundle as Record<string, unknown>;
    const r = await verifyPresentation(presented, {
      issuerKeys: { keys: [k.issuer.publicJwk] },
      merchantKeys: { keys: [k.merchant.publicJwk] },
      now: AT,
    });
    expect(r.errors.find((e) => e.code === 'TYP_MISMATCH')).toMatchObject({
      expected: 'kb-sd-jwt',
      actual: 'jwt',
    });
  });
});
