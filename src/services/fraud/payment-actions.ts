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
