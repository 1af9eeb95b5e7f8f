import Stripe from 'stripe';
import { mapStripeError } from '../../src/stripe/error-mapping';
import { stripeIdempotencyKey } from '../../src/stripe/idempotency-keys';
import { captureLogs } from '../support/log-capture';

const STATUS: Record<string, number> = {
  card_error: 402,
  invalid_request_error: 400,
  rate_limit_error: 429,
  authentication_error: 401,
  api_error: 500,
};

/** Errors as the SDK builds them from Stripe's answers (its own classes, not stubs). */
const raw = (body: Record<string, unknown>) => {
  const { generateV1Error } = Stripe.errors as unknown as {
    generateV1Error: (raw: Record<string, unknown>) => Error;
  };
  const statusCode = STATUS[body.type as string];
  return generateV1Error({ message: 'Stripe internal text', statusCode, ...body });
};

describe('mapStripeError', () => {
  test('When a card is declined, then 402 with the decline code and our own message', () => {
    const err = mapStripeError(
      raw({ type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds' }),
      'op',
    );
    expect(err).toMatchObject({ status: 402, type: 'card_error', code: 'card_declined' });
    expect(err.extra).toEqual({ decline_code: 'insufficient_funds' });
    expect(err.message).not.toContain('Stripe internal text');
  });

  test('When Stripe refuses the request, then 400 naming the param without its text', () => {
    const err = mapStripeError(
      raw({ type: 'invalid_request_error', code: 'parameter_invalid_integer', param: 'amount' }),
      'op',
    );
    expect(err).toMatchObject({ status: 400, code: 'parameter_invalid_integer' });
    expect(err.details).toEqual([{ field: 'amount', message: 'parameter_invalid_integer' }]);
    expect(err.message).not.toContain('Stripe internal text');
  });

  test('When Stripe rate limits, then 503 with Retry-After from its header', () => {
    const err = mapStripeError(
      raw({ type: 'rate_limit_error', headers: { 'retry-after': '4' }, statusCode: 429 }),
      'op',
    );
    expect(err).toMatchObject({ status: 503, retryAfter: 4, code: 'stripe_rate_limited' });
    expect(mapStripeError(raw({ type: 'rate_limit_error' }), 'op').retryAfter).toBe(2);
  });

  test('When Stripe fails or cannot be reached, then 502 marked retryable', () => {
    for (const e of [raw({ type: 'api_error' }), new Error('socket hang up')]) {
      const err = mapStripeError(e, 'op');
      expect(err).toMatchObject({ status: 502, code: 'stripe_unavailable' });
      expect(err.extra).toEqual({ retryable: true });
    }
  });

  test('When the key is refused, then 500 and an error log names a configuration fault', () => {
    const capture = captureLogs('error');
    const err = mapStripeError(raw({ type: 'authentication_error', statusCode: 401 }), 'op');
    capture.stop();
    expect(err).toMatchObject({ status: 500, code: 'payment_provider_misconfigured' });
    expect(capture.lines().map((l) => l.message)).toContain('stripe configuration fault');
  });
});

describe('stripeIdempotencyKey', () => {
  test('When inputs repeat, then the key repeats; any difference gives another key', () => {
    const base = { apiKeyId: 'key_a', idempotencyKey: 'order-1', operation: 'pi.create' };
    const key = stripeIdempotencyKey(base);
    expect(stripeIdempotencyKey({ ...base })).toBe(key);
    expect(stripeIdempotencyKey({ ...base, apiKeyId: 'key_b' })).not.toBe(key);
    expect(stripeIdempotencyKey({ ...base, operation: 'refund.create' })).not.toBe(key);
    expect(key).not.toContain('order-1');
    expect(key.length).toBeLessThanOrEqual(255);
  });
});
