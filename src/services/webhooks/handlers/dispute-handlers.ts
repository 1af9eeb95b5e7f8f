import { Charge, Dispute } from '../../../models';
import { disputeRank, shouldApply } from '../ordering';
import { dateOf, idOf, num, obj, str, type StripeObject } from '../stripe-object';
import { objectOf, type EventHandler, type HandlerContext } from './handler-context';
import { findPaymentByIntent, paymentIdOfCharge, refreshPaymentTotals } from './payment-links';

function disputeFields(dispute: StripeObject): Partial<Dispute> {
  return {
    stripeChargeId: idOf(dispute, 'charge') ?? '',
    amount: num(dispute, 'amount') ?? 0,
    currency: (str(dispute, 'currency') ?? '').toLowerCase(),
    status: str(dispute, 'status') ?? 'needs_response',
    reason: str(dispute, 'reason'),
    evidenceDueBy: dateOf(num(obj(dispute, 'evidence_details') ?? {}, 'due_by')),
    stripeCreatedAt: dateOf(num(dispute, 'created')),
  };
}

/** Applies a dispute's state, tied to its charge and payment (when those are stored). */
async function applyDispute(
  ctx: HandlerContext,
  dispute: StripeObject,
  at: number,
): Promise<Dispute> {
  const stripeDisputeId = str(dispute, 'id')!;
  const fields = disputeFields(dispute);
  const payment = await findPaymentByIntent(ctx, idOf(dispute, 'payment_intent'));
  const paymentId = payment?.id ?? (await paymentIdOfCharge(ctx, fields.stripeChargeId!));
  const { transaction } = ctx;
  let stored = await Dispute.findByPk(stripeDisputeId, {
    transaction,
    lock: transaction.LOCK.UPDATE,
  });
  if (!stored) {
    stored = await Dispute.create(
      { stripeDisputeId, ...fields, paymentId, stripeEventAt: at },
      { transaction },
    );
  } else if (
    shouldApply(
      { stripeEventAt: stored.stripeEventAt, rank: disputeRank(stored.status) },
      { at, rank: disputeRank(fields.status!) },
    )
  ) {
    await stored.update(
      { ...fields, paymentId: stored.paymentId ?? paymentId, stripeEventAt: at },
      { transaction },
    );
  }
  // The charge's own `disputed` flag is set without touching its ordering stamp.
  await Charge.update(
    { disputed: true },
    { where: { stripeChargeId: stored.stripeChargeId }, transaction },
  );
  return stored;
}

const onDispute: EventHandler = async (ctx) => {
  const dispute = await applyDispute(ctx, objectOf(ctx), ctx.at);
  if (dispute.paymentId) await refreshPaymentTotals(ctx, dispute.paymentId);
};

export const disputeHandlers: Record<string, EventHandler> = Object.fromEntries(
  ['created', 'updated', 'closed', 'funds_withdrawn', 'funds_reinstated'].map((suffix) => [
    `charge.dispute.${suffix}`,
    onDispute,
  ]),
);
