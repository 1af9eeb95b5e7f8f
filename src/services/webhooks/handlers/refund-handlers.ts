import { Refund } from '../../../models';
import { refundRank, shouldApply } from '../ordering';
import { newId } from '../../ids';
import { dateOf, idOf, num, obj, str, type StripeObject } from '../stripe-object';
import { objectOf, type EventHandler, type HandlerContext } from './handler-context';
import { findPaymentByIntent, paymentIdOfCharge, refreshPaymentTotals } from './payment-links';

async function paymentIdOf(ctx: HandlerContext, refund: StripeObject): Promise<string | null> {
  const payment = await findPaymentByIntent(ctx, idOf(refund, 'payment_intent'));
  return payment?.id ?? (await paymentIdOfCharge(ctx, idOf(refund, 'charge')));
}

/** Status of a refund this service is still submitting to Stripe; its own settlement ends it. */
const SUBMITTING = 'submitting';

/**
 * A refund made through this service carries its local id in `metadata.refund_id`. Its event
 * can beat the commit that records Stripe's id on the row, so the row is found by that id and
 * given the Stripe id here, rather than a second row being made for the same refund.
 */
async function adoptOwnRefund(ctx: HandlerContext, refund: StripeObject): Promise<Refund | null> {
  const localId = str(obj(refund, 'metadata') ?? {}, 'refund_id');
  if (!localId) return null;
  const { transaction } = ctx;
  const own = await Refund.findByPk(localId, { transaction, lock: transaction.LOCK.UPDATE });
  if (!own || own.stripeRefundId !== null) return null;
  await own.update(
    { stripeRefundId: str(refund, 'id'), stripeChargeId: idOf(refund, 'charge') },
    { transaction },
  );
  return own;
}

/**
 * Applies a refund's state; a refund made outside the service (the dashboard) is created here,
 * tied to its charge and, when stored, its payment.
 */
export async function applyRefund(
  ctx: HandlerContext,
  refund: StripeObject,
  at: number,
): Promise<Refund> {
  const stripeRefundId = str(refund, 'id')!;
  const fields: Partial<Refund> = {
    stripeChargeId: idOf(refund, 'charge'),
    amount: num(refund, 'amount') ?? 0,
    currency: (str(refund, 'currency') ?? '').toLowerCase(),
    status: str(refund, 'status') ?? 'pending',
    reason: str(refund, 'reason'),
    failureReason: str(refund, 'failure_reason'),
    stripeCreatedAt: dateOf(num(refund, 'created')),
  };
  const paymentId = await paymentIdOf(ctx, refund);
  let stored =
    (await Refund.findOne({
      where: { stripeRefundId },
      transaction: ctx.transaction,
      lock: ctx.transaction.LOCK.UPDATE,
    })) ?? (await adoptOwnRefund(ctx, refund));
  if (stored?.status === SUBMITTING) {
    // The refund service's settlement applies Stripe's answer and releases the reservation;
    // a later refund event finds the settled row and applies from there.
    return stored;
  }
  if (!stored) {
    stored = await Refund.create(
      { id: newId('rfd'), stripeRefundId, ...fields, paymentId, stripeEventAt: at },
      { transaction: ctx.transaction },
    );
  } else if (
    shouldApply(
      { stripeEventAt: stored.stripeEventAt, rank: refundRank(stored.status) },
      { at, rank: refundRank(fields.status!) },
    )
  ) {
    await stored.update(
      { ...fields, paymentId: stored.paymentId ?? paymentId, stripeEventAt: at },
      { transaction: ctx.transaction },
    );
  }
  return stored;
}

const onRefund: EventHandler = async (ctx) => {
  const refund = await applyRefund(ctx, objectOf(ctx), ctx.at);
  if (refund.paymentId) await refreshPaymentTotals(ctx, refund.paymentId);
};

export const refundHandlers: Record<string, EventHandler> = {
  'refund.created': onRefund,
  'refund.updated': onRefund,
  'refund.failed': onRefund,
  'charge.refund.updated': onRefund,
};
