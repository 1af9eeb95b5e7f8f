import type { MigrationContext } from '../migrator';

/**
 * Subscriptions: the price catalogue mirrored to Stripe, each subscription as its newest
 * Stripe state, and the invoices of each subscription (what dunning shows). Every row keeps
 * `stripe_event_at` and `stripe_rank` (the `created` second and the lifecycle rank of the
 * newest state applied), so events applied in any order end in the same row.
 */
export async function up({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    CREATE TABLE catalog_prices (
      lookup_key TEXT PRIMARY KEY,
      product_key TEXT NOT NULL,
      product_name TEXT NOT NULL,
      stripe_product_id TEXT NOT NULL,
      stripe_price_id TEXT NOT NULL UNIQUE,
      nickname TEXT,
      currency CHAR(3) NOT NULL,
      unit_amount BIGINT NOT NULL CHECK (unit_amount >= 0),
      interval TEXT NOT NULL CHECK (interval IN ('day', 'week', 'month', 'year')),
      interval_count INTEGER NOT NULL CHECK (interval_count > 0),
      trial_period_days INTEGER,
      active BOOLEAN NOT NULL DEFAULT true,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );

    CREATE TABLE subscriptions (
      id TEXT PRIMARY KEY,
      owner_id TEXT,
      customer_id TEXT,
      stripe_subscription_id TEXT NOT NULL UNIQUE,
      stripe_customer_id TEXT NOT NULL,
      status TEXT NOT NULL,
      stripe_price_id TEXT,
      quantity INTEGER NOT NULL DEFAULT 1,
      currency CHAR(3),
      unit_amount BIGINT,
      current_period_start BIGINT,
      current_period_end BIGINT,
      trial_start BIGINT,
      trial_end BIGINT,
      cancel_at_period_end BOOLEAN NOT NULL DEFAULT false,
      cancel_at BIGINT,
      canceled_at BIGINT,
      ended_at BIGINT,
      pause_collection JSONB,
      latest_invoice_id TEXT,
      default_payment_method TEXT,
      metadata JSONB NOT NULL DEFAULT '{}',
      upcoming_invoice JSONB,
      trial_will_end_at BIGINT,
      stripe_event_at BIGINT NOT NULL DEFAULT 0,
      stripe_rank INTEGER NOT NULL DEFAULT 0,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE INDEX subscriptions_customer_idx ON subscriptions (stripe_customer_id);
    CREATE INDEX subscriptions_owner_created_idx
      ON subscriptions (owner_id, created_at DESC, id DESC);

    CREATE TABLE subscription_invoices (
      stripe_invoice_id TEXT PRIMARY KEY,
      stripe_subscription_id TEXT,
      stripe_customer_id TEXT,
      status TEXT NOT NULL,
      billing_reason TEXT,
      currency CHAR(3) NOT NULL,
      amount_due BIGINT NOT NULL DEFAULT 0,
      amount_paid BIGINT NOT NULL DEFAULT 0,
      amount_remaining BIGINT NOT NULL DEFAULT 0,
      attempt_count INTEGER NOT NULL DEFAULT 0,
      next_payment_attempt BIGINT,
      action_required BOOLEAN NOT NULL DEFAULT false,
      last_failure_at BIGINT,
      hosted_invoice_url TEXT,
      period_start BIGINT,
      period_end BIGINT,
      stripe_created BIGINT NOT NULL DEFAULT 0,
      stripe_event_at BIGINT NOT NULL DEFAULT 0,
      stripe_rank INTEGER NOT NULL DEFAULT 0,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE INDEX subscription_invoices_subscription_idx
      ON subscription_invoices (stripe_subscription_id, stripe_created DESC);
  `);
}

export async function down({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    DROP TABLE IF EXISTS subscription_invoices;
    DROP TABLE IF EXISTS subscriptions;
    DROP TABLE IF EXISTS catalog_prices;
  `);
}
