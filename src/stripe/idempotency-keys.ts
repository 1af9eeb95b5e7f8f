import { createHash } from 'node:crypto';

/**
 * The Idempotency-Key sent to Stripe for one operation of one storefront request. It is
 * derived, not forwarded: the same storefront key under two API keys, or for two operations
 * (create, then confirm), must not collide at Stripe, and the storefront's raw key is not
 * disclosed. The same inputs always give the same key, so a retry after a timeout or a crash
 * replays Stripe's first answer instead of creating a second payment intent or refund.
 */
export function stripeIdempotencyKey(parts: {
  apiKeyId: string;
  idempotencyKey: string;
  operation: string;
}): string {
  const digest = createHash('sha256')
    .update(`${parts.apiKeyId}\n${parts.operation}\n${parts.idempotencyKey}`)
    .digest('base64url');
  return `psvc-${digest}`;
}
