import type { SubscriptionStatus } from '../../models/subscription';

/** A Stripe object as it arrives in an event or an API answer, read field by field. */
export type StripeFields = Record<string, unknown>;

const text = (o: StripeFields | null | undefined, key: string): string | null => {
  const v = o?.[key];
  return typeof v === 'string' ? v : null;
};
const int = (o: StripeFields | null | undefined, key: string): number | null => {
  const v = o?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};
const child = (o: StripeFields | null | undefined, key: string): StripeFields | null => {
  const v = o?.[key];
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as StripeFields) : null;
};
/** The id of a field that is either an id or an expanded object. */
export const idOf = (o: StripeFields | null | undefined, key: string): string | null => {
  const v = o?.[key];
  if (typeof v === 'string') return v;
  return text(child(o, key), 'id');
};

export { child, int, text };

/**
 * How far along its life a subscription state is, used only to order two states stamped with
 * the same second. Stripe emits several events in one second (created then updated when the
 * first payment succeeds; a renewal and its failure), so the later state must win the tie:
 * a newer period beats an older one, then the status further along its life wins.
 */
const STATUS_RANK: Record<SubscriptionStatus, number> = {
  incomplete: 0,
  trialing: 1,
  active: 2,
  paused: 3,
  past_due: 4,
  unpaid: 5,
  incomplete_expired: 6,
  canceled: 7,
};

/** The subscription fields the service keeps, read from a Stripe subscription object. */
export interface SubscriptionSnapshot {
  stripeSubscriptionId: string;
  stripeCustomerId: string;
  status: SubscriptionStatus;
  stripePriceId: string | null;
  quantity: number;
  currency: string | null;
  unitAmount: number | null;
  currentPeriodStart: number | null;
  currentPeriodEnd: number | null;
  trialStart: number | null;
  trialEnd: number | null;
  cancelAtPeriodEnd: boolean;
  cancelAt: number | null;
  canceledAt: number | null;
  endedAt: number | null;
  pauseCollection: { behavior: string; resumes_at: number | null } | null;
  latestInvoiceId: string | null;
  defaultPaymentMethod: string | null;
  metadata: Record<string, string>;
}

// Limitation: only the first subscription item is kept (price, quantity, period), because the
// catalogue sells one price per subscription; multi-item subscriptions would need an items table.
function firstItem(subscription: StripeFields): StripeFields | null {
  const data = child(subscription, 'items')?.data;
  return Array.isArray(data) && data[0] && typeof data[0] === 'object'
    ? (data[0] as StripeFields)
    : null;
}

function pauseOf(subscription: StripeFields): SubscriptionSnapshot['pauseCollection'] {
  const pause = child(subscription, 'pause_collection');
  const behavior = text(pause, 'behavior');
  return behavior ? { behavior, resumes_at: int(pause, 'resumes_at') } : null;
}

/**
 * Reads a subscription. The billing period sits on the subscription item in current API
 * versions and on the subscription itself in older ones; both are read, the item first.
 */
export function readSubscription(subscription: StripeFields): SubscriptionSnapshot {
  const item = firstItem(subscription);
  const price = child(item, 'price');
  const metadata = child(subscription, 'metadata') ?? {};
  return {
    stripeSubscriptionId: text(subscription, 'id')!,
    stripeCustomerId: idOf(subscription, 'customer')!,
    status: (text(subscription, 'status') ?? 'incomplete') as SubscriptionStatus,
    stripePriceId: idOf(item, 'price'),
    quantity: int(item, 'quantity') ?? 1,
    currency: text(price, 'currency') ?? text(subscription, 'currency'),
    unitAmount: int(price, 'unit_amount'),
    currentPeriodStart:
      int(item, 'current_period_start') ?? int(subscription, 'current_period_start'),
    currentPeriodEnd: int(item, 'current_period_end') ?? int(subscription, 'current_period_end'),
    trialStart: int(subscription, 'trial_start'),
    trialEnd: int(subscription, 'trial_end'),
    cancelAtPeriodEnd: subscription.cancel_at_period_end === true,
    cancelAt: int(subscription, 'cancel_at'),
    canceledAt: int(subscription, 'canceled_at'),
    endedAt: int(subscription, 'ended_at'),
    pauseCollection: pauseOf(subscription),
    latestInvoiceId: idOf(subscription, 'latest_invoice'),
    defaultPaymentMethod: idOf(subscription, 'default_payment_method'),
    metadata: metadata as Record<string, string>,
  };
}

/** The same-second tie-break of a subscription state (see STATUS_RANK). */
export function subscriptionRank(snapshot: SubscriptionSnapshot): number {
  // Periods are counted in days from a fixed 2017 epoch so the rank stays a small integer.
  const periodDays = Math.max(0, Math.floor(((snapshot.currentPeriodStart ?? 0) - 1.5e9) / 86400));
  return periodDays * 10 + STATUS_RANK[snapshot.status];
}

/**
 * The ordering guard: a state applies when it is from a later second, or from the same second
 * and at least as far along. An older event therefore never overwrites newer state, and a
 * duplicate re-applies the same values.
 */
// Limitation: two states of one subscription stamped with the same second and the same rank
// (cancel_at_period_end set then unset within one second) apply in arrival order, because
// Stripe's events carry no finer clock; refetching the subscription from Stripe when such a
// tie meets different values would settle it.
export function isNewer(
  stored: { stripeEventAt: number; stripeRank: number },
  incoming: { at: number; rank: number },
): boolean {
  if (incoming.at !== stored.stripeEventAt) return incoming.at > stored.stripeEventAt;
  return incoming.rank >= stored.stripeRank;
}
