// The runtime smoke suite: the same code on Node, Bun, Deno, headless
// Chromium and workerd, against the packed package (test/runtimes/runtimes.test.ts).
// Plain JavaScript on purpose: every runtime loads it as it is, or bundled.
//
// 1. Issue an Autonomous and an Immediate chain with non-extractable WebCrypto
//    keys, present each to every role, and verify each presentation.
// 2. Break one signature and one binding: each refused with its code.
// 3. Verify every shipped vector (vectors/, VI and AP2) against its recorded verdict.

const shop = { id: 'm-1', name: 'Shop', website: 'https://shop.example' };
const card = {
  type: 'mastercard.srcDigitalCard',
  id: 'card-1',
  description: 'Mastercard **** 4242',
};
const racket = { id: 'SKU-1', title: 'Racket' };

/** Flip one character of the last segment of the first JWT in an SD-JWT (its signature). */
function breakSignature(sdJwt) {
  const [jwt, ...rest] = sdJwt.split('~');
  const at = jwt.lastIndexOf('.') + 5;
  const c = jwt[at] === 'A' ? 'B' : 'A';
  return [jwt.slice(0, at) + c + jwt.slice(at + 1), ...rest].join('~');
}

export async function runSmoke(v, vectors) {
  // Read inside the call: workerd gives module scope no clock.
  const T = Math.floor(Date.now() / 1000) - 60;
  const report = { platform: v.CRYPTO_PLATFORM, checks: [], vectors: { passed: 0, failed: [] } };
  const check = (name, ok, detail) => report.checks.push(ok ? { name, ok } : { name, ok, detail });
  const codes = (r) => r.errors.map((e) => e.code);

  const [issuer, user, agent, merchant] = await Promise.all(
    ['issuer-1', 'user-1', 'agent-1', 'merchant-1'].map((kid) => v.generateWebCryptoSigner(kid)),
  );
  check(
    'keys are non-extractable',
    [issuer, user, agent, merchant].every((k) => k.cryptoKey.extractable === false),
  );
  const l1 = await v.issueL1({
    issuerKey: issuer,
    iss: 'https://issuer.example',
    sub: 'u',
    userPublicJwk: user.publicJwk,
    panLastFour: '4242',
    scheme: 'mastercard',
    iat: T,
  });
  const l2 = await v.issueL2AutonomousAsync({
    userKey: user,
    l1,
    aud: 'https://agent.example',
    iat: T,
    pairs: [
      {
        agentKey: agent.publicJwk,
        merchants: [shop],
        lineItems: [{ id: 'line-1', acceptableItems: [racket], quantity: 1 }],
        paymentInstrument: card,
        amount: { currency: 'USD', min: 100, max: 40000 },
      },
    ],
  });
  const checkout = await v.createCheckoutJwtAsync({
    merchantKey: merchant,
    merchant: shop,
    checkoutId: 'c-1',
    currency: 'USD',
    items: [{ ...racket, quantity: 1, unitPrice: 27999 }],
    iat: T + 10,
  });
  const l3 = await v.issueL3PairAsync({
    agentKey: agent,
    l2,
    pairIndex: 0,
    checkoutJwt: checkout.jwt,
    networkAud: 'https://network.example',
    merchantAud: 'https://shop.example',
    iat: T + 20,
  });
  const trust = { issuer_jwks: { keys: [issuer.publicJwk] } };
  const options = {
    issuerKeys: { keys: [issuer.publicJwk] },
    merchantKeys: { keys: [merchant.publicJwk] },
  };
  const roles = {
    network: v.presentToNetwork({ l1, l2, pairIndex: 0, l3 }, { trust }),
    merchant: v.presentToMerchant({ l1, l2, pairIndex: 0, l3 }, { trust }),
    dispute: v.presentForDispute({ l1, l2, l3: [l3] }, { trust }),
  };
  for (const [role, bundle] of Object.entries(roles)) {
    const r = await v.verifyPresentation(
      { ...bundle, trust: undefined, at: undefined },
      { ...options, role },
    );
    check(`autonomous chain verifies for the ${role}`, r.valid, codes(r));
  }
  const immediate = await v.issueL2ImmediateAsync({
    userKey: user,
    l1,
    aud: 'https://network.example',
    iat: T,
    pairs: [{ checkoutJwt: checkout.jwt, paymentInstrument: card, payee: shop }],
  });
  const ri = await v.verifyPresentation(
    { ...v.presentToNetwork({ l1, l2: immediate, pairIndex: 0 }, { trust }), trust: undefined },
    { ...options, role: 'network' },
  );
  check('immediate chain verifies for the network', ri.valid, codes(ri));

  // Refusals: the batched WebCrypto phase must give the synchronous codes.
  const net = roles.network;
  const brokenL3 = {
    ...net,
    l3: net.l3.map((e, i) => (i === 0 ? { ...e, payment: breakSignature(e.payment) } : e)),
  };
  const rb = await v.verifyPresentation(brokenL3, { ...options, role: 'network' });
  check(
    'a broken L3a signature is refused with L3_SIGNATURE_INVALID',
    !rb.valid && codes(rb).includes('L3_SIGNATURE_INVALID'),
    codes(rb),
  );
  const rl1 = await v.verifyPresentation(
    { ...net, l1: breakSignature(net.l1) },
    { ...options, role: 'network' },
  );
  check(
    'a broken L1 signature is refused with L1_SIGNATURE_INVALID',
    !rl1.valid && codes(rl1).includes('L1_SIGNATURE_INVALID'),
    codes(rl1),
  );
  const stranger = await v.generateWebCryptoSigner('issuer-1');
  const ru = await v.verifyPresentation(net, {
    issuerKeys: { keys: [stranger.publicJwk] },
    merchantKeys: options.merchantKeys,
    role: 'network',
  });
  check(
    'an L1 under another issuer key is refused',
    !ru.valid && codes(ru).includes('L1_SIGNATURE_INVALID'),
    codes(ru),
  );

  for (const { name, bundle } of vectors) {
    const ap2 = bundle.ap2_bundle !== undefined;
    const r = ap2
      ? await v.verifyAp2Presentation(bundle, { trustFromBundle: true })
      : await v.verifyPresentation(bundle, { trustFromBundle: true });
    const want = bundle.verdict;
    const ok =
      r.valid === want.valid &&
      (!want.code || codes(r).includes(want.code)) &&
      (!ap2 || r.ap2_error === want.error);
    if (ok) report.vectors.passed++;
    else report.vectors.failed.push({ name, want, got: { valid: r.valid, codes: codes(r) } });
  }
  return report;
}
