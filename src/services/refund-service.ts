import { createHash } from 'node:crypto';
import type Stripe from 'stripe';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { AppError, badRequest } from '../errors/app-error';
import { Refund } from '../models';
import type { IdempotencyScope, StripeGateway } from '../stripe/stripe-gateway';
import { checkPartialAmount } from '../utils/money';
import type { Principal } from './api-key-service';
import { appendAudit } from './audit-service';
import { newId } from './ids';
import type { PaymentService } from './payment-service';

export type RefundReason = 'duplicate' | 'fraudulent' | 'requested_by_customer';

export interface RefundView {
  id: string;
  object: 'refund';
  payment: string;
  stripe_refund_id: string | null;
  amount: number;
  currency: string;
  status: string;
  reason: string | null;
  failure_reason: string | null;
  created: number;
}

/** Local statuses before Stripe has answered: the amount is reserved meanwhile. */
const SUBMITTING = 'submitting';

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === 'string' ? value : value.id;
}

function requestRef(scope: IdempotencyScope): string {
  return createHash('sha256').update(`${scope.apiKeyId}\n${scope.idempotencyKey}`).digest('hex');
}

/**
 * Refunds. The guarantee: the refunds of a payment never add up to more than was captured,
 * even when two refund requests race. Before Stripe is called, the amount is reserved on the
 * payment by one conditional UPDATE (captured − refunded − reserved must cover it), in a
 * short transaction that also writes the refund row as `submitting`. Only one of two racing
 * reservations can succeed when together they exceed what remains. Stripe's answer then moves
 * the amount from reserved to refunded, or releases it when Stripe refused the refund.
 */
export class RefundService {
  constructor(
    private readonly sequelize: Sequelize,
    private readonly stripe: StripeGateway,
    private readonly payments: PaymentService,
  ) {}

  present(row: Refund): RefundView {
    return {
      id: row.id,
      object: 'refund',
      payment: row.paymentId!,
      stripe_refund_id: row.stripeRefundId,
      amount: row.amount,
      currency: row.currency,
      status: row.status,
      reason: row.reason,
      failure_reason: row.failureReason,
      created: Math.floor(row.createdAt.getTime() / 1000),
    };
  }

  async create(
    principal: Principal,
    paymentId: string,
    input: { amount?: number; reason?: RefundReason; metadata?: Record<string, string> },
    scope: IdempotencyScope,
  ): Promise<RefundView> {
    const payment = await this.payments.find(principal, paymentId);
    if (input.amount !== undefined) {
      const problem = checkPartialAmount(input.amount, payment.currency);
      if (problem)
        throw badRequest(problem.code, problem.message, [{ field: 'amount', ...problem }]);
    }
    const refund = await this.reserve(principal, paymentId, input, scope);
    if (refund.status !== SUBMITTING) return this.present(refund);

    let remote: Stripe.Refund;
    try {
      remote = await this.stripe.createRefund(
        {
          payment_intent: payment.stripePaymentIntentId,
          amount: refund.amount,
          ...(input.reason ? { reason: input.reason } : {}),
          metadata: { ...input.metadata, refund_id: refund.id },
        },
        scope,
      );
    } catch (err) {
      // A refusal is final: give the amount back. An outage leaves the outcome unknown, so
      // the reservation stays until the same request is retried and Stripe replays its answer.
      if (err instanceof AppError && err.status < 500) {
        await this.settle(principal, refund, undefined, scope);
      }
      throw err;
    }
    return this.present(await this.settle(principal, refund, remote, scope));
  }

  /**
   * Reserves the amount and writes the refund row; a retry of the same request finds the row
   * it wrote before and reuses it (and its reservation).
   */
  private async reserve(
    principal: Principal,
    paymentId: string,
    input: { amount?: number; reason?: RefundReason },
    scope: IdempotencyScope,
  ): Promise<Refund> {
    const ref = requestRef(scope);
    return this.sequelize.transaction(async (transaction) => {
      const earlier = await Refund.findOne({ where: { requestRef: ref }, transaction });
      if (earlier) return earlier;
      const [reserved] = await this.sequelize.query<{ amount: string; currency: string }>(
        `UPDATE payments
            SET amount_refund_reserved = amount_refund_reserved + v.amount, updated_at = now()
           FROM (SELECT COALESCE(CAST(:amount AS BIGINT),
                   amount_received - amount_refunded - amount_refund_reserved) AS amount
                   FROM payments WHERE id = :id) AS v
          WHERE payments.id = :id AND payments.owner_id = :ownerId
            AND v.amount > 0
            AND payments.amount_received - payments.amount_refunded
                - payments.amount_refund_reserved >= v.amount
          RETURNING v.amount AS amount, payments.currency AS currency`,
        {
          transaction,
          type: QueryTypes.SELECT,
          replacements: { id: paymentId, ownerId: principal.ownerId, amount: input.amount ?? null },
        },
      );
      if (!reserved) throw await this.overRefund(paymentId, input.amount, transaction);
      return Refund.create(
        {
          id: newId('rfd'),
          ownerId: principal.ownerId,
          paymentId,
          amount: Number(reserved.amount),
          currency: reserved.currency,
          status: SUBMITTING,
          reason: input.reason ?? null,
          requestRef: ref,
        },
        { transaction },
      );
    });
  }

  private async overRefund(
    paymentId: string,
    asked: number | undefined,
    transaction: Transaction,
  ): Promise<AppError> {
    const [row] = await this.sequelize.query<{ remaining: string }>(
      `SELECT amount_received - amount_refunded - amount_refund_reserved AS remaining
         FROM payments WHERE id = :id`,
      { transaction, type: QueryTypes.SELECT, replacements: { id: paymentId } },
    );
    const remaining = Math.max(0, Number(row?.remaining ?? 0));
    const message =
      remaining === 0
        ? 'Nothing is left to refund on this payment.'
        : `amount ${asked} is more than the ${remaining} left to refund on this payment.`;
    return new AppError(400, 'invalid_request_error', 'refund_exceeds_remaining', message, {
      details: [{ field: 'amount', message }],
      extra: { refundable_amount: remaining },
    });
  }

  /** Moves the reservation to refunded (Stripe made the refund) or releases it (refused). */
  private async settle(
    principal: Principal,
    refund: Refund,
    remote: Stripe.Refund | undefined,
    scope: IdempotencyScope,
  ): Promise<Refund> {
    return this.sequelize.transaction(async (transaction) => {
      // Payment row first: settlements of one payment run one at a time, and each statement
      // after the lock sees the refunds the previous settlement committed.
      await this.sequelize.query('SELECT id FROM payments WHERE id = :id FOR UPDATE', {
        transaction,
        replacements: { id: refund.paymentId },
      });
      const locked = await Refund.findByPk(refund.id, {
        transaction,
        lock: transaction.LOCK.UPDATE,
      });
      if (!locked || locked.status !== SUBMITTING) return locked ?? refund;
      const failed = !remote || remote.status === 'failed' || remote.status === 'canceled';
      await locked.update(
        {
          status: remote?.status ?? 'failed',
          stripeRefundId: remote?.id ?? null,
          stripeChargeId: idOf(remote?.charge),
          failureReason: remote ? (remote.failure_reason ?? null) : 'refused_by_stripe',
          stripeCreatedAt: remote ? new Date(remote.created * 1000) : null,
        },
        { transaction },
      );
      // Refunded is the sum of the refunds that stand; GREATEST keeps a higher figure that a
      // webhook may already have written from Stripe's charge.
      await this.sequelize.query(
        `UPDATE payments SET
           amount_refund_reserved = amount_refund_reserved - :amount,
           amount_refunded = GREATEST(amount_refunded, (
             SELECT COALESCE(SUM(amount), 0) FROM refunds
              WHERE payment_id = :id AND status IN ('succeeded', 'pending', 'requires_action'))),
           updated_at = now()
         WHERE id = :id`,
        { transaction, replacements: { id: locked.paymentId, amount: locked.amount } },
      );
      await appendAudit(
        {
          actor: principal.keyId,
          ownerId: principal.ownerId,
          action: 'refund.create',
          targetType: 'refund',
          targetId: locked.id,
          outcome: failed ? 'failed' : 'succeeded',
          idempotencyKey: scope.idempotencyKey,
          after: { payment: locked.paymentId, amount: locked.amount, status: locked.status },
        },
        transaction,
      );
      return locked;
    });
  }

  async list(
    principal: Principal,
    paymentId: string,
  ): Promise<{ object: 'list'; data: RefundView[] }> {
    await this.payments.find(principal, paymentId);
    const rows = await Refund.findAll({
      where: { paymentId, ownerId: principal.ownerId },
      order: [
        ['createdAt', 'ASC'],
        ['id', 'ASC'],
      ],
    });
    return { object: 'list', data: rows.map((row) => this.present(row)) };
  }
}
