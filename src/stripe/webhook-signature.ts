import Stripe from 'stripe';

/** Why a delivery was refused; for the rejected counter and logs, never for the caller. */
export type SignatureFailure = 'missing_header' | 'bad_signature' | 'timestamp_out_of_range';

export type SignatureCheck =
  { ok: true; secretIndex: number } | { ok: false; reason: SignatureFailure };

const TIMESTAMP = /(?:^|,)\s*t=(\d+)/;

/**
 * Verifies a `Stripe-Signature` header over the exact bytes received, accepting any of the
 * secrets (several are live during a rotation). The SDK checks the HMAC in constant time and
 * refuses timestamps older than the tolerance; it accepts timestamps in the future, so those
 * are refused here too: a signed body replayed with a forged future `t` must not pass.
 */
export function verifyStripeSignature(
  rawBody: Buffer,
  header: string | undefined,
  secrets: readonly string[],
  toleranceSeconds: number,
  nowSeconds = Math.floor(Date.now() / 1000),
): SignatureCheck {
  if (!header) return { ok: false, reason: 'missing_header' };
  const match = TIMESTAMP.exec(header);
  if (!match) return { ok: false, reason: 'bad_signature' };
  const timestamp = Number(match[1]);
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) {
    return { ok: false, reason: 'timestamp_out_of_range' };
  }
  const signature = Stripe.webhooks.signature;
  if (!signature) throw new Error('the Stripe SDK has no signature helper');
  for (const [secretIndex, secret] of secrets.entries()) {
    try {
      signature.verifyHeader(rawBody, header, secret, toleranceSeconds);
      return { ok: true, secretIndex };
    } catch {
      // Try the next secret; which one failed is not worth telling anyone.
    }
  }
  return { ok: false, reason: 'bad_signature' };
}

/** A header Stripe would send for this body, for tests, benchmarks and the trigger scripts. */
export function signPayloadForTest(payload: string, secret: string, timestamp?: number): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
}
