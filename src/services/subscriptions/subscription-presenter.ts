import type { Subscription, SubscriptionInvoice } from '../../models';

/** An invoice as the storefront sees it: what is owed and how collecting it goes. */
export function presentInvoice(row: SubscriptionInvoice): Record<string, unknown> {
  return {
    id: row.stripeInvoiceId,
    object: 'invoice',
    status: row.status,
    billing_reason: row.billingReason,
    amount_due: row.amountDue,
    amount_paid: row.amountPaid,
    amount_remaining: row.amountRemaining,
    currency: row.currency,
    attempt_count: row.attemptCount,
    next_payment_attempt: row.nextPaymentAttempt,
    action_required: row.actionRequired,
    last_failure_at: row.lastFailureAt,
    hosted_invoice_url: row.hostedInvoiceUrl,
    period_start: row.periodStart,
    period_end: row.periodEnd,
    created: row.stripeCreated,
  };
}

/** A subscription as the storefront sees it. */
export function presentSubscription(row: Subscription): Record<string, unknown> {
  return {
    id: row.id,
    object: 'subscription',
    stripe_subscription_id: row.stripeSubscriptionId,
    customer: row.customerId,
    status: row.status,
    price: row.stripePriceId,
    quantity: row.quantity,
    currency: row.currency,
    unit_amount: row.unitAmount,
    current_period_start: row.currentPeriodStart,
    current_period_end: row.currentPeriodEnd,
    trial_start: row.trialStart,
    trial_end: row.trialEnd,
    cancel_at_period_end: row.cancelAtPeriodEnd,
    cancel_at: row.cancelAt,
    canceled_at: row.canceledAt,
    ended_at: row.endedAt,
    pause_collection: row.pauseCollection,
    latest_invoice: row.latestInvoiceId,
    upcoming_invoice: row.upcomingInvoice,
    metadata: row.metadata,
    created: Math.floor(row.createdAt.getTime() / 1000),
  };
}
