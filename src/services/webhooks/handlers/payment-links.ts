import { QueryTypes } from 'sequelize';
import { Payment } from '../../../models';
import { enqueueNotification } from '../../notifications/notification-outbox';
import type { HandlerContext } from './handler-context';

/** The local payment of a Stripe payment intent, locked for this transaction, if stored. */
export async function findPaymentByIntent(
  ctx: HandlerContext,
  stripePaymentIntentId: string | null,
): Promise<Payment | null> {
  if (!stripePaymentIntentId) return null;
  return Payment.findOne({
    where: { stripePaymentIntentId },
    transaction: ctx.transaction,
    lock: ctx.transaction.LOCK.UPDATE,
  });
}

/** The local payment id a charge belongs to, through the stored charge. */
export async function paymentIdOfCharge(
  ctx: HandlerContext,
  stripeChargeId: string | null,
): Promise<string | null> {
  if (!stripeChargeId) return null;
  const rows = await ctx.sequelize.query<{ paymentId: string | null }>(
    'SELECT payment_id AS "paymentId" FROM charges WHERE stripe_charge_id = $1',
    { bind: [stripeChargeId], type: QueryTypes.SELECT, transaction: ctx.transaction },
  );
  return rows[0]?.paymentId ?? null;
}

/**
 * Ties charges, refunds and disputes that arrived before their payment to it. Events come in
 * any order, so a charge or dispute may be stored first with no payment to point at.
 */
export async function linkOrphans(ctx: HandlerContext, payment: Payment): Promise<void> {
  await ctx.sequelize.query(
    `UPDATE charges SET payment_id = $1, updated_at = now()
     WHERE stripe_payment_intent_id = $2 AND payment_id IS NULL`,
    { bind: [payment.id, payment.stripePaymentIntentId], transaction: ctx.transaction },
  );
  for (const table of ['refunds', 'disputes']) {
    await ctx.sequelize.query(
      `UPDATE ${table} SET payment_id = $1, updated_at = now()
       WHERE payment_id IS NULL AND stripe_charge_id IN
         (SELECT stripe_charge_id FROM charges WHERE payment_id = $1)`,
      { bind: [payment.id], transaction: ctx.transaction },
    );
  }
}

/**
 * Recomputes a payment's refunded and disputed totals from its charges, refunds and disputes,
 * so the totals do not depend on which event arrived last. The refunded amount is the larger
 * of what the charges report and what the succeeded refunds add up to: both only grow. A total
 * that grew is reported to the storefront; the key holds the new total, so a replay of the same
 * event finds the notification already there.
 */
export async function refreshPaymentTotals(ctx: HandlerContext, paymentId: string): Promise<void> {
  const { transaction } = ctx;
  const before = await Payment.findByPk(paymentId, { transaction, lock: transaction.LOCK.UPDATE });
  if (!before) return;
  const [refunded, disputed] = [before.amountRefunded, before.amountDisputed];
  await ctx.sequelize.query(
    `UPDATE payments SET
       amount_refunded = LEAST(amount, GREATEST(
         (SELECT COALESCE(SUM(amount_refunded), 0) FROM charges WHERE payment_id = $1),
         (SELECT COALESCE(SUM(amount), 0) FROM refunds
            WHERE payment_id = $1 AND status = 'succeeded'))),
       amount_disputed = (SELECT COALESCE(SUM(amount), 0) FROM disputes
            WHERE payment_id = $1 AND status NOT IN ('won', 'warning_closed')),
       updated_at = now()
     WHERE id = $1`,
    { bind: [paymentId], transaction },
  );
  const after = await before.reload({ transaction });
  if (after.amountRefunded > refunded) {
    const dedupeKey = `payment.refunded:${after.id}:${after.amountRefunded}`;
    await enqueueNotification(
      ctx.sequelize,
      { type: 'payment.refunded', dedupeKey, payment: after },
      transaction,
    );
  }
  if (after.amountDisputed > disputed) {
    const dedupeKey = `payment.disputed:${after.id}:${after.amountDisputed}`;
    await enqueueNotification(
      ctx.sequelize,
      { type: 'payment.disputed', dedupeKey, payment: after },
      transaction,
    );
  }
}
