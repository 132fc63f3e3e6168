"""Judge AP2 bundles (BUNDLE-AP2.md) with the AP2 Python SDK's own verifier.

An independent check of what vintent issues: each chain of each bundle goes
through the SDK's MandateClient.verify (signatures, cnf walk, sd_hash /
issuer_jwt_hash, times, aud / nonce of the final hop) and its
PaymentMandateChain / CheckoutMandateChain constraint checks, with the
bundle's trust, time, expectations and mandate context, as BUNDLE-AP2.md
says a verifier takes them. One JSON line per bundle on stdout:
{"file", "valid", "reason"?, "verdict"} and a summary line.

The SDK is not vendored here: point PYTHONPATH at an AP2 checkout's
code/sdk/python (google-agentic-commerce/AP2 at e1ea56d) and at the sd-jwt
library it imports (openwallet-foundation-labs/sd-jwt-python 0.10.4, src/),
with jwcrypto, pydantic and cryptography installed.

    PYTHONPATH=$AP2/code/sdk/python:$SDJWT/src python3 scripts/ap2-sdk-judge.py vectors/ap2

What the SDK leaves to its caller is done here the way BUNDLE-AP2.md says
(the caller's part): the bundle's version key, the closed checkout's
checkout_hash against the checkout JWT and that JWT's merchant signature, the
receipt store (keyed, as the SDK's samples key it, by the hash of the closing
hop's JWT), and a chain deeper than two hops has each open mandate's
constraints checked against the closed one with the SDK's own functions.
A verdict is compared with the bundle's reference_verdict when it has one
(where the SDK departs from the AP2 text), else with its verdict.
"""

from __future__ import annotations

import base64
import json
import logging
import sys
from pathlib import Path
from typing import Any

logging.disable(logging.CRITICAL)  # the SDK logs every verification event

from ap2.sdk.checkout_mandate_chain import CheckoutMandateChain  # noqa: E402
from ap2.sdk.constraints import (  # noqa: E402
    MandateContext,
    check_payment_constraints,
)
from ap2.sdk.generated.checkout_mandate import CheckoutMandate  # noqa: E402
from ap2.sdk.generated.open_payment_mandate import OpenPaymentMandate  # noqa: E402
from ap2.sdk.generated.payment_mandate import PaymentMandate  # noqa: E402
from ap2.sdk.jwt_helper import verify_jwt  # noqa: E402
from ap2.sdk.mandate import MandateClient  # noqa: E402
from ap2.sdk.receipt_wrapper import ReceiptClient  # noqa: E402
from ap2.sdk.utils import compute_sha256_b64url  # noqa: E402
from ap2.sdk.sdjwt.chain import X5cOrKidPublicKeyProvider  # noqa: E402
from ap2.sdk.sdjwt.common import parse_token  # noqa: E402
from jwcrypto.jwk import JWK  # noqa: E402


def keys_of(trust: dict[str, Any], name: str) -> dict[str, JWK]:
    return {
        k['kid']: JWK(**k)
        for k in (trust.get(name) or {}).get('keys', [])
        if isinstance(k, dict) and 'kid' in k
    }


def key_provider(trust: dict[str, Any]) -> X5cOrKidPublicKeyProvider:
    return X5cOrKidPublicKeyProvider(kid_lookup=keys_of(trust, 'issuer_jwks').get)


def header_kid(jwt: str) -> str | None:
    head = jwt.split('.')[0]
    return json.loads(base64.urlsafe_b64decode(head + '=' * (-len(head) % 4))).get('kid')


def judge_payment(payloads: list[dict[str, Any]], expect: dict[str, Any], inputs: dict[str, Any]) -> list[str]:
    context = inputs.get('mandate_context')
    ctx = MandateContext(**context) if isinstance(context, dict) else None
    closed = PaymentMandate.model_validate(payloads[-1])
    violations: list[str] = []
    # Every open mandate of the chain, root first, against the closed one (the SDK's own check);
    # a user-credential root (its own vct) is no mandate.
    for open_payload in [p for p in payloads[:-1] if p.get('vct') == 'mandate.payment.open.1']:
        violations += check_payment_constraints(
            OpenPaymentMandate.model_validate(open_payload),
            closed,
            open_checkout_hash=expect.get('open_checkout_hash'),
            mandate_context=ctx,
        )
    tid = expect.get('transaction_id')
    if tid is not None and tid != closed.transaction_id:
        violations.append('transaction_id mismatch')
    return violations


def judge_checkout(
    payloads: list[dict[str, Any]], expect: dict[str, Any], trust: dict[str, Any]
) -> list[str]:
    closed = payloads[-1]
    jwt = expect.get('checkout_jwt') or closed.get('checkout_jwt')
    # The caller's part (BUNDLE-AP2.md step 4): the hash binding and the merchant's signature.
    if not isinstance(jwt, str) or closed.get('checkout_hash') != compute_sha256_b64url(jwt):
        return ['checkout_hash is not the hash of the checkout JWT']
    if closed.get('checkout_jwt') != jwt:
        return ['the closed mandate carries another checkout JWT than expected']
    merchants = keys_of(trust, 'merchant_jwks')
    if merchants:
        key = merchants.get(header_kid(jwt))
        if key is None:
            return ['checkout JWT signed by an unknown merchant key']
        verify_jwt(jwt, key)  # raises on a bad signature
    opens = [p for p in payloads[:-1] if p.get('vct') == 'mandate.checkout.open.1']
    if not opens:
        return []  # a closed checkout mandate under a credential or alone: nothing to hold it against
    chain = CheckoutMandateChain.parse([opens[0], closed])
    return chain.verify(expected_checkout_hash=compute_sha256_b64url(jwt), checkout_jwt=jwt)


def judge_receipts(bundle: dict[str, Any], trust: dict[str, Any]) -> str | None:
    client = MandateClient()
    signers = {**keys_of(trust, 'merchant_jwks'), **keys_of(trust, 'receipt_jwks')}
    for r in bundle.get('receipts') or []:
        kind = r.get('kind')
        chain = bundle.get(f'{kind}_chain') or ''
        # The store a merchant or processor keeps: the closed mandates it answered, as the SDK keys them.
        store = {compute_sha256_b64url(client.get_closed_mandate_jwt(chain))} if chain else set()
        key = signers.get(header_kid(r.get('jwt', '')))
        if key is None:
            return f'{kind} receipt: unknown signer'
        answer = ReceiptClient().verify_receipt(
            r['jwt'], key, has_reference_in_store_cb=store.__contains__,
            is_payment_receipt=kind == 'payment',
        )
        if 'error' in answer:
            return f"{kind} receipt: {answer['error']}"
    return None


def judge(bundle: dict[str, Any]) -> tuple[bool, str | None]:
    if bundle.get('ap2_bundle') != 1 or 'vi_bundle' in bundle:
        return False, 'not an AP2 bundle (ap2_bundle: 1, and no vi_bundle)'
    trust = bundle.get('trust') or {}
    at = bundle.get('at')
    client = MandateClient()
    for kind in ('checkout', 'payment'):
        chain = bundle.get(f'{kind}_chain')
        if chain is None:
            continue
        expect = dict((bundle.get('expect') or {}).get(kind) or {})
        checkout_chain = bundle.get('checkout_chain')
        if kind == 'payment' and 'open_checkout_hash' not in expect and checkout_chain:
            # The caller's part: the open checkout root as presented, with its disclosures.
            expect['open_checkout_hash'] = compute_sha256_b64url(checkout_chain.split('~~')[0] + '~'
                                                                 if '~~' in checkout_chain else checkout_chain)
        try:
            provider = key_provider(trust)
            if '~~' in chain:
                payloads = client.verify(
                    chain,
                    provider,
                    expected_aud=expect.get('aud'),
                    expected_nonce=expect.get('nonce'),
                    current_time=at,
                )
            else:
                # A lone closed root (human present): one SD-JWT, its key by kid.
                token = parse_token(chain)
                single = client.verify(
                    chain,
                    provider(token),
                    payload_type=PaymentMandate if kind == 'payment' else CheckoutMandate,
                    current_time=at,
                )
                payloads = [single.mandate_payload.model_dump(mode='json', exclude_none=True)]
            inputs = (bundle.get('inputs') or {}).get(kind) or {}
            violations = (
                judge_payment(payloads, expect, inputs)
                if kind == 'payment'
                else judge_checkout(payloads, expect, trust)
            )
        except Exception as e:  # the SDK raises on every refusal
            return False, f'{kind}: {type(e).__name__}: {str(e)[:300]}'
        if violations:
            return False, f'{kind}: {violations[0][:300]}'
    try:
        receipt = judge_receipts(bundle, trust)
    except Exception as e:
        receipt = f'receipt: {type(e).__name__}: {str(e)[:300]}'
    return (False, receipt) if receipt else (True, None)


def main(paths: list[str]) -> int:
    files = sorted(
        f for p in paths for f in (Path(p).rglob('*.json') if Path(p).is_dir() else [Path(p)])
    )
    agree = disagree = 0
    for f in files:
        bundle = json.loads(f.read_text())
        if 'ap2_bundle' not in bundle:
            continue
        valid, reason = judge(bundle)
        verdict = (bundle.get('verdict') or {}).get('valid')
        reference = (bundle.get('reference_verdict') or {}).get('valid')
        expected = reference if isinstance(reference, bool) else verdict
        same = expected is None or expected == valid
        agree += same
        disagree += not same
        line = {'file': str(f), 'valid': valid, 'verdict': verdict, 'agrees': same}
        if reason:
            line['reason'] = reason
        print(json.dumps(line))
    print(json.dumps({
        'summary': True,
        'agree': agree,
        'disagree': disagree,
        'scope': 'chains, bindings, times, aud/nonce, constraints, checkout binding, receipts',
    }))
    return 0 if disagree == 0 else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:] or ['vectors/ap2']))
