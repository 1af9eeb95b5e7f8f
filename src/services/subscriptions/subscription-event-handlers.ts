import type { Sequelize, Transaction } from 'sequelize';
import { Subscription } from '../../models';
import { logger } from '../../utils/logger';
import { readInvoice, type InvoiceSnapshot } from './invoice-snapshot';
import { enqueueSubscriptionNotification } from './subscription-notifications';
import {
  applyInvoiceState,
  applySubscriptionState,
  ensureSubscription,
  type InvoiceEventKind,
} from './subscription-store';
import { readSubscription, type StripeFields } from './subscription-snapshot';

/**
 * What a billing event handler gets from the webhook worker: the event, and the transaction
 * every write of it must use (the same shape as the worker's handler context).
 */
export interface BillingEventContext {
  sequelize: Sequelize;
  transaction: Transaction;
  event: { id: string; type: string; created: number; data: { object: StripeFields } };
  /** The event's `created` second: the time of the state it carries. */
  at: number;
}

export type BillingEventHandler = (ctx: BillingEventContext) => Promise<void>;

const onSubscriptionState: BillingEventHandler = async (ctx) => {
  const snapshot = readSubscription(ctx.event.data.object);
  const { row, applied } = await applySubscriptionState(snapshot, ctx.at, ctx.transaction);
  logger.debug('subscription event applied', {
    eventId: ctx.event.id,
    stripeSubscriptionId: row.stripeSubscriptionId,
    applied,
    status: row.status,
  });
};

/** Trial ends in three days: the storefront should ask for a payment method if none is set. */
const onTrialWillEnd: BillingEventHandler = async (ctx) => {
  await onSubscriptionState(ctx);
  const snapshot = readSubscription(ctx.event.data.object);
  const row = await findSubscription(ctx, snapshot.stripeSubscriptionId);
  if (!row) return;
  await row.update(
    { trialWillEndAt: Math.max(row.trialWillEndAt ?? 0, ctx.at) },
    { transaction: ctx.transaction },
  );
  await enqueueSubscriptionNotification(
    ctx.sequelize,
    {
      type: 'subscription.trial_will_end',
      dedupeKey: `${snapshot.stripeSubscriptionId}:trial_will_end:${snapshot.trialEnd ?? 0}`,
      subscription: row,
    },
    ctx.transaction,
  );
};

function findSubscription(
  ctx: BillingEventContext,
  stripeSubscriptionId: string | null,
): Promise<Subscription | null> {
  if (!stripeSubscriptionId) return Promise.resolve(null);
  return Subscription.findOne({
    where: { stripeSubscriptionId },
    transaction: ctx.transaction,
  });
}

/**
 * An invoice state. Invoices outside subscriptions (one-off invoices) are not this feature's
 * and are left alone. A failed collection or one needing the customer's authentication
 * notifies the storefront once per attempt, unless the invoice is already settled.
 */
function invoiceHandler(kind: InvoiceEventKind): BillingEventHandler {
  return async (ctx) => {
    const snapshot = readInvoice(ctx.event.data.object);
    if (!snapshot.stripeInvoiceId || !snapshot.stripeSubscriptionId) return;
    const invoice = await applyInvoiceState(
      snapshot as InvoiceSnapshot & { stripeInvoiceId: string },
      ctx.at,
      kind,
      ctx.transaction,
    );
    if (kind !== 'payment_failed' && kind !== 'action_required') return;
    if (invoice.status === 'paid' || invoice.status === 'void' || !snapshot.stripeCustomerId)
      return;
    const subscription = await ensureSubscription(
      snapshot.stripeSubscriptionId,
      snapshot.stripeCustomerId,
      ctx.transaction,
    );
    const type =
      kind === 'payment_failed'
        ? 'subscription.payment_failed'
        : 'subscription.payment_action_required';
    await enqueueSubscriptionNotification(
      ctx.sequelize,
      {
        type,
        dedupeKey: `${snapshot.stripeInvoiceId}:${kind}:${snapshot.attemptCount}`,
        subscription,
        invoice,
      },
      ctx.transaction,
    );
  };
}

/**
 * `invoice.upcoming` carries a preview invoice (no id) a few days before a renewal: what the
 * next charge will be and when. It is kept on the subscription, newest preview winning.
 */
const onInvoiceUpcoming: BillingEventHandler = async (ctx) => {
  const snapshot = readInvoice(ctx.event.data.object);
  const row = await findSubscription(ctx, snapshot.stripeSubscriptionId);
  if (!row) return;
  const at = snapshot.nextPaymentAttempt ?? snapshot.periodEnd;
  const known = row.upcomingInvoice;
  if (known && known.at !== null && at !== null && known.at > at) return;
  await row.update(
    { upcomingInvoice: { amount_due: snapshot.amountDue, currency: snapshot.currency, at } },
    { transaction: ctx.transaction },
  );
};

/** Event type → handler for the subscription and invoice families. */
export const subscriptionEventHandlers: Readonly<Record<string, BillingEventHandler>> =
  Object.freeze({
    'customer.subscription.created': onSubscriptionState,
    'customer.subscription.updated': onSubscriptionState,
    'customer.subscription.deleted': onSubscriptionState,
    'customer.subscription.paused': onSubscriptionState,
    'customer.subscription.resumed': onSubscriptionState,
    'customer.subscription.pending_update_applied': onSubscriptionState,
    'customer.subscription.pending_update_expired': onSubscriptionState,
    'customer.subscription.trial_will_end': onTrialWillEnd,
    'invoice.created': invoiceHandler('state'),
    'invoice.finalized': invoiceHandler('state'),
    'invoice.updated': invoiceHandler('state'),
    'invoice.voided': invoiceHandler('state'),
    'invoice.marked_uncollectible': invoiceHandler('state'),
    'invoice.paid': invoiceHandler('paid'),
    'invoice.payment_succeeded': invoiceHandler('paid'),
    'invoice.payment_failed': invoiceHandler('payment_failed'),
    'invoice.payment_action_required': invoiceHandler('action_required'),
    'invoice.upcoming': onInvoiceUpcoming,
  });
