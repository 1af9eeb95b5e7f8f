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
