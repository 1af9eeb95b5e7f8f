import { child, idOf, int, text, type StripeFields } from './subscription-snapshot';

/** The invoice fields dunning needs, read from a Stripe invoice object. */
export interface InvoiceSnapshot {
  stripeInvoiceId: string | null;
  stripeSubscriptionId: string | null;
  stripeCustomerId: string | null;
  status: string;
  billingReason: string | null;
  currency: string;
  amountDue: number;
  amountPaid: number;
  amountRemaining: number;
  attemptCount: number;
  nextPaymentAttempt: number | null;
  hostedInvoiceUrl: string | null;
  periodStart: number | null;
  periodEnd: number | null;
  created: number;
}

/**
 * The subscription of an invoice: `parent.subscription_details.subscription` in current API
 * versions, the top-level `subscription` field in older ones.
 */
export function invoiceSubscriptionId(invoice: StripeFields): string | null {
  const details = child(child(invoice, 'parent'), 'subscription_details');
  return idOf(details, 'subscription') ?? idOf(invoice, 'subscription');
}

export function readInvoice(invoice: StripeFields): InvoiceSnapshot {
  return {
    stripeInvoiceId: text(invoice, 'id'),
    stripeSubscriptionId: invoiceSubscriptionId(invoice),
    stripeCustomerId: idOf(invoice, 'customer'),
    status: text(invoice, 'status') ?? 'draft',
    billingReason: text(invoice, 'billing_reason'),
    currency: text(invoice, 'currency') ?? 'usd',
    amountDue: int(invoice, 'amount_due') ?? 0,
    amountPaid: int(invoice, 'amount_paid') ?? 0,
    amountRemaining: int(invoice, 'amount_remaining') ?? 0,
    attemptCount: int(invoice, 'attempt_count') ?? 0,
    nextPaymentAttempt: int(invoice, 'next_payment_attempt'),
    hostedInvoiceUrl: text(invoice, 'hosted_invoice_url'),
    periodStart: int(invoice, 'period_start'),
    periodEnd: int(invoice, 'period_end'),
    created: int(invoice, 'created') ?? 0,
  };
}

const INVOICE_STATUS_RANK: Record<string, number> = {
  draft: 0,
  open: 1,
  uncollectible: 2,
  paid: 3,
  void: 3,
};

/**
 * Same-second tie-break of invoice states: a settled invoice beats an open one, and among
 * open ones, the one with more collection attempts is the later state.
 */
export function invoiceRank(snapshot: InvoiceSnapshot): number {
  return (INVOICE_STATUS_RANK[snapshot.status] ?? 0) * 1000 + Math.min(snapshot.attemptCount, 999);
}
