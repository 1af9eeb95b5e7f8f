import { QueryTypes, type Sequelize } from 'sequelize';
import { logger } from '../../utils/logger';
import { loadFraudRules } from './fraud-rules';

/**
 * Marks open reviews whose authorization must be captured within `warnHours` and logs one
 * warning per review. The UPDATE … RETURNING claims each review once, so with several
 * instances each review is warned about exactly once.
 */
export async function warnReviewsNearDeadline(
  sequelize: Sequelize,
  warnHours: number,
): Promise<string[]> {
  const rows = await sequelize.query<{ id: string; payment_id: string; capture_before: Date }>(
    `UPDATE fraud_reviews SET deadline_warned_at = now(), updated_at = now()
     WHERE status = 'open' AND deadline_warned_at IS NULL AND capture_before IS NOT NULL
       AND capture_before <= now() + interval '1 hour' * ?
     RETURNING id, payment_id, capture_before`,
    { type: QueryTypes.SELECT, replacements: [warnHours] },
  );
  for (const row of rows) {
    logger.warn('fraud review near capture deadline', {
      reviewId: row.id,
      paymentId: row.payment_id,
      captureBefore: new Date(row.capture_before).toISOString(),
    });
  }
  return rows.map((r) => r.id);
}

export function startReviewDeadlineTimer(
  sequelize: Sequelize,
  intervalMs: number,
  rulesFile: string,
): () => void {
  const { warnBeforeHours } = loadFraudRules(rulesFile).review;
  const tick = (): void => {
    warnReviewsNearDeadline(sequelize, warnBeforeHours).catch((err: unknown) =>
      logger.error('review deadline check failed', { err }),
    );
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
