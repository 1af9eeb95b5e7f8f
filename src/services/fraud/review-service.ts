import { randomBytes } from 'node:crypto';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { AppError, conflict, notFound } from '../../errors/app-error';
import { logger } from '../../utils/logger';
import type { FraudRules } from './fraud-rules';
import type { ScreenReason } from './fraud-screen';
import type { ActionContext, PaymentActions, ReviewedPayment } from './payment-actions';

export type ReviewSource = 'screen' | 'radar' | 'early_fraud_warning';
export type ReviewStatus = 'open' | 'approved' | 'rejected';

/** One row appended to the audit trail, in the transaction that records the decision. */
export interface ReviewAuditEntry {
  actor: string;
  ownerId: string | null;
  action: string;
  targetType: string;
  targetId: string;
  outcome: string;
  requestId: string | null;
  before: unknown;
  after: unknown;
}
export type AuditAppender = (entry: ReviewAuditEntry, transaction: Transaction) => Promise<void>;

export interface ReviewView {
  object: 'review';
  id: string;
  status: ReviewStatus;
  source: ReviewSource;
  reasons: unknown[];
  payment: {
    id: string;
    stripe_payment_intent_id: string;
    amount: number;
    currency: string;
    status: string;
    created_at: string;
  };
  capture_before: string | null;
  /** The authorization expires within the warning margin: decide now or it lapses. */
  near_deadline: boolean;
  resolution: string | null;
  resolved_at: string | null;
  created_at: string;
}

type Row = Record<string, unknown>;

const iso = (value: unknown): string | null =>
  value === null || value === undefined ? null : new Date(value as string).toISOString();

const REVIEW_SELECT = `
SELECT r.*, p.stripe_payment_intent_id, p.amount, p.currency, p.status AS payment_status,
  p.created_at AS payment_created_at, p.owner_id AS payment_owner_id,
  (r.status = 'open' AND r.capture_before IS NOT NULL
    AND r.capture_before <= now() + interval '1 hour' * :warnHours) AS near_deadline
FROM fraud_reviews r JOIN payments p ON p.id = r.payment_id`;

function toView(row: Row): ReviewView {
  return {
    object: 'review',
    id: String(row.id),
    status: row.status as ReviewStatus,
    source: row.source as ReviewSource,
    reasons: row.reasons as unknown[],
    payment: {
      id: String(row.payment_id),
      stripe_payment_intent_id: String(row.stripe_payment_intent_id),
      amount: Number(row.amount),
      currency: String(row.currency).trim(),
      status: String(row.payment_status),
      created_at: iso(row.payment_created_at)!,
    },
    capture_before: iso(row.capture_before),
    near_deadline: row.near_deadline === true,
    resolution: (row.resolution as string | null) ?? null,
    resolved_at: row.status === 'open' ? null : iso(row.resolved_at),
    created_at: iso(row.created_at)!,
  };
}

export interface OpenReviewInput {
  paymentId: string;
  source: ReviewSource;
  screeningId?: string | null;
  reasons: (ScreenReason | Record<string, unknown>)[];
}

/**
 * The manual review queue. A review is opened for a payment the screen sent to review (made
 * with manual capture), for a Radar risk level the rules name, or for an early fraud warning.
 * Ops approve (capture) or reject (cancel, or refund when already captured); each decision is
 * claimed once, carried out by the payments service, then recorded with an audit row.
 */
export class ReviewService {
  constructor(
    private readonly sequelize: Sequelize,
    private readonly rules: FraudRules,
    private readonly audit: AuditAppender | undefined,
    private readonly actions: PaymentActions | undefined,
  ) {}

  /** Opens a review unless the payment already has an open one; returns the open review id. */
  async open(input: OpenReviewInput, transaction?: Transaction): Promise<string> {
    const id = `rv_${randomBytes(12).toString('hex')}`;
    const [inserted] = await this.sequelize.query<Row>(
      `INSERT INTO fraud_reviews (id, owner_id, payment_id, screening_id, source, status, reasons,
         capture_before)
       SELECT :id, p.owner_id, p.id, :screening, :source, 'open', :reasons,
         CASE WHEN p.status IN ('succeeded', 'canceled') THEN NULL
              ELSE p.created_at + interval '1 hour' * :windowHours END
       FROM payments p WHERE p.id = :payment
       ON CONFLICT (payment_id) WHERE status = 'open' DO NOTHING
       RETURNING id`,
      {
        type: QueryTypes.SELECT,
        transaction,
        replacements: {
          id,
          payment: input.paymentId,
          screening: input.screeningId ?? null,
          source: input.source,
          reasons: JSON.stringify(input.reasons),
          windowHours: this.rules.review.captureWindowHours,
        },
      },
    );
    if (inserted) {
      logger.info('fraud review opened', {
        reviewId: id,
        paymentId: input.paymentId,
        source: input.source,
      });
      return id;
    }
    const [existing] = await this.sequelize.query<Row>(
      `SELECT id FROM fraud_reviews WHERE payment_id = ? AND status = 'open'`,
      { type: QueryTypes.SELECT, replacements: [input.paymentId], transaction },
    );
    if (!existing) throw notFound('No such payment.');
    return String(existing.id);
  }

  async list(query: {
    ownerId: string | null;
    status: ReviewStatus;
    limit: number;
  }): Promise<ReviewView[]> {
    const rows = await this.sequelize.query<Row>(
      `${REVIEW_SELECT} WHERE r.status = :status AND (CAST(:owner AS text) IS NULL OR r.owner_id = :owner)
       ORDER BY r.capture_before ASC NULLS LAST, r.created_at ASC, r.id LIMIT :limit`,
      {
        type: QueryTypes.SELECT,
        replacements: {
          ...query,
          owner: query.ownerId,
          warnHours: this.rules.review.warnBeforeHours,
        },
      },
    );
    return rows.map(toView);
  }

  /** A review the owner may see (all owners when ownerId is null); 404 otherwise. */
  async get(id: string, ownerId: string | null, transaction?: Transaction): Promise<ReviewView> {
    const [row] = await this.sequelize.query<Row>(
      `${REVIEW_SELECT} WHERE r.id = :id AND (CAST(:owner AS text) IS NULL OR r.owner_id = :owner)`,
      {
        type: QueryTypes.SELECT,
        transaction,
        replacements: { id, owner: ownerId, warnHours: this.rules.review.warnBeforeHours },
      },
    );
    if (!row) throw notFound('No such review.');
    return toView(row);
  }

  async approve(id: string, ownerId: string | null, context: ActionContext): Promise<ReviewView> {
    return this.decide(id, ownerId, context, 'approved');
  }

  async reject(id: string, ownerId: string | null, context: ActionContext): Promise<ReviewView> {
    return this.decide(id, ownerId, context, 'rejected');
  }

  private async decide(
    id: string,
    ownerId: string | null,
    context: ActionContext,
    status: 'approved' | 'rejected',
  ): Promise<ReviewView> {
    const audit = this.audit;
    if (!audit || !this.actions) {
      throw new AppError(
        503,
        'api_error',
        'review_decisions_unavailable',
        'Review decisions are not available: payment actions or the audit trail are not configured.',
      );
    }
    const review = await this.get(id, ownerId);
    if (review.status !== 'open') {
      throw conflict('review_closed', `This review was already ${review.status}.`);
    }
    const payment = await this.paymentOf(review);
    await this.claim(id, context.actor);
    let resolution: string;
    try {
      resolution = await this.moveMoney(payment, status, { ...context, reviewId: id });
    } catch (err) {
      await this.release(id);
      throw err;
    }
    await this.sequelize.transaction(async (transaction) => {
      await this.sequelize.query(
        `UPDATE fraud_reviews SET status = :status, resolution = :resolution, updated_at = now()
         WHERE id = :id`,
        { replacements: { id, status, resolution }, transaction },
      );
      await audit(
        {
          actor: context.actor,
          ownerId: payment.ownerId,
          action: status === 'approved' ? 'fraud_review.approve' : 'fraud_review.reject',
          targetType: 'fraud_review',
          targetId: id,
          outcome: resolution,
          requestId: context.requestId,
          before: { status: 'open', payment_status: review.payment.status },
          after: { status, resolution, payment_id: review.payment.id },
        },
        transaction,
      );
    });
    logger.info('fraud review decided', { reviewId: id, status, resolution });
    return this.get(id, ownerId);
  }

  /** Only one decision per review: the claim fails when another one is under way or done. */
  private async claim(id: string, actor: string): Promise<void> {
    const claimed = await this.sequelize.query<Row>(
      `UPDATE fraud_reviews SET resolved_by = :actor, resolved_at = now(), updated_at = now()
       WHERE id = :id AND status = 'open' AND resolved_at IS NULL RETURNING id`,
      { type: QueryTypes.SELECT, replacements: { id, actor } },
    );
    if (claimed.length === 0) {
      throw conflict('review_in_progress', 'A decision on this review is already being made.');
    }
  }

  private async release(id: string): Promise<void> {
    await this.sequelize.query(
      `UPDATE fraud_reviews SET resolved_by = NULL, resolved_at = NULL, updated_at = now()
       WHERE id = ? AND status = 'open'`,
      { replacements: [id] },
    );
  }

  private async paymentOf(review: ReviewView): Promise<ReviewedPayment> {
    const [row] = await this.sequelize.query<Row>('SELECT owner_id FROM payments WHERE id = ?', {
      type: QueryTypes.SELECT,
      replacements: [review.payment.id],
    });
    return {
      id: review.payment.id,
      ownerId: (row?.owner_id as string | null) ?? null,
      status: review.payment.status,
    };
  }

  /** Approve captures an authorization; reject cancels it, or refunds a captured payment. */
  private async moveMoney(
    payment: ReviewedPayment,
    status: 'approved' | 'rejected',
    context: ActionContext,
  ): Promise<string> {
    const actions = this.actions;
    const needs = (): PaymentActions => {
      if (!actions) {
        throw new AppError(
          503,
          'api_error',
          'payment_actions_unavailable',
          'Payment actions are not available.',
        );
      }
      return actions;
    };
    if (status === 'approved') {
      if (payment.status === 'requires_capture') {
        await needs().capture(payment, context);
        return 'captured';
      }
      return 'kept';
    }
    if (payment.status === 'succeeded') {
      await needs().refund(payment, context);
      return 'refunded';
    }
    if (payment.status === 'canceled') return 'already_canceled';
    await needs().cancel(payment, context);
    return 'canceled';
  }
}
