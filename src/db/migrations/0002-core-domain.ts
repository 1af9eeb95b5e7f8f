import type { MigrationContext } from '../migrator';

/**
 * The storefront-facing domain: API keys, idempotency records, customers, payments, charges,
 * refunds, disputes and the hash-chained audit trail. Money is BIGINT minor units with its
 * ISO currency; `stripe_event_at` holds the `created` second of the newest Stripe state applied
 * to a row, so an older event never overwrites newer state.
 */
export async function up({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    CREATE TABLE api_keys (
      id TEXT PRIMARY KEY,
      owner_id TEXT NOT NULL,
      name TEXT NOT NULL,
      prefix TEXT NOT NULL,
      key_hash TEXT NOT NULL UNIQUE,
      scopes TEXT[] NOT NULL,
      revoked_at TIMESTAMPTZ,
      last_used_at TIMESTAMPTZ,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE INDEX api_keys_owner_idx ON api_keys (owner_id);

    CREATE TABLE idempotency_records (
      id BIGSERIAL PRIMARY KEY,
      api_key_id TEXT NOT NULL,
      idempotency_key TEXT NOT NULL,
      request_method TEXT NOT NULL,
      request_path TEXT NOT NULL,
      request_hash TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('in_progress', 'completed')),
      response_status INTEGER,
      response_body JSONB,
      locked_until TIMESTAMPTZ,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      expires_at TIMESTAMPTZ NOT NULL,
      UNIQUE (api_key_id, idempotency_key)
    );
    CREATE INDEX idempotency_records_expires_idx ON idempotency_records (expires_at);

    CREATE TABLE customers (
      id TEXT PRIMARY KEY,
      owner_id TEXT,
      stripe_customer_id TEXT NOT NULL UNIQUE,
      email_encrypted TEXT,
      email_hash TEXT,
      name_encrypted TEXT,
      phone_encrypted TEXT,
      address_encrypted TEXT,
      default_payment_method TEXT,
      deleted_at TIMESTAMPTZ,
      stripe_event_at BIGINT NOT NULL DEFAULT 0,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE INDEX customers_owner_created_idx ON customers (owner_id, created_at DESC, id DESC);
    CREATE INDEX customers_email_hash_idx ON customers (email_hash);

    CREATE TABLE payments (
      id TEXT PRIMARY KEY,
      owner_id TEXT,
      customer_id TEXT REFERENCES customers (id),
      stripe_payment_intent_id TEXT NOT NULL UNIQUE,
      stripe_customer_id TEXT,
      amount BIGINT NOT NULL CHECK (amount > 0),
      currency CHAR(3) NOT NULL,
      status TEXT NOT NULL,
      capture_method TEXT NOT NULL DEFAULT 'automatic',
      amount_capturable BIGINT NOT NULL DEFAULT 0,
      amount_received BIGINT NOT NULL DEFAULT 0,
      amount_refunded BIGINT NOT NULL DEFAULT 0 CHECK (amount_refunded >= 0),
      amount_disputed BIGINT NOT NULL DEFAULT 0,
      latest_charge_id TEXT,
      payment_method TEXT,
      description TEXT,
      receipt_email_encrypted TEXT,
      metadata JSONB NOT NULL DEFAULT '{}',
      last_payment_error JSONB,
      canceled_at TIMESTAMPTZ,
      succeeded_at TIMESTAMPTZ,
      stripe_created_at TIMESTAMPTZ,
      stripe_event_at BIGINT NOT NULL DEFAULT 0,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE INDEX payments_owner_created_idx ON payments (owner_id, created_at DESC, id DESC);
    CREATE INDEX payments_customer_idx ON payments (customer_id);
    CREATE INDEX payments_created_currency_idx ON payments (created_at, currency);
    CREATE INDEX payments_status_idx ON payments (status);

    CREATE TABLE charges (
      stripe_charge_id TEXT PRIMARY KEY,
      payment_id TEXT REFERENCES payments (id),
      stripe_payment_intent_id TEXT,
      amount BIGINT NOT NULL,
      amount_captured BIGINT NOT NULL DEFAULT 0,
      amount_refunded BIGINT NOT NULL DEFAULT 0,
      currency CHAR(3) NOT NULL,
      status TEXT NOT NULL,
      captured BOOLEAN NOT NULL DEFAULT false,
      refunded BOOLEAN NOT NULL DEFAULT false,
      disputed BOOLEAN NOT NULL DEFAULT false,
      risk_level TEXT,
      risk_score INTEGER,
      outcome_type TEXT,
      failure_code TEXT,
      stripe_created_at TIMESTAMPTZ,
      stripe_event_at BIGINT NOT NULL DEFAULT 0,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE INDEX charges_payment_idx ON charges (payment_id);
    CREATE INDEX charges_intent_idx ON charges (stripe_payment_intent_id);

    CREATE TABLE refunds (
      id TEXT PRIMARY KEY,
      owner_id TEXT,
      payment_id TEXT REFERENCES payments (id),
      stripe_refund_id TEXT UNIQUE,
      stripe_charge_id TEXT,
      amount BIGINT NOT NULL CHECK (amount > 0),
      currency CHAR(3) NOT NULL,
      status TEXT NOT NULL,
      reason TEXT,
      failure_reason TEXT,
      stripe_created_at TIMESTAMPTZ,
      stripe_event_at BIGINT NOT NULL DEFAULT 0,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE INDEX refunds_payment_idx ON refunds (payment_id, created_at);
    CREATE INDEX refunds_created_currency_idx ON refunds (created_at, currency);

    CREATE TABLE disputes (
      stripe_dispute_id TEXT PRIMARY KEY,
      payment_id TEXT REFERENCES payments (id),
      stripe_charge_id TEXT NOT NULL,
      amount BIGINT NOT NULL,
      currency CHAR(3) NOT NULL,
      status TEXT NOT NULL,
      reason TEXT,
      evidence_due_by TIMESTAMPTZ,
      stripe_created_at TIMESTAMPTZ,
      stripe_event_at BIGINT NOT NULL DEFAULT 0,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE INDEX disputes_payment_idx ON disputes (payment_id);
    CREATE INDEX disputes_created_currency_idx ON disputes (created_at, currency);

    CREATE TABLE audit_events (
      id BIGSERIAL PRIMARY KEY,
      occurred_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      actor TEXT NOT NULL,
      owner_id TEXT,
      action TEXT NOT NULL,
      target_type TEXT NOT NULL,
      target_id TEXT,
      outcome TEXT NOT NULL,
      request_id TEXT,
      idempotency_key TEXT,
      before JSONB,
      after JSONB,
      prev_hash TEXT NOT NULL,
      hash TEXT NOT NULL UNIQUE
    );
    CREATE INDEX audit_events_target_idx ON audit_events (target_type, target_id);
  `);
}

export async function down({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    DROP TABLE IF EXISTS audit_events, disputes, refunds, charges, payments, customers,
      idempotency_records, api_keys;
  `);
}
