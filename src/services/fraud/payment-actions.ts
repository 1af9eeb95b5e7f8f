import type { PaymentsDomain } from '../payments-domain';

/** A payment as the review queue hands it to the payments service. */
export interface ReviewedPayment {
  id: string;
  ownerId: string | null;
  status: string;
}

export interface ActionContext {
  /** Audit actor, e.g. `api_key:<id>`. */
  actor: string;
  requestId: string;
  /** The review decided; Stripe idempotency keys derive from it. */
  reviewId?: string;
}

/**
 * The money moves a review decision needs, provided by the payments service (which owns the
 * Stripe calls, their idempotency keys and the payment row). Approve captures; reject cancels
 * an uncaptured payment or refunds a captured one.
 */
export interface PaymentActions {
  capture(payment: ReviewedPayment, context: ActionContext): Promise<void>;
  cancel(payment: ReviewedPayment, context: ActionContext): Promise<void>;
  refund(payment: ReviewedPayment, context: ActionContext): Promise<void>;
}

/**
 * The review queue's money moves through the payments service, as the payment's owner. Each
 * Stripe call's idempotency key is derived from the review and the move, so a retried
 * decision can never capture, cancel or refund twice.
 */
export function paymentActionsFor(
  domain: Pick<PaymentsDomain, 'payments' | 'refunds'>,
): PaymentActions {
  const { payments, refunds } = domain;
  const as = (payment: ReviewedPayment, context: ActionContext) => ({
    principal: {
      keyId: context.actor,
      ownerId: payment.ownerId ?? '',
      scopes: ['payments:write'],
    },
    scope: (move: string) => ({
      apiKeyId: 'fraud_review',
      idempotencyKey: `${context.reviewId ?? context.requestId}:${move}`,
    }),
  });
  return {
    async capture(payment, context) {
      const { principal, scope } = as(payment, context);
      await payments.capture(principal, payment.id, {}, scope('capture'));
    },
    async cancel(payment, context) {
      const { principal, scope } = as(payment, context);
      await payments.cancel(
        principal,
        payment.id,
        { cancellation_reason: 'fraudulent' },
        scope('cancel'),
      );
    },
    async refund(payment, context) {
      const { principal, scope } = as(payment, context);
      await refunds.create(principal, payment.id, { reason: 'fraudulent' }, scope('refund'));
    },
  };
}
