/**
 * A fixed issuance corpus for test/issue/pinned-bytes.test.ts: fixed keys,
 * salts, nonces and times through every issuer (checkout_jwt, L1, Immediate
 * L2, Autonomous L2, L3 pair) in both wire profiles.
 *
 * ECDSA signatures are randomized, and every digest over a signed string
 * (`sd_hash`, `checkout_hash`, a disclosure carrying a checkout_jwt) moves
 * with them. So each credential is recorded as the exact decoded text of its
 * header, payload and disclosures, with those values replaced by named
 * placeholders the test recomputes itself; everything else is byte for byte.
 *
 * Regenerate only when an output change is intended:
 * `npx tsx test/issue/pinned-corpus.ts > test/issue/__snapshots__/issuance-bytes.json`, then
 * `npx biome check --write` on that file.
 */
import { createCheckoutJwt } from '../../src/issue/checkout.js';
import { forgetIssued } from '../../src/issue/issued.js';
import { issueL1 } from '../../src/issue/l1.js';
import { type AutonomousPairInput, issueL2Autonomous } from '../../src/issue/l2-autonomous.js';
import { issueL2Immediate } from '../../src/issue/l2-immediate.js';
import type { IssuedL2Autonomous } from '../../src/issue/l2-types.js';
import { type IssueL3PairInput, issueL3Pair } from '../../src/issue/l3.js';
import type { SaltSource } from '../../src/sdjwt/build.js';
import { sha256b64u } from '../../src/sdjwt/digest.js';
import { type SigningKey, signingKeyFromJwk } from '../../src/sdjwt/keys.js';

/** Private JWKs generated once for this corpus (test keys, nothing else uses them). */
export const PINNED_JWKS = {
  issuer: {
    kty: 'EC',
    crv: 'P-256',
    x: 'wU9DHrgIwPnCfP39EAoCNFKONRnGrTMHC26JJ1UajtI',
    y: 'pOvQVw5GGTE4zvqR4a2XSsG3XJ1BKq-1lG9QpVEewa8',
    d: 'QyDCOFRjxn6JAa97mpsZdeKPfxGrLmcj4uaGBXkPr6s',
  },
  user: {
    kty: 'EC',
    crv: 'P-256',
    x: 'jrsxtsYitKLWkCPlDuMMipgkaIDDAvgDzRrvTWS60F0',
    y: '-i1Z1vsIx5xoBN8CTucWeHKkvm99wFZhVrqqbx1rUJ4',
    d: 'NuIFGi9sYLTztyBydxVIfcRWjUBMDZU1ZLcyTDYco1Y',
  },
  agent: {
    kty: 'EC',
    crv: 'P-256',
    x: '0qtBKq4Cu3PvrjXfFShYUdYbpsFvO5cZ8ovDcFmttYg',
    y: 'qZUvZDcU-kX1xqxKkGqD9DqvFIsuSLZCliZMrELVkRc',
    d: 'Rfk-ZARmtjVJCg-_tQIF-uulHpxbAOBWAibHTwVOS6Y',
  },
  merchant: {
    kty: 'EC',
    crv: 'P-256',
    x: 'u3kUz97ZvpkAnRzI4OWuqim0rFegLfPoHJ_-xllWbDU',
    y: '4OvohgsIFsx147hTdcQQ1b5bi0ItV_lVWaAdDony7Jw',
    d: 'HkCeHfcVCVVuYh7AGb32RKBWz1zf2Ay8XIDYVFrNbPA',
  },
} as const;

export type Role = keyof typeof PINNED_JWKS;

export const PINNED_KEYS: Record<Role, SigningKey> = {
  issuer: signingKeyFromJwk({ ...PINNED_JWKS.issuer }, 'pinned-issuer'),
  user: signingKeyFromJwk({ ...PINNED_JWKS.user }, 'pinned-user'),
  agent: signingKeyFromJwk({ ...PINNED_JWKS.agent }, 'pinned-agent'),
  merchant: signingKeyFromJwk({ ...PINNED_JWKS.merchant }, 'pinned-merchant'),
};

const T = 1781000000;
const tennis = {
  id: 'm-tw-001',
  name: 'Tennis Warehouse',
  website: 'https://tennis-warehouse.example',
};
const babolat = { id: 'm-bab-002', name: 'Babolat Store', website: 'https://babolat.example' };
const decathlon = { id: 'm-dec-004', name: 'Decathlon', website: 'https://decathlon.example' };
const noId = { name: 'Corner Shop', website: 'https://corner.example' };
const instrument = {
  type: 'mastercard.srcDigitalCard',
  id: 'card-1',
  description: 'Mastercard **** 4242',
};
const racket = { id: 'BAB86345', title: 'Babolat Pure Aero' };
const head = { id: 'HEA23102', title: 'Head Graphene 360 Speed' };
const shoe = { id: 'NIK90210', title: 'Nike Air Zoom Vapor Pro 2' };
const balls = { id: 'PEN-BALLS', title: 'Penn Championship balls "Extra Duty" – 3 × 4' };

/** 22-character salts, the length of a real 128-bit one, from a counter. */
function salts(tag: string): SaltSource {
  let n = 0;
  return () => sha256b64u(`${tag}-${n++}`).slice(0, 22);
}

/** A signed credential and the values in it that depend on some signature, each with its placeholder name. */
export interface Issued {
  serialized: string;
  /** Exact texts to replace, longest first. */
  moving: [text: string, placeholder: string][];
  /** For L3s: the L2 view it binds, recorded as the view's disclosures (the L2 JWT is the issued L2's). */
  view?: { of: string; serialized: string };
}

export interface CorpusRun {
  credentials: Record<string, Issued>;
  /** Which key signs each credential. */
  signer: Record<string, Role>;
}

/**
 * Issue the corpus. With `reparse`, each issuer gets its input as a new
 * string after the issued-string memo is cleared and L3s get the L2 as text,
 * so the parse path must give the same bytes as the remembered one.
 */
export async function issueCorpus(reparse: boolean): Promise<CorpusRun> {
  const k = PINNED_KEYS;
  const credentials: Record<string, Issued> = {};
  const signer: Record<string, Role> = {};
  const put = (name: string, role: Role, issued: Issued) => {
    credentials[name] = issued;
    signer[name] = role;
  };
  const pass = (s: string): string => {
    if (!reparse) return s;
    forgetIssued();
    return `${s} `.slice(0, -1);
  };

  const checkout = (
    id: string,
    merchant: typeof tennis,
    items: { id: string; title: string; quantity: number; unitPrice: string | number }[],
  ) =>
    createCheckoutJwt({
      merchantKey: k.merchant,
      merchant,
      checkoutId: id,
      currency: 'USD',
      items,
      iat: T + 100,
    });
  const coRacket = checkout('co-racket', tennis, [{ ...racket, quantity: 1, unitPrice: '279.99' }]);
  const coTwo = checkout('co-two', tennis, [
    { ...racket, quantity: 1, unitPrice: 27999 },
    { ...balls, quantity: 3, unitPrice: '4.50' },
  ]);
  const coShoe = checkout('co-shoe', decathlon, [{ ...shoe, quantity: 1, unitPrice: '149.00' }]);
  for (const [name, co] of [
    ['checkout.racket', coRacket],
    ['checkout.two-lines', coTwo],
    ['checkout.shoe', coShoe],
  ] as const) {
    put(name, 'merchant', { serialized: co.jwt, moving: [] });
  }

  const l1 = await issueL1({
    issuerKey: k.issuer,
    iss: 'https://issuer.example',
    sub: 'user-7f3a21',
    userPublicJwk: k.user.publicJwk,
    panLastFour: '4242',
    scheme: 'mastercard',
    email: 'alice@example.com',
    iat: T,
    salt: salts('l1'),
  });
  put('l1.email', 'issuer', { serialized: l1, moving: [] });
  const l1Bare = await issueL1({
    issuerKey: k.issuer,
    iss: 'https://issuer.example',
    sub: 'user-7f3a21',
    userPublicJwk: k.user.publicJwk,
    panLastFour: '0007',
    scheme: 'mastercard',
    cardId: 'card-1',
    aud: 'https://wallet.example',
    extraClaims: { issuer_tier: 'gold', limits: { daily: 50000 } },
    iat: T,
    lifetimeSeconds: 86400,
  });
  put('l1.no-email', 'issuer', { serialized: l1Bare, moving: [] });
  const l1Moving: [string, string][] = [[sha256b64u(l1), '<sha256(l1.email)>']];

  for (const profile of ['vi-2026-02', 'vi-2026-04'] as const) {
    const tag = profile.slice(3);
    const checkoutMoving = (
      co: { jwt: string; checkoutHash: string },
      name: string,
    ): [string, string][] => [
      [co.jwt, `<${name}>`],
      [co.checkoutHash, `<sha256(${name})>`],
    ];

    const imm = issueL2Immediate({
      profile,
      layout: 'reference', // pinned before the unique layout became the April default
      userKey: k.user,
      l1: pass(l1),
      aud: 'https://network.example',
      nonce: `imm-nonce-${tag}`,
      iss: 'https://wallet.example',
      iat: T + 200,
      salt: salts(`imm-${tag}`),
      pairs: [
        { checkoutJwt: pass(coRacket.jwt), paymentInstrument: instrument, payee: tennis },
        {
          checkoutJwt: pass(coTwo.jwt),
          paymentInstrument: { type: 'card', id: 'c-2' },
          payee: noId,
          amount: '293.49',
          currency: 'USD',
        },
      ],
    });
    put(`l2.immediate.${tag}`, 'user', {
      serialized: imm.serialized,
      moving: [
        ...l1Moving,
        ...checkoutMoving(coRacket, 'checkout.racket'),
        ...checkoutMoving(coTwo, 'checkout.two-lines'),
      ],
    });

    const annual = profile === 'vi-2026-02' ? 'ANNUALLY' : 'YEAR';
    const monthly = profile === 'vi-2026-02' ? 'MONTHLY' : 'MNTH';
    const single: AutonomousPairInput = {
      agentKey: k.agent.publicJwk,
      merchants: [tennis],
      lineItems: [{ id: 'line-0', acceptableItems: [racket], quantity: 1 }],
      paymentInstrument: instrument,
      amount: { currency: 'USD', min: 100, max: 40000 },
      budget: { currency: 'USD', max: 50000 },
    };
    const rich: AutonomousPairInput[] = [
      {
        agentKey: k.agent.publicJwk,
        merchants: [tennis, babolat],
        lineItems: [
          { id: 'line-1', acceptableItems: [racket, head], quantity: 1 },
          { id: 'line-2', acceptableItems: [balls], quantity: 6 },
        ],
        paymentInstrument: instrument,
        payees: [
          { merchantIndex: 0 },
          { name: 'Tennis Payments', website: 'https://pay.tennis.example' },
        ],
        amount: { currency: 'USD', min: '100.00', max: 40000 },
        recurrence: {
          frequency: annual,
          start_date: '2026-06-01',
          end_date: '2028-06-01',
          number: 2,
        },
        promptSummary: 'a racket under $400 and some balls',
        riskData: { device_id: 'device-4242' },
      },
      {
        agentKey: k.agent.publicJwk,
        merchants: [decathlon],
        lineItems: [{ id: 'line-3', acceptableItems: 'any', quantity: 2 }],
        paymentInstrument: instrument,
        amount: { currency: 'USD', max: '200' },
        budget: { currency: 'USD', max: '1000' },
        agentRecurrence: {
          frequency: monthly,
          start_date: '2026-01-01',
          end_date: '2027-01-01',
          max_occurrences: 6,
        },
        lineItemsMatchMode: profile === 'vi-2026-04' ? 'exact' : undefined,
      },
    ];
    const autonomous = (name: string, pairs: AutonomousPairInput[]): IssuedL2Autonomous => {
      const l2 = issueL2Autonomous({
        profile,
        layout: 'reference',
        userKey: k.user,
        l1: pass(l1),
        aud: 'https://agent.example',
        nonce: `auto-nonce-${name}`,
        iat: T + 300,
        lifetimeSeconds: 7 * 86400,
        salt: salts(`auto-${name}`),
        pairs,
      });
      put(`l2.autonomous.${name}`, 'user', { serialized: l2.serialized, moving: l1Moving });
      return l2;
    };
    const l2Single = autonomous(`single.${tag}`, [single]);
    const l2Rich = autonomous(`rich.${tag}`, rich);

    const l3 = (
      name: string,
      l2: IssuedL2Autonomous,
      co: { jwt: string; checkoutHash: string },
      coName: string,
      over: Partial<IssueL3PairInput> = {},
    ) => {
      const pair = issueL3Pair({
        agentKey: k.agent,
        l2: reparse ? pass(l2.serialized) : l2,
        pairIndex: 0,
        checkoutJwt: pass(co.jwt),
        networkAud: 'https://network.example/authorize',
        merchantAud: 'https://tennis-warehouse.example',
        nonces: { payment: `l3a-nonce-${name}`, checkout: `l3b-nonce-${name}` },
        iat: T + 400,
        salt: salts(`l3-${name}`),
        ...over,
      });
      const moving = checkoutMoving(co, coName);
      put(`l3a.${name}`, 'agent', {
        serialized: pair.payment,
        moving: [...moving, [sha256b64u(pair.paymentL2), '<sha256(view)>']],
        view: { of: l2.jwt, serialized: pair.paymentL2 },
      });
      put(`l3b.${name}`, 'agent', {
        serialized: pair.checkout,
        moving: [...moving, [sha256b64u(pair.checkoutL2), '<sha256(view)>']],
        view: { of: l2.jwt, serialized: pair.checkoutL2 },
      });
      if (pair.transactionId !== co.checkoutHash)
        throw new Error('transactionId is not the checkout hash');
    };
    l3(`single.${tag}`, l2Single, coRacket, 'checkout.racket');
    l3(`rich.${tag}`, l2Rich, coTwo, 'checkout.two-lines', {
      lineItems: [
        { id: racket.id, quantity: 1 },
        { id: balls.id, title: 'balls', quantity: 3 },
      ],
      payee: { name: 'Tennis Payments', website: 'https://pay.tennis.example' },
      amount: '293.49',
      currency: 'USD',
      lifetimeSeconds: 600,
      iss: 'https://agent.example',
    });
    l3(`rich-pair1.${tag}`, l2Rich, coShoe, 'checkout.shoe', {
      pairIndex: 1,
      includeLineItems: false,
      merchantAud: decathlon.website,
    });
  }
  return { credentials, signer };
}

/** One credential as recorded: decoded texts, with moving values and disclosure digests as placeholders. */
export interface PinnedCredential {
  header: string;
  payload: string;
  disclosures: string[];
  /** For L3s: the disclosures of the L2 view its sd_hash covers. */
  view?: string[];
}

function substitute(text: string, moving: readonly [string, string][]): string {
  let out = text;
  for (const [from, to] of moving) out = out.split(from).join(to);
  return out;
}

function decodedText(segment: string): string {
  const text = Buffer.from(segment, 'base64url').toString('utf8');
  // Only the canonical encoding of these bytes may stand here: the pinned text then pins the bytes.
  if (Buffer.from(text, 'utf8').toString('base64url') !== segment)
    throw new Error(`segment is not the canonical base64url of its text: ${segment}`);
  return text;
}

/** Record a credential as {@link PinnedCredential}. */
export function pin(c: Issued): PinnedCredential {
  const parts = c.serialized.split('~');
  const [h, p] = parts[0]!.split('.') as [string, string];
  const encoded = parts.length === 1 ? [] : parts.slice(1, -1);
  if (parts.length > 1 && parts[parts.length - 1] !== '') throw new Error('an SD-JWT ends with ~');
  // A disclosure's digest stands for it by position: `<d0>`, `<d1>`, ...
  const moving: [string, string][] = [
    ...c.moving,
    ...encoded.map((d, i): [string, string] => [sha256b64u(d), `<d${i}>`]),
  ];
  moving.sort((a, b) => b[0].length - a[0].length);
  const out: PinnedCredential = {
    header: decodedText(h),
    payload: substitute(decodedText(p), moving),
    disclosures: encoded.map((d) => substitute(decodedText(d), moving)),
  };
  if (c.view) {
    if (!c.view.serialized.startsWith(`${c.view.of}~`) || !c.view.serialized.endsWith('~'))
      throw new Error('a view is the L2 JWT and disclosures');
    out.view = c.view.serialized
      .slice(c.view.of.length + 1, -1)
      .split('~')
      .map((d) => decodedText(d));
  }
  return out;
}

/** The whole corpus, pinned. */
export async function pinnedCorpus(reparse = false): Promise<Record<string, PinnedCredential>> {
  const run = await issueCorpus(reparse);
  return Object.fromEntries(Object.entries(run.credentials).map(([name, c]) => [name, pin(c)]));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${JSON.stringify(await pinnedCorpus(), null, 2)}\n`);
}
