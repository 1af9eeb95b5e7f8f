import { SandboxError, invalidParam, unexpectedState } from '../core/errors';
import { newId } from '../core/ids';
import { createPaymentIntent, confirm } from '../resources/payment-intents';
import { resolvePaymentMethod } from '../resources/payment-methods';
import type { RequestMeta } from '../events/event-log';
import type { SandboxState } from '../core/state';
import type { StripeObject } from '../core/store';

const DAY = 24 * 60 * 60;
/** Days after a failed attempt before the next one (Stripe's default: 4 attempts). */
export const RETRY_DAYS = [3, 5, 7];

export interface LineInput {
  amount: number;
  description: string;
  period: { start: number; end: number };
  quantity: number;
  price?: StripeObject | null;
  subscriptionItem?: string;
  invoiceItem?: StripeObject;
  proration?: boolean;
}

/** Which invoice a payment intent pays (payment intents created by invoices). */
const INVOICE_OF = new WeakMap<SandboxState, Map<string, string>>();

function invoiceMap(state: SandboxState): Map<string, string> {
  let m = INVOICE_OF.get(state);
  if (!m) {
    m = new Map();
    INVOICE_OF.set(state, m);
  }
  return m;
}

function line(invoiceId: string, currency: string, subscriptionId: string | null, l: LineInput) {
  const price = l.price ?? null;
  const parent = l.subscriptionItem
    ? {
        type: 'subscription_item_details',
        invoice_item_details: null,
        subscription_item_details: {
          invoice_item: l.invoiceItem?.id ?? null,
          proration: !!l.proration,
          proration_details: { credited_items: null },
          subscription: subscriptionId,
          subscription_item: l.subscriptionItem,
        },
      }
    : {
        type: 'invoice_item_details',
        subscription_item_details: null,
        invoice_item_details: {
          invoice_item: l.invoiceItem?.id ?? null,
          proration: !!l.proration,
          proration_details: { credited_items: null },
          subscription: subscriptionId,
        },
      };
  return {
    id: newId('il'),
    object: 'line_item',
    amount: l.amount,
    currency,
    description: l.description,
    discount_amounts: [],
    discountable: true,
    discounts: [],
    invoice: invoiceId,
    livemode: false,
    metadata: {},
    parent,
    period: l.period,
    pretax_credit_amounts: [],
    pricing: {
      price_details: price ? { price: price.id, product: price.product } : undefined,
      type: 'price_details',
      unit_amount_decimal: price ? String(price.unit_amount) : String(l.amount),
    },
    quantity: l.quantity,
    quantity_decimal: String(l.quantity),
    subscription: subscriptionId,
    subtotal: l.amount,
    taxes: [],
  };
}

/** Fields of a new invoice that never depend on its input. */
const INVOICE_DEFAULTS = () => ({
  account_country: 'US',
  account_name: 'Stripe sandbox',
  account_tax_ids: null,
  amount_overpaid: 0,
  amount_paid: 0,
  amount_shipping: 0,
  application: null,
  attempt_count: 0,
  attempted: false,
  automatic_tax: {
    disabled_reason: null,
    enabled: false,
    liability: null,
    provider: null,
    status: null,
  },
  confirmation_secret: null,
  custom_fields: null,
  customer_account: null,
  customer_tax_ids: [],
  default_source: null,
  default_tax_rates: [],
  discounts: [],
  effective_at: null,
  ending_balance: null,
  footer: null,
  from_invoice: null,
  hosted_invoice_url: null,
  invoice_pdf: null,
  issuer: { type: 'self' },
  last_finalization_error: null,
  latest_revision: null,
  livemode: false,
  next_payment_attempt: null,
  number: null,
  on_behalf_of: null,
  payment_intent: null,
  payment_settings: {
    default_mandate: null,
    payment_method_options: null,
    payment_method_types: null,
  },
  post_payment_credit_notes_amount: 0,
  pre_payment_credit_notes_amount: 0,
  receipt_number: null,
  rendering: null,
  shipping_cost: null,
  shipping_details: null,
  starting_balance: 0,
  statement_descriptor: null,
  status: 'draft',
  status_transitions: {
    finalized_at: null,
    marked_uncollectible_at: null,
    paid_at: null,
    voided_at: null,
  },
  test_clock: null,
});

export interface InvoiceInput {
  customer: StripeObject;
  currency: string;
  lines: LineInput[];
  billingReason: string;
  subscription?: StripeObject | null;
  collectionMethod?: string;
  description?: string | null;
  metadata?: Record<string, string>;
  defaultPaymentMethod?: string | null;
  autoAdvance?: boolean;
  daysUntilDue?: number | null;
}

/** A draft invoice for the customer; pending invoice items listed in `lines` are consumed. */
export function createInvoice(state: SandboxState, input: InvoiceInput, meta: RequestMeta) {
  const id = newId('in');
  const now = state.now();
  const c = input.customer;
  const subId = input.subscription?.id ?? null;
  const lines = input.lines.map((l) => line(id, input.currency, subId, l));
  const total = lines.reduce((sum, l) => sum + l.amount, 0);
  const periods = input.lines.map((l) => l.period);
  const sub = input.subscription ?? null;
  const invoice: StripeObject = {
    id,
    object: 'invoice',
    ...INVOICE_DEFAULTS(),
    amount_due: Math.max(0, total),
    amount_remaining: Math.max(0, total),
    auto_advance: input.autoAdvance ?? true,
    automatically_finalizes_at: sub ? null : now + 3600,
    billing_reason: input.billingReason,
    collection_method: input.collectionMethod ?? 'charge_automatically',
    created: now,
    currency: input.currency,
    customer: c.id,
    customer_address: c.address ?? null,
    customer_email: c.email ?? null,
    customer_name: c.name ?? null,
    customer_phone: c.phone ?? null,
    customer_shipping: c.shipping ?? null,
    customer_tax_exempt: c.tax_exempt ?? 'none',
    default_payment_method: input.defaultPaymentMethod ?? null,
    description: input.description ?? null,
    due_date: input.daysUntilDue != null ? now + input.daysUntilDue * DAY : null,
    lines: {
      object: 'list',
      data: lines,
      has_more: false,
      url: `/v1/invoices/${id}/lines`,
    },
    metadata: input.metadata ?? {},
    parent: sub
      ? {
          quote_details: null,
          subscription_details: { metadata: sub.metadata, subscription: sub.id },
          type: 'subscription_details',
        }
      : null,
    period_end: periods.length ? Math.max(...periods.map((p) => p.end)) : now,
    period_start: periods.length ? Math.min(...periods.map((p) => p.start)) : now,
    subscription: sub?.id ?? null,
    subtotal: total,
    subtotal_excluding_tax: total,
    total,
    total_discount_amounts: [],
    total_excluding_tax: total,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: now,
  };
  for (const l of input.lines) if (l.invoiceItem) l.invoiceItem.invoice = id;
  state.store.insert(invoice);
  state.emit('invoice.created', invoice, meta);
  return invoice;
}

export function finalizeInvoice(state: SandboxState, invoice: StripeObject, meta: RequestMeta) {
  if (invoice.status !== 'draft') {
    throw unexpectedState('invoice_not_editable', `This invoice is already finalized.`);
  }
  const customer = state.store.find(invoice.customer as string);
  const sequence = (customer?.next_invoice_sequence as number | undefined) ?? 1;
  if (customer) customer.next_invoice_sequence = sequence + 1;
  invoice.number = `${String(customer?.invoice_prefix ?? 'SANDBOX')}-${String(sequence).padStart(4, '0')}`;
  invoice.status = 'open';
  invoice.effective_at = state.now();
  invoice.automatically_finalizes_at = null;
  invoice.hosted_invoice_url = `${state.baseUrl}/_sandbox/invoices/${String(invoice.id)}`;
  (invoice.status_transitions as Record<string, number>).finalized_at = state.now();
  state.emit('invoice.finalized', invoice, meta);
  if (invoice.amount_due === 0) markPaid(state, invoice, meta);
}

function paymentMethodFor(state: SandboxState, invoice: StripeObject, explicit?: string | null) {
  if (explicit) return explicit;
  if (invoice.default_payment_method) return invoice.default_payment_method as string;
  const sub = invoice.subscription ? state.store.find(invoice.subscription as string) : null;
  if (sub?.default_payment_method) return sub.default_payment_method as string;
  const customer = state.store.find(invoice.customer as string);
  const settings = customer?.invoice_settings as { default_payment_method?: string | null };
  return settings?.default_payment_method ?? null;
}

/** The payment intent that collects an open invoice, created on first use. */
export function paymentIntentFor(state: SandboxState, invoice: StripeObject, meta: RequestMeta) {
  if (invoice.payment_intent)
    return state.store.get('payment_intent', invoice.payment_intent as string);
  const pi = createPaymentIntent(
    state,
    {
      amount: String(invoice.amount_due),
      currency: invoice.currency as string,
      customer: invoice.customer as string,
      description: invoice.subscription
        ? 'Subscription update'
        : `Invoice ${String(invoice.number)}`,
      payment_method_types: ['card'],
    },
    meta,
  ) as StripeObject;
  invoice.payment_intent = pi.id;
  invoiceMap(state).set(pi.id, invoice.id);
  return pi;
}

/**
 * Attempts to collect an open invoice off-session with its payment method. The outcome lands
 * on the invoice through the payment hook; `throwOnDecline` rethrows the card error (`/pay`).
 */
export function attemptPayment(
  state: SandboxState,
  invoice: StripeObject,
  meta: RequestMeta,
  opts: { paymentMethod?: string | null; throwOnDecline?: boolean } = {},
): void {
  if (invoice.status === 'draft') finalizeInvoice(state, invoice, meta);
  if (invoice.status === 'paid') return;
  if (invoice.status !== 'open') {
    throw unexpectedState(
      'invoice_not_open',
      `Invoice ${invoice.id} is ${String(invoice.status)}.`,
    );
  }
  const pmId = paymentMethodFor(state, invoice, opts.paymentMethod);
  if (!pmId) {
    if (opts.throwOnDecline) {
      throw invalidParam(
        'payment_method',
        'This customer has no attached payment source or default payment method.',
        'resource_missing',
      );
    }
    recordFailure(state, invoice, meta);
    return;
  }
  const pm = resolvePaymentMethod(state, pmId, 'payment_method');
  const pi = paymentIntentFor(state, invoice, meta);
  try {
    confirm(state, pi, { payment_method: pm.id, off_session: 'true' }, meta);
  } catch (err) {
    const declined = err instanceof SandboxError && err.status === 402;
    if (!declined || opts.throwOnDecline) throw err;
  }
}

function markPaid(state: SandboxState, invoice: StripeObject, meta: RequestMeta): void {
  invoice.status = 'paid';
  invoice.amount_paid = invoice.amount_due;
  invoice.amount_remaining = 0;
  invoice.attempted = true;
  invoice.next_payment_attempt = null;
  (invoice.status_transitions as Record<string, number>).paid_at = state.now();
  state.emit('invoice.paid', invoice, meta);
  state.emit('invoice.payment_succeeded', invoice, meta);
  const sub = invoice.subscription ? state.store.find(invoice.subscription as string) : null;
  if (sub && ['incomplete', 'past_due', 'unpaid'].includes(sub.status as string)) {
    const previous = { status: sub.status };
    sub.status = 'active';
    state.emit('customer.subscription.updated', sub, meta, previous);
  }
}

/** A failed attempt: schedule the next retry, or end the subscription's dunning. */
function recordFailure(state: SandboxState, invoice: StripeObject, meta: RequestMeta): void {
  invoice.attempted = true;
  invoice.attempt_count = (invoice.attempt_count as number) + 1;
  const attempt = invoice.attempt_count as number;
  const retryIn = RETRY_DAYS[attempt - 1];
  const automatic = invoice.collection_method === 'charge_automatically';
  const subscriptionCreate = invoice.billing_reason === 'subscription_create';
  invoice.next_payment_attempt =
    automatic && retryIn !== undefined && !subscriptionCreate ? state.now() + retryIn * DAY : null;
  state.emit('invoice.payment_failed', invoice, meta);
  const sub = invoice.subscription ? state.store.find(invoice.subscription as string) : null;
  if (!sub || subscriptionCreate) return;
  const previous = { status: sub.status };
  if (invoice.next_payment_attempt === null && automatic) {
    if (state.dunningFinalAction === 'unpaid') {
      sub.status = 'unpaid';
      state.emit('customer.subscription.updated', sub, meta, previous);
    } else {
      endSubscription(state, sub, meta, 'payment_failed');
    }
    return;
  }
  if (sub.status === 'active' || sub.status === 'trialing') {
    sub.status = 'past_due';
    state.emit('customer.subscription.updated', sub, meta, previous);
  }
}

export function endSubscription(
  state: SandboxState,
  sub: StripeObject,
  meta: RequestMeta,
  reason: 'cancellation_requested' | 'payment_failed' | 'payment_disputed',
): void {
  const now = state.now();
  sub.status = 'canceled';
  sub.canceled_at = sub.canceled_at ?? now;
  sub.ended_at = now;
  sub.cancellation_details = { comment: null, feedback: null, reason };
  for (const inv of state.store.newestFirst('invoice')) {
    if (inv.subscription === sub.id && inv.status === 'open') {
      inv.next_payment_attempt = null;
    }
  }
  state.emit('customer.subscription.deleted', sub, meta);
}

/** Keeps invoices in step with the payment intents that pay them. */
export function installInvoicePaymentHook(state: SandboxState): void {
  state.paymentHooks.push((pi, outcome, meta) => {
    const invoiceId = invoiceMap(state).get(pi.id);
    const invoice = invoiceId ? state.store.find(invoiceId) : undefined;
    if (!invoice || invoice.status !== 'open') return;
    if (outcome === 'succeeded') {
      invoice.attempt_count = (invoice.attempt_count as number) + 1;
      markPaid(state, invoice, meta);
    } else {
      recordFailure(state, invoice, meta);
    }
  });
}
