import { QueryTypes, type Sequelize } from 'sequelize';
import { logger } from '../../utils/logger';
import type { FraudRules } from './fraud-rules';
import type { ReviewService } from './review-service';

/**
 * Signals that arrive after the payment was made, through webhooks: a charge's Radar
 * `risk_level` and Radar early fraud warnings. The webhook handlers call these.
 */
export class FraudSignals {
  constructor(
    private readonly rules: FraudRules,
    private readonly reviews: ReviewService,
  ) {}

  /** Opens a review when the rules send this Radar risk level to review. */
  async radarRiskLevel(paymentId: string, riskLevel: string): Promise<string | undefined> {
    const action = this.rules.radar[riskLevel as keyof FraudRules['radar']];
    if (action !== 'review') return undefined;
    return this.reviews.open({
      paymentId,
      source: 'radar',
      reasons: [{ rule: 'radar_risk_level', action: 'review', risk_level: riskLevel }],
    });
  }

  /**
   * An early fraud warning opens a review of the payment; with `earlyFraudWarning.autoRefund`
   * a captured payment is refunded at once (the review is rejected by the system, audited).
   */
  async earlyFraudWarning(
    paymentId: string,
    warning: { id: string; fraudType: string; requestId?: string | null },
  ): Promise<string> {
    const reviewId = await this.reviews.open({
      paymentId,
      source: 'early_fraud_warning',
      reasons: [
        {
          rule: 'early_fraud_warning',
          action: 'review',
          fraud_type: warning.fraudType,
          warning_id: warning.id,
        },
      ],
    });
    if (this.rules.earlyFraudWarning.autoRefund) {
      const review = await this.reviews.get(reviewId, null);
      if (review.status === 'open' && review.payment.status === 'succeeded') {
        await this.reviews.reject(reviewId, null, {
          actor: 'system:early_fraud_warning',
          requestId: warning.requestId ?? `efw_${warning.id}`,
        });
        logger.warn('payment refunded after early fraud warning', { paymentId, reviewId });
      }
    }
    return reviewId;
  }
}

/**
 * Picks up what the webhook handlers stored: early fraud warnings (`early_fraud_warnings`) and
 * charges whose Radar `risk_level` the rules send to review, for payments with no review from
 * that source yet, and opens their reviews. Safe on every instance: opening is idempotent
 * (one open review per payment) and a payment that had such a review is skipped. Returns the
 * reviews opened.
 */
export async function sweepFraudSignals(
  sequelize: Sequelize,
  rules: FraudRules,
  signals: FraudSignals,
): Promise<string[]> {
  const opened: string[] = [];
  const warnings = await sequelize.query<{ payment_id: string; id: string; fraud_type: string }>(
    `SELECT p.id AS payment_id, w.stripe_warning_id AS id, w.fraud_type
     FROM early_fraud_warnings w
     JOIN payments p ON p.stripe_payment_intent_id = w.stripe_payment_intent_id
        OR p.latest_charge_id = w.stripe_charge_id
     WHERE w.actionable AND NOT EXISTS (SELECT 1 FROM fraud_reviews r
       WHERE r.payment_id = p.id AND r.source = 'early_fraud_warning')
     ORDER BY w.created_at LIMIT 100`,
    { type: QueryTypes.SELECT },
  );
  for (const w of warnings) {
    opened.push(
      await signals.earlyFraudWarning(w.payment_id, { id: w.id, fraudType: w.fraud_type }),
    );
  }
  const levels = Object.entries(rules.radar)
    .filter(([, action]) => action === 'review')
    .map(([level]) => level);
  if (levels.length === 0) return opened;
  const risky = await sequelize.query<{ payment_id: string; risk_level: string }>(
    `SELECT DISTINCT ON (p.id) p.id AS payment_id, c.risk_level
     FROM charges c JOIN payments p ON p.id = c.payment_id
     WHERE c.risk_level IN (:levels) AND c.created_at >= now() - interval '30 days'
       AND NOT EXISTS (SELECT 1 FROM fraud_reviews r WHERE r.payment_id = p.id AND r.source = 'radar')
     ORDER BY p.id LIMIT 100`,
    { type: QueryTypes.SELECT, replacements: { levels } },
  );
  for (const r of risky) {
    const id = await signals.radarRiskLevel(r.payment_id, r.risk_level);
    if (id) opened.push(id);
  }
  return opened;
}
