import Stripe from 'stripe';
import { AppError } from '../errors/app-error';
import { logger } from '../utils/logger';

/**
 * Messages fit for a shopper, per decline code. Stripe's own text is never passed through;
 * codes that would tell a fraudster why (lost, stolen, fraudulent) get the generic message.
 */
const DECLINE_MESSAGES: Readonly<Record<string, string>> = {
  insufficient_funds: 'The card has insufficient funds. Try another card.',
  expired_card: 'The card has expired. Try another card.',
  incorrect_cvc: "The card's security code is incorrect.",
  incorrect_number: 'The card number is incorrect.',
  processing_error: 'The card could not be processed. Try again in a moment.',
  authentication_required: 'The card requires authentication. Ask the shopper to verify it.',
  card_velocity_exceeded: 'The card has been used too often. Try another card.',
};
const GENERIC_DECLINE = 'The card was declined. Try another card or contact the card issuer.';

/** Seconds to wait after Stripe's 429 when it sends no Retry-After. */
const DEFAULT_RETRY_AFTER = 2;

type RawStripeError = InstanceType<typeof Stripe.errors.StripeError>;

function isStripeError(err: unknown): err is RawStripeError {
  return err instanceof Stripe.errors.StripeError;
}

function retryAfterOf(err: RawStripeError): number {
  const header = (err.headers as Record<string, string> | undefined)?.['retry-after'];
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : DEFAULT_RETRY_AFTER;
}

function cardError(err: RawStripeError): AppError {
  const declineCode = err.decline_code ?? err.code ?? 'card_declined';
  const message = DECLINE_MESSAGES[declineCode] ?? DECLINE_MESSAGES[err.code ?? ''];
  return new AppError(402, 'card_error', err.code ?? 'card_declined', message ?? GENERIC_DECLINE, {
    extra: { decline_code: declineCode },
    cause: err,
  });
}

function invalidRequest(err: RawStripeError): AppError {
  const param = err.param;
  if (err.code === 'resource_missing') {
    const what = param ? `No such ${param}.` : 'A referenced Stripe object does not exist.';
    return new AppError(400, 'invalid_request_error', 'resource_missing', what, {
      details: param ? [{ field: param, message: 'does not exist' }] : undefined,
      cause: err,
    });
  }
  const message = param
    ? `Stripe refused the value of ${param}.`
    : 'Stripe refused the request in its current state.';
  return new AppError(400, 'invalid_request_error', err.code ?? 'stripe_invalid_request', message, {
    details: param ? [{ field: param, message: err.code ?? 'invalid' }] : undefined,
    cause: err,
  });
}

function unavailable(err: unknown): AppError {
  return new AppError(
    502,
    'api_error',
    'stripe_unavailable',
    'Stripe did not answer. The request is safe to retry with the same Idempotency-Key.',
    { extra: { retryable: true }, cause: err },
  );
}

/**
 * Turns what the SDK threw into the service's error: a decline is 402 with its decline code,
 * a refused request 400, Stripe's rate limit 503 with Retry-After, an outage or timeout 502
 * (safe to retry), and a key problem 500, logged as a configuration fault.
 */
export function mapStripeError(err: unknown, operation: string): AppError {
  if (err instanceof AppError) return err;
  if (!isStripeError(err)) return unavailable(err);
  switch (err.type) {
    case 'StripeCardError':
      return cardError(err);
    case 'StripeInvalidRequestError':
      return invalidRequest(err);
    case 'StripeIdempotencyError':
      return new AppError(
        409,
        'idempotency_error',
        'stripe_idempotency_conflict',
        'Stripe saw this operation with other parameters; use a new Idempotency-Key.',
        { cause: err },
      );
    case 'StripeRateLimitError':
      return new AppError(
        503,
        'rate_limit_error',
        'stripe_rate_limited',
        'Stripe is limiting requests; retry after the delay.',
        { retryAfter: retryAfterOf(err), cause: err },
      );
    case 'StripeAuthenticationError':
    case 'StripePermissionError':
      logger.error('stripe configuration fault', {
        operation,
        stripeErrorType: err.type,
        stripeRequestId: err.requestId,
      });
      return new AppError(
        500,
        'api_error',
        'payment_provider_misconfigured',
        'The payment provider is misconfigured; the operator has been alerted.',
        { cause: err },
      );
    default:
      return unavailable(err);
  }
}
