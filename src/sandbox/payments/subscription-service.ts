import { newId } from '../core/ids';
import { BACKGROUND, changedFields, type RequestMeta } from '../events/event-log';
import { attemptPayment, createInvoice, endSubscription, type LineInput } from './invoice-service';
import type { SandboxState } from '../core/state';
import type { StripeObject } from '../core/store';

const DAY = 24 * 60 * 60;
/** Stripe sends trial_will_end three days before a trial ends. */
const TRIAL_NOTICE = 3 * DAY;
/** An incomplete subscription whose first invoice stays unpaid expires after 23 hours. */
const INCOMPLETE_TTL = 23 * 60 * 60;
/** Trialing subscriptions whose trial_will_end event went out. */
const TRIAL_NOTICE_SENT = new WeakSet<object>();

/** Marks the trial notice as sent (a trial shorter than the notice gets it at once). */
export function trialNoticeSent(sub: StripeObject): void {
  TRIAL_NOTICE_SENT.add(sub);
}

/** Adds `count` intervals to a Unix time, by calendar (months keep their day, clamped). */
export function addInterval(ts: number, interval: string, count: number): number {
  const d = new Date(ts * 1000);
  if (interval === 'day') return ts + count * DAY;
  if (interval === 'week') return ts + count * 7 * DAY;
  const months = interval === 'year' ? 12 * count : count;
  const day = d.getUTCDate();
  const target = new Date(d.getTime());
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() + months);
  const lastDay = new Date(
    Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0),
  ).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return Math.floor(target.getTime() / 1000);
}

type Item = StripeObject & { price: StripeObject; quantity: number };

export function itemsOf(sub: StripeObject): Item[] {
  return (sub.items as { data: Item[] }).data;
}

export function periodEnd(sub: StripeObject): number {
  return itemsOf(sub)[0].current_period_end as number;
}

export function setPeriod(sub: StripeObject, start: number): void {
  for (const item of itemsOf(sub)) {
    const r = item.price.recurring as { interval: string; interval_count: number };
    item.current_period_start = start;
    item.current_period_end = addInterval(start, r.interval, r.interval_count);
  }
}

/** Invoice lines for the period that starts now, plus the subscription's pending items. */
export function periodLines(state: SandboxState, sub: StripeObject): LineInput[] {
  const lines: LineInput[] = itemsOf(sub).map((item) => ({
    amount: (item.price.unit_amount as number) * item.quantity,
    description: `${item.quantity} × ${String(productName(state, item.price))}`,
    period: { start: item.current_period_start as number, end: item.current_period_end as number },
    quantity: item.quantity,
    price: item.price,
    subscriptionItem: item.id,
  }));
  for (const ii of state.store.newestFirst('invoiceitem')) {
    if (subscriptionOfItem(ii) === sub.id && !ii.invoice) {
      lines.push({
        amount: ii.amount as number,
        description: ii.description as string,
        period: ii.period as { start: number; end: number },
        quantity: 1,
        invoiceItem: ii,
        proration: !!ii.proration,
      });
    }
  }
  return lines;
}

export function productName(state: SandboxState, price: StripeObject): string {
  return (state.store.find(price.product as string)?.name as string | undefined) ?? 'item';
}

/** Bills a new period: invoice created, finalized, and (when automatic) paid off-session. */
export function billPeriod(
  state: SandboxState,
  sub: StripeObject,
  reason: string,
  meta: RequestMeta,
): StripeObject {
  const customer = state.store.get('customer', sub.customer as string);
  const invoice = createInvoice(
    state,
    {
      customer,
      currency: sub.currency as string,
      lines: periodLines(state, sub),
      billingReason: reason,
      subscription: sub,
      collectionMethod: sub.collection_method as string,
      daysUntilDue: sub.days_until_due as number | null,
    },
    meta,
  );
  sub.latest_invoice = invoice.id;
  if (sub.collection_method === 'charge_automatically') attemptPayment(state, invoice, meta);
  else if (invoice.status === 'draft') {
    invoice.status = 'open';
    state.emit('invoice.finalized', invoice, meta);
  }
  return invoice;
}

interface DueWork {
  at: number;
  run: () => void;
}

/** The earliest piece of billing work that fell due, if any. */
function nextDue(state: SandboxState, now: number): DueWork | null {
  let best: DueWork | null = null;
  const consider = (at: number, run: () => void) => {
    if (at <= now && (!best || at < best.at)) best = { at, run };
  };
  for (const inv of state.store.newestFirst('invoice')) {
    const at = inv.next_payment_attempt as number | null;
    if (inv.status === 'open' && at !== null) {
      consider(at, () => {
        inv.next_payment_attempt = null;
        attemptPayment(state, inv, BACKGROUND);
      });
    }
  }
  for (const sub of state.store.newestFirst('subscription'))
    considerSubscription(state, sub, consider);
  return best;
}

function considerSubscription(
  state: SandboxState,
  sub: StripeObject,
  consider: (at: number, run: () => void) => void,
): void {
  const status = sub.status as string;
  if (status === 'incomplete') {
    consider((sub.created as number) + INCOMPLETE_TTL, () => expireIncomplete(state, sub));
    return;
  }
  if (status === 'trialing') {
    const trialEnd = sub.trial_end as number;
    if (!TRIAL_NOTICE_SENT.has(sub)) {
      consider(trialEnd - TRIAL_NOTICE, () => {
        TRIAL_NOTICE_SENT.add(sub);
        state.emit('customer.subscription.trial_will_end', sub, BACKGROUND);
      });
    }
    consider(trialEnd, () => renew(state, sub, trialEnd));
    return;
  }
  // Limitation: `unpaid` and `paused` subscriptions stop billing, because the sandbox creates
  // no invoices for them; Stripe keeps drafting invoices for `unpaid` ones, which tracking
  // un-attempted invoices per period would reproduce.
  if (status !== 'active' && status !== 'past_due') return;
  if (sub.cancel_at) consider(sub.cancel_at as number, () => cancelNow(state, sub));
  const end = periodEnd(sub);
  consider(end, () => (sub.cancel_at_period_end ? cancelNow(state, sub) : renew(state, sub, end)));
}

function expireIncomplete(state: SandboxState, sub: StripeObject): void {
  const previous = { status: sub.status };
  sub.status = 'incomplete_expired';
  sub.ended_at = state.now();
  const invoice = sub.latest_invoice ? state.store.find(sub.latest_invoice as string) : null;
  if (invoice && invoice.status === 'open') {
    invoice.status = 'void';
    (invoice.status_transitions as Record<string, number>).voided_at = state.now();
    state.emit('invoice.voided', invoice, BACKGROUND);
  }
  state.emit('customer.subscription.updated', sub, BACKGROUND, previous);
}

function cancelNow(state: SandboxState, sub: StripeObject): void {
  endSubscription(state, sub, BACKGROUND, 'cancellation_requested');
}

/** Starts the next period at `start` and bills it; a trial that ends becomes active first. */
function renew(state: SandboxState, sub: StripeObject, start: number): void {
  const before = structuredClone(sub);
  if (sub.status === 'trialing') {
    const behavior = (sub.trial_settings as { end_behavior: { missing_payment_method: string } })
      .end_behavior.missing_payment_method;
    if (!hasPaymentMethod(state, sub) && behavior !== 'create_invoice') {
      if (behavior === 'cancel')
        return endSubscription(state, sub, BACKGROUND, 'cancellation_requested');
      sub.status = 'paused';
      sub.pause_collection = null;
      state.emit('customer.subscription.paused', sub, BACKGROUND);
      return;
    }
    sub.status = 'active';
  }
  setPeriod(sub, start);
  state.emit('customer.subscription.updated', sub, BACKGROUND, changedFields(before, sub));
  billPeriod(state, sub, 'subscription_cycle', BACKGROUND);
}

export function hasPaymentMethod(state: SandboxState, sub: StripeObject): boolean {
  if (sub.default_payment_method) return true;
  const customer = state.store.find(sub.customer as string);
  return !!(customer?.invoice_settings as { default_payment_method?: string })
    ?.default_payment_method;
}

/** Runs billing work due by now, earliest first, each stamped with the time it fell due. */
export function installBillingClock(state: SandboxState): void {
  state.tickers.push(() => {
    const now = state.now();
    for (let i = 0; i < 100000; i++) {
      const work = nextDue(state, now);
      if (!work) return;
      state.clock.at(work.at, work.run);
    }
  });
}

export function newSubscriptionItem(
  state: SandboxState,
  subId: string,
  price: StripeObject,
  quantity: number,
  metadata: Record<string, string> = {},
): StripeObject {
  return {
    id: newId('si').slice(0, 17),
    object: 'subscription_item',
    billing_thresholds: null,
    created: state.now(),
    current_period_end: 0,
    current_trial: null,
    current_period_start: 0,
    discounts: [],
    metadata,
    plan: planOf(price),
    price,
    quantity,
    subscription: subId,
    tax_rates: [],
  };
}

/** The legacy `plan` view of a recurring price, still present on subscription items. */
function planOf(price: StripeObject) {
  const r = price.recurring as { interval: string; interval_count: number; usage_type: string };
  return {
    id: price.id,
    object: 'plan',
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: 'per_unit',
    created: price.created,
    currency: price.currency,
    interval: r.interval,
    interval_count: r.interval_count,
    livemode: false,
    metadata: price.metadata,
    meter: null,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: null,
    usage_type: r.usage_type,
  };
}

/** The subscription a pending invoice item belongs to, if any. */
export function subscriptionOfItem(ii: StripeObject): string | null {
  const parent = ii.parent as { subscription_details?: { subscription: string } } | null;
  return parent?.subscription_details?.subscription ?? null;
}
