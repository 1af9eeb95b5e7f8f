import { randomBytes } from 'node:crypto';
import type { Transaction } from 'sequelize';
import { Customer, Subscription, SubscriptionInvoice } from '../../models';
import { invoiceRank, type InvoiceSnapshot } from './invoice-snapshot';
import { isNewer, subscriptionRank, type SubscriptionSnapshot } from './subscription-snapshot';

/** The service's own subscription id: `subs_` and 24 random characters. */
export function newSubscriptionId(): string {
  let out = '';
  while (out.length < 24) out += randomBytes(24).toString('base64url').replace(/[-_]/g, '');
  return `subs_${out.slice(0, 24)}`;
}

function snapshotFields(snapshot: SubscriptionSnapshot): Partial<Subscription> {
  const { stripeSubscriptionId: _id, stripeCustomerId: _customer, ...fields } = snapshot;
  return fields;
}

/**
 * The local row of a Stripe subscription, locked for the transaction; created from the
 * snapshot when the service has not seen it yet (an event may arrive before the API answer
 * that created it, or for a subscription made in the Stripe dashboard). The owner is the
 * customer's owner, so a storefront sees subscriptions of its own customers only.
 */
async function lockOrCreate(
  snapshot: SubscriptionSnapshot,
  transaction: Transaction,
): Promise<{ row: Subscription; created: boolean }> {
  const where = { stripeSubscriptionId: snapshot.stripeSubscriptionId };
  const found = await Subscription.findOne({ where, transaction, lock: transaction.LOCK.UPDATE });
  if (found) return { row: found, created: false };
  const customer = await Customer.findOne({
    where: { stripeCustomerId: snapshot.stripeCustomerId },
    transaction,
  });
  await Subscription.bulkCreate(
    [
      {
        id: newSubscriptionId(),
        ownerId: customer?.ownerId ?? null,
        customerId: customer?.id ?? null,
        stripeSubscriptionId: snapshot.stripeSubscriptionId,
        stripeCustomerId: snapshot.stripeCustomerId,
        ...snapshotFields(snapshot),
        stripeEventAt: 0,
        stripeRank: 0,
      },
    ],
    { transaction, ignoreDuplicates: true },
  );
  const row = await Subscription.findOne({ where, transaction, lock: transaction.LOCK.UPDATE });
  return { row: row!, created: true };
}

/**
 * Applies a subscription state stamped `at` (the event's `created` second) unless the row
 * already holds a newer one. Returns the row and whether this state was applied.
 */
export async function applySubscriptionState(
  snapshot: SubscriptionSnapshot,
  at: number,
  transaction: Transaction,
): Promise<{ row: Subscription; applied: boolean }> {
  const { row } = await lockOrCreate(snapshot, transaction);
  const rank = subscriptionRank(snapshot);
  if (!isNewer(row, { at, rank })) return { row, applied: false };
  await row.update(
    { ...snapshotFields(snapshot), stripeEventAt: at, stripeRank: rank },
    { transaction },
  );
  return { row, applied: true };
}

/**
 * Records what an API answer said about a subscription. The answer is the newest state at the
 * moment of the call, so it is written at once, but it claims no event time: the stamp stays,
 * and the events of the same change (stamped at or after it) still apply over it.
 */
export async function recordApiState(
  snapshot: SubscriptionSnapshot,
  transaction: Transaction,
  owner: { ownerId: string; customerId: string },
): Promise<Subscription> {
  const { row } = await lockOrCreate(snapshot, transaction);
  const updates: Partial<Subscription> = snapshotFields(snapshot);
  if (row.ownerId === null) updates.ownerId = owner.ownerId;
  if (row.customerId === null && owner.customerId) updates.customerId = owner.customerId;
  await row.update(updates, { transaction });
  return row;
}

export type InvoiceEventKind = 'state' | 'payment_failed' | 'action_required' | 'paid';

/**
 * Applies an invoice state. The flags dunning shows are merged so that any order of the same
 * events gives the same row: `actionRequired` is set by a payment_action_required event and
 * cleared once the invoice is paid; `lastFailureAt` keeps the latest failure seen.
 */
export async function applyInvoiceState(
  snapshot: InvoiceSnapshot & { stripeInvoiceId: string },
  at: number,
  kind: InvoiceEventKind,
  transaction: Transaction,
): Promise<SubscriptionInvoice> {
  await SubscriptionInvoice.bulkCreate(
    [{ ...snapshot, stripeCreated: snapshot.created, stripeEventAt: 0, stripeRank: 0 }],
    { transaction, ignoreDuplicates: true },
  );
  const row = (await SubscriptionInvoice.findByPk(snapshot.stripeInvoiceId, {
    transaction,
    lock: transaction.LOCK.UPDATE,
  }))!;
  const rank = invoiceRank(snapshot);
  const updates: Partial<SubscriptionInvoice> = {};
  if (isNewer(row, { at, rank })) {
    const { stripeInvoiceId: _id, created, ...fields } = snapshot;
    Object.assign(updates, fields, { stripeCreated: created, stripeEventAt: at, stripeRank: rank });
  }
  const status = updates.status ?? row.status;
  if (kind === 'payment_failed') {
    updates.lastFailureAt = Math.max(row.lastFailureAt ?? 0, at);
  }
  updates.actionRequired = status !== 'paid' && (row.actionRequired || kind === 'action_required');
  await row.update(updates, { transaction });
  return row;
}

/**
 * The row of a subscription an invoice event names, created as a placeholder when its own
 * events have not arrived yet: status `incomplete` (no access) with the stamp 0, so the first
 * subscription event overwrites it whatever its time.
 */
export async function ensureSubscription(
  stripeSubscriptionId: string,
  stripeCustomerId: string,
  transaction: Transaction,
): Promise<Subscription> {
  const placeholder: SubscriptionSnapshot = {
    stripeSubscriptionId,
    stripeCustomerId,
    status: 'incomplete',
    stripePriceId: null,
    quantity: 1,
    currency: null,
    unitAmount: null,
    currentPeriodStart: null,
    currentPeriodEnd: null,
    trialStart: null,
    trialEnd: null,
    cancelAtPeriodEnd: false,
    cancelAt: null,
    canceledAt: null,
    endedAt: null,
    pauseCollection: null,
    latestInvoiceId: null,
    defaultPaymentMethod: null,
    metadata: {},
  };
  return (await lockOrCreate(placeholder, transaction)).row;
}
