import type Stripe from 'stripe';
import type { Subscription, SubscriptionInvoice } from '../../models';
import type { ItemChange } from '../../stripe/billing-gateway';

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

/**
 * Where collection of a subscription stands: the newest unsettled invoice that failed or needs
 * the customer's action, or null when nothing is owed. `next_payment_attempt` null on an
 * unsettled invoice means Stripe has stopped retrying.
 */
export function presentDunning(
  invoice: SubscriptionInvoice | null,
): Record<string, unknown> | null {
  if (!invoice) return null;
  return {
    invoice: invoice.stripeInvoiceId,
    amount_due: invoice.amountRemaining,
    currency: invoice.currency,
    attempt_count: invoice.attemptCount,
    next_payment_attempt: invoice.nextPaymentAttempt,
    action_required: invoice.actionRequired,
    last_failure_at: invoice.lastFailureAt,
    hosted_invoice_url: invoice.hostedInvoiceUrl,
  };
}

/** A line of a change preview. */
interface PreviewLine {
  description: string | null;
  amount: number;
  proration: boolean;
  period_start: number | null;
  period_end: number | null;
}

function previewLines(invoice: Stripe.Invoice): PreviewLine[] {
  return invoice.lines.data.map((line) => {
    const parent = line.parent as { subscription_item_details?: { proration?: boolean } } | null;
    const legacy = (line as { proration?: boolean }).proration;
    return {
      description: line.description,
      amount: line.amount,
      proration: parent?.subscription_item_details?.proration ?? legacy ?? false,
      period_start: line.period?.start ?? null,
      period_end: line.period?.end ?? null,
    };
  });
}

/**
 * A change preview: Stripe's own computation of the invoice the change leads to. With
 * `always_invoice` that invoice is charged at once; otherwise the prorations wait for the next
 * renewal invoice, which this preview then is.
 */
export function presentPreview(
  subscription: Subscription,
  change: ItemChange,
  invoice: Stripe.Invoice,
): Record<string, unknown> {
  const lines = previewLines(invoice);
  return {
    object: 'subscription_change_preview',
    subscription: subscription.id,
    price: change.stripePriceId,
    quantity: change.quantity,
    proration_behavior: change.prorationBehavior,
    proration_date: change.prorationDate ?? null,
    currency: invoice.currency,
    amount_due: invoice.amount_due,
    proration_amount: lines.filter((l) => l.proration).reduce((sum, l) => sum + l.amount, 0),
    total: invoice.total,
    lines,
  };
}
