import { Customer, Payment } from '../../../models';
import type { PaymentStatus } from '../../../models/payment';
import {
  enqueueNotification,
  type NotificationType,
} from '../../notifications/notification-outbox';
import { newId } from '../../ids';
import { canMove } from '../../payment-status';
import { paymentIntentRank, shouldApply } from '../ordering';
import { dateOf, idOf, listData, num, obj, str, type StripeObject } from '../stripe-object';
import { applyCharge } from './charge-handlers';
import { objectOf, type EventHandler, type HandlerContext } from './handler-context';
import { findPaymentByIntent, linkOrphans, refreshPaymentTotals } from './payment-links';

async function localCustomerId(ctx: HandlerContext, pi: StripeObject): Promise<string | null> {
  const stripeCustomerId = idOf(pi, 'customer');
  if (!stripeCustomerId) return null;
  const customer = await Customer.findOne({
    where: { stripeCustomerId },
    attributes: ['id'],
    transaction: ctx.transaction,
  });
  return customer?.id ?? null;
}

/**
 * The latest charge of a payment intent in either API shape: `latest_charge` (2022-11-15 and
 * later) or the first of `charges.data` (older versions list charges newest first).
 */
function latestChargeId(pi: StripeObject): string | null {
  return idOf(pi, 'latest_charge') ?? str(listData(pi, 'charges')[0] ?? {}, 'id');
}

async function paymentFields(ctx: HandlerContext, pi: StripeObject): Promise<Partial<Payment>> {
  const status = str(pi, 'status') as PaymentStatus;
  return {
    status,
    amount: num(pi, 'amount') ?? 0,
    currency: (str(pi, 'currency') ?? '').toLowerCase(),
    captureMethod: str(pi, 'capture_method') ?? 'automatic',
    amountCapturable: num(pi, 'amount_capturable') ?? 0,
    amountReceived: num(pi, 'amount_received') ?? 0,
    latestChargeId: latestChargeId(pi),
    paymentMethod: idOf(pi, 'payment_method'),
    stripeCustomerId: idOf(pi, 'customer'),
    customerId: await localCustomerId(ctx, pi),
    description: str(pi, 'description'),
    metadata: (obj(pi, 'metadata') ?? {}) as Record<string, string>,
    lastPaymentError: obj(pi, 'last_payment_error'),
    canceledAt: dateOf(num(pi, 'canceled_at')),
    stripeCreatedAt: dateOf(num(pi, 'created')),
  };
}

/** The notification a change of a payment warrants, if any. */
function notificationFor(
  before: { status: string | null; lastPaymentError: unknown },
  after: Payment,
  eventId: string,
): { type: NotificationType; dedupeKey: string } | undefined {
  if (after.status !== before.status && after.status === 'succeeded') {
    return { type: 'payment.succeeded', dedupeKey: `payment.succeeded:${after.id}` };
  }
  if (after.status !== before.status && after.status === 'canceled') {
    return { type: 'payment.canceled', dedupeKey: `payment.canceled:${after.id}` };
  }
  const error = after.lastPaymentError;
  if (error && JSON.stringify(error) !== JSON.stringify(before.lastPaymentError)) {
    // Each failed attempt is its own charge; the event id stands in when there is none.
    const attempt = idOf(error, 'charge') ?? eventId;
    return { type: 'payment.failed', dedupeKey: `payment.failed:${after.id}:${attempt}` };
  }
  return undefined;
}

/**
 * Applies a payment intent's state: creates the payment when it is not stored yet (the webhook
 * beat the API call's commit, or the intent was made elsewhere), updates it when the state is
 * newer, and leaves it alone when the event is older than what is stored.
 */
export async function applyPaymentIntent(
  ctx: HandlerContext,
  pi: StripeObject,
  at: number,
): Promise<Payment> {
  const stripePaymentIntentId = str(pi, 'id')!;
  const fields = await paymentFields(ctx, pi);
  const rank = paymentIntentRank(fields.status!);
  let payment = await findPaymentByIntent(ctx, stripePaymentIntentId);
  const before = { status: payment?.status ?? null, lastPaymentError: payment?.lastPaymentError };
  if (!payment) {
    payment = await Payment.create(
      { id: newId('pay'), stripePaymentIntentId, ...fields, stripeEventAt: at },
      { transaction: ctx.transaction },
    );
  } else if (
    shouldApply(
      { stripeEventAt: payment.stripeEventAt, rank: paymentIntentRank(payment.status) },
      { at, rank },
    ) &&
    // The API applies Stripe's answers without an event time; the state machine keeps an
    // event that is newer than the stamp but older than that answer from moving it back.
    canMove(payment.status, fields.status!)
  ) {
    await payment.update({ ...fields, stripeEventAt: at }, { transaction: ctx.transaction });
  } else {
    return payment;
  }
  if (payment.status === 'succeeded' && !payment.succeededAt) {
    await payment.update({ succeededAt: new Date(at * 1000) }, { transaction: ctx.transaction });
  }
  await linkOrphans(ctx, payment);
  const notification = notificationFor(before, payment, ctx.event.id);
  if (notification)
    await enqueueNotification(ctx.sequelize, { ...notification, payment }, ctx.transaction);
  return payment;
}

const onPaymentIntent: EventHandler = async (ctx) => {
  const pi = objectOf(ctx);
  const payment = await applyPaymentIntent(ctx, pi, ctx.at);
  // Older API versions embed the intent's charges; apply them like charge events.
  for (const charge of listData(pi, 'charges')) await applyCharge(ctx, charge, ctx.at);
  await refreshPaymentTotals(ctx, payment.id);
};

export const paymentIntentHandlers: Record<string, EventHandler> = Object.fromEntries(
  [
    'created',
    'processing',
    'requires_action',
    'amount_capturable_updated',
    'succeeded',
    'payment_failed',
    'canceled',
    'partially_funded',
  ].map((suffix) => [`payment_intent.${suffix}`, onPaymentIntent]),
);
