import { Charge } from '../../../models';
import { chargeRank, shouldApply } from '../ordering';
import { bool, dateOf, idOf, listData, num, obj, str, type StripeObject } from '../stripe-object';
import { objectOf, type EventHandler, type HandlerContext } from './handler-context';
import { findPaymentByIntent, refreshPaymentTotals } from './payment-links';
import { applyRefund } from './refund-handlers';

function chargeFields(charge: StripeObject): Partial<Charge> {
  const outcome = obj(charge, 'outcome') ?? {};
  return {
    stripePaymentIntentId: idOf(charge, 'payment_intent'),
    amount: num(charge, 'amount') ?? 0,
    amountCaptured:
      num(charge, 'amount_captured') ??
      (bool(charge, 'captured') ? (num(charge, 'amount') ?? 0) : 0),
    amountRefunded: num(charge, 'amount_refunded') ?? 0,
    currency: (str(charge, 'currency') ?? '').toLowerCase(),
    status: str(charge, 'status') ?? 'pending',
    captured: bool(charge, 'captured'),
    refunded: bool(charge, 'refunded'),
    disputed: bool(charge, 'disputed'),
    riskLevel: str(outcome, 'risk_level'),
    riskScore: num(outcome, 'risk_score'),
    outcomeType: str(outcome, 'type'),
    failureCode: str(charge, 'failure_code'),
    stripeCreatedAt: dateOf(num(charge, 'created')),
  };
}

/** Applies a charge's state under the ordering guard; creates it when not stored yet. */
export async function applyCharge(
  ctx: HandlerContext,
  charge: StripeObject,
  at: number,
): Promise<Charge> {
  const stripeChargeId = str(charge, 'id')!;
  const fields = chargeFields(charge);
  const payment = await findPaymentByIntent(ctx, fields.stripePaymentIntentId ?? null);
  const rank = chargeRank(fields.status!, fields.amountRefunded!);
  let stored = await Charge.findByPk(stripeChargeId, {
    transaction: ctx.transaction,
    lock: ctx.transaction.LOCK.UPDATE,
  });
  if (!stored) {
    stored = await Charge.create(
      { stripeChargeId, ...fields, paymentId: payment?.id ?? null, stripeEventAt: at },
      { transaction: ctx.transaction },
    );
  } else if (
    shouldApply(
      {
        stripeEventAt: stored.stripeEventAt,
        rank: chargeRank(stored.status, stored.amountRefunded),
      },
      { at, rank },
    )
  ) {
    await stored.update(
      { ...fields, paymentId: stored.paymentId ?? payment?.id ?? null, stripeEventAt: at },
      { transaction: ctx.transaction },
    );
  }
  // A dispute may have been stored before its charge: the charge is disputed all the same.
  await ctx.sequelize.query(
    `UPDATE charges SET disputed = true WHERE stripe_charge_id = $1 AND NOT disputed
       AND EXISTS (SELECT 1 FROM disputes WHERE stripe_charge_id = $1)`,
    { bind: [stripeChargeId], transaction: ctx.transaction },
  );
  // Older API versions embed the charge's refunds: refunds made in the dashboard arrive so.
  for (const refund of listData(charge, 'refunds')) await applyRefund(ctx, refund, at);
  return stored;
}

const onCharge: EventHandler = async (ctx) => {
  const charge = await applyCharge(ctx, objectOf(ctx), ctx.at);
  if (charge.paymentId) await refreshPaymentTotals(ctx, charge.paymentId);
};

export const chargeHandlers: Record<string, EventHandler> = Object.fromEntries(
  ['succeeded', 'failed', 'captured', 'refunded', 'updated', 'pending', 'expired'].map((suffix) => [
    `charge.${suffix}`,
    onCharge,
  ]),
);
