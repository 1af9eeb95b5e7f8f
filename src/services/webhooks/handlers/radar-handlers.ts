import { dateOf, idOf, num, str } from '../stripe-object';
import { objectOf, type EventHandler } from './handler-context';

/**
 * Early fraud warnings and reviews land in their own tables for the fraud review queue. Both
 * are stored whether or not the charge or payment they name is known yet; the ids join them
 * later. The upserts carry the ordering guard in their WHERE clause.
 */
const onEarlyFraudWarning: EventHandler = async (ctx) => {
  const warning = objectOf(ctx);
  await ctx.sequelize.query(
    `INSERT INTO early_fraud_warnings (stripe_warning_id, stripe_charge_id,
       stripe_payment_intent_id, fraud_type, actionable, stripe_created_at, stripe_event_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (stripe_warning_id) DO UPDATE SET actionable = EXCLUDED.actionable,
       fraud_type = EXCLUDED.fraud_type, stripe_event_at = EXCLUDED.stripe_event_at,
       updated_at = now()
     WHERE early_fraud_warnings.stripe_event_at <= EXCLUDED.stripe_event_at`,
    {
      bind: [
        str(warning, 'id'),
        idOf(warning, 'charge') ?? '',
        idOf(warning, 'payment_intent'),
        str(warning, 'fraud_type') ?? 'unknown',
        warning.actionable === true,
        dateOf(num(warning, 'created')),
        ctx.at,
      ],
      transaction: ctx.transaction,
    },
  );
};

const onReview: EventHandler = async (ctx) => {
  const review = objectOf(ctx);
  const open = ctx.event.type === 'review.closed' ? false : review.open !== false;
  await ctx.sequelize.query(
    `INSERT INTO stripe_reviews (stripe_review_id, stripe_payment_intent_id, stripe_charge_id,
       open, reason, closed_reason, stripe_created_at, stripe_event_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (stripe_review_id) DO UPDATE SET open = EXCLUDED.open,
       reason = EXCLUDED.reason, closed_reason = EXCLUDED.closed_reason,
       stripe_event_at = EXCLUDED.stripe_event_at, updated_at = now()
     WHERE stripe_reviews.stripe_event_at < EXCLUDED.stripe_event_at
        OR (stripe_reviews.stripe_event_at = EXCLUDED.stripe_event_at AND NOT EXCLUDED.open)`,
    {
      bind: [
        str(review, 'id'),
        idOf(review, 'payment_intent'),
        idOf(review, 'charge'),
        open,
        str(review, 'reason') ?? 'unknown',
        str(review, 'closed_reason'),
        dateOf(num(review, 'created')),
        ctx.at,
      ],
      transaction: ctx.transaction,
    },
  );
};

export const radarHandlers: Record<string, EventHandler> = {
  'radar.early_fraud_warning.created': onEarlyFraudWarning,
  'radar.early_fraud_warning.updated': onEarlyFraudWarning,
  'review.opened': onReview,
  'review.closed': onReview,
};
