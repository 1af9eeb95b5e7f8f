import type { MigrationContext } from '../migrator';

/**
 * The webhook pipeline's own tables: the event inbox (one row per Stripe event id) with the
 * lease columns workers claim by, every processing attempt, the reconciliation cursor, the
 * storefront notification outbox with its delivery attempts, and the Radar objects (early
 * fraud warnings, reviews) that have no table of their own elsewhere.
 */
export async function up({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    CREATE TABLE webhook_events (
      id TEXT PRIMARY KEY,
      type TEXT NOT NULL,
      api_version TEXT,
      account TEXT,
      livemode BOOLEAN NOT NULL DEFAULT false,
      stripe_created BIGINT NOT NULL,
      source TEXT NOT NULL CHECK (source IN ('webhook', 'connect', 'reconciliation')),
      raw_body TEXT NOT NULL,
      status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'processing', 'processed', 'failed')),
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      locked_until TIMESTAMPTZ,
      claim_token TEXT,
      last_error TEXT,
      received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      processed_at TIMESTAMPTZ,
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE INDEX webhook_events_due_idx ON webhook_events (next_attempt_at)
      WHERE status IN ('pending', 'processing');
    CREATE INDEX webhook_events_status_received_idx ON webhook_events (status, received_at DESC);
    CREATE INDEX webhook_events_type_idx ON webhook_events (type, received_at DESC);

    CREATE TABLE webhook_event_attempts (
      id BIGSERIAL PRIMARY KEY,
      event_id TEXT NOT NULL REFERENCES webhook_events (id),
      attempt INTEGER NOT NULL,
      worker TEXT NOT NULL,
      outcome TEXT NOT NULL CHECK (outcome IN ('processed', 'failed')),
      error TEXT,
      started_at TIMESTAMPTZ NOT NULL,
      finished_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE INDEX webhook_event_attempts_event_idx ON webhook_event_attempts (event_id, id);

    CREATE TABLE job_cursors (
      name TEXT PRIMARY KEY,
      value TEXT NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );

    CREATE TABLE notifications (
      id TEXT PRIMARY KEY,
      dedupe_key TEXT NOT NULL UNIQUE,
      owner_id TEXT,
      type TEXT NOT NULL,
      object_id TEXT NOT NULL,
      payload JSONB NOT NULL,
      status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'delivering', 'delivered', 'failed')),
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      locked_until TIMESTAMPTZ,
      claim_token TEXT,
      last_error TEXT,
      delivered_at TIMESTAMPTZ,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE INDEX notifications_due_idx ON notifications (next_attempt_at)
      WHERE status IN ('pending', 'delivering');
    CREATE INDEX notifications_status_created_idx ON notifications (status, created_at DESC);

    CREATE TABLE notification_attempts (
      id BIGSERIAL PRIMARY KEY,
      notification_id TEXT NOT NULL REFERENCES notifications (id),
      attempt INTEGER NOT NULL,
      url TEXT NOT NULL,
      status_code INTEGER,
      error TEXT,
      duration_ms INTEGER NOT NULL,
      attempted_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE INDEX notification_attempts_notification_idx ON notification_attempts
      (notification_id, id);

    CREATE TABLE early_fraud_warnings (
      stripe_warning_id TEXT PRIMARY KEY,
      stripe_charge_id TEXT NOT NULL,
      stripe_payment_intent_id TEXT,
      fraud_type TEXT NOT NULL,
      actionable BOOLEAN NOT NULL,
      stripe_created_at TIMESTAMPTZ,
      stripe_event_at BIGINT NOT NULL DEFAULT 0,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE INDEX early_fraud_warnings_charge_idx ON early_fraud_warnings (stripe_charge_id);

    CREATE TABLE stripe_reviews (
      stripe_review_id TEXT PRIMARY KEY,
      stripe_payment_intent_id TEXT,
      stripe_charge_id TEXT,
      open BOOLEAN NOT NULL,
      reason TEXT NOT NULL,
      closed_reason TEXT,
      stripe_created_at TIMESTAMPTZ,
      stripe_event_at BIGINT NOT NULL DEFAULT 0,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE INDEX stripe_reviews_open_idx ON stripe_reviews (open, created_at DESC);
  `);
}

export async function down({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    DROP TABLE IF EXISTS stripe_reviews, early_fraud_warnings, notification_attempts,
      notifications, job_cursors, webhook_event_attempts, webhook_events;
  `);
}
