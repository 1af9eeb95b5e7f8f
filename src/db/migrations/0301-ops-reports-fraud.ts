import type { MigrationContext } from '../migrator';

/**
 * Ops: stored daily reports (one row per day, time zone and currency, overwritten when
 * recomputed, plus one row per day for the figures that are not per currency), fraud screen
 * decisions with their reasons, and the manual review queue.
 *
 * payments_report_idx lets the daily aggregate read only the index for a day's range
 * (index-only scan once the table is vacuumed): the report never loads payment rows.
 * `payment_failed` is derived by PostgreSQL from last_payment_error (SQL NULL or JSON null both
 * mean no error) so the index can carry it.
 */
export async function up({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    ALTER TABLE payments ADD COLUMN payment_failed BOOLEAN
      GENERATED ALWAYS AS (COALESCE(jsonb_typeof(last_payment_error), 'null') <> 'null') STORED;
    CREATE INDEX payments_report_idx ON payments (created_at)
      INCLUDE (currency, status, amount_received, payment_failed);

    CREATE TABLE daily_reports (
      report_date DATE NOT NULL,
      time_zone TEXT NOT NULL,
      currency CHAR(3) NOT NULL,
      figures JSONB NOT NULL,
      computed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      PRIMARY KEY (report_date, time_zone, currency)
    );

    CREATE TABLE daily_report_days (
      report_date DATE NOT NULL,
      time_zone TEXT NOT NULL,
      figures JSONB NOT NULL,
      computed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      PRIMARY KEY (report_date, time_zone)
    );

    CREATE TABLE fraud_screenings (
      id TEXT PRIMARY KEY,
      owner_id TEXT,
      payment_id TEXT,
      stage TEXT NOT NULL CHECK (stage IN ('create', 'confirm')),
      decision TEXT NOT NULL CHECK (decision IN ('allow', 'review', 'block')),
      reasons JSONB NOT NULL DEFAULT '[]',
      amount BIGINT NOT NULL,
      currency CHAR(3) NOT NULL,
      customer_id TEXT,
      email_hash TEXT,
      ip TEXT,
      declined BOOLEAN NOT NULL DEFAULT false,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE INDEX fraud_screenings_ip_idx ON fraud_screenings (ip, created_at);
    CREATE INDEX fraud_screenings_customer_idx ON fraud_screenings (customer_id, created_at);
    CREATE INDEX fraud_screenings_email_idx ON fraud_screenings (email_hash, created_at);
    CREATE INDEX fraud_screenings_payment_idx ON fraud_screenings (payment_id);
    CREATE INDEX fraud_screenings_created_idx ON fraud_screenings (created_at, currency);

    CREATE TABLE fraud_reviews (
      id TEXT PRIMARY KEY,
      owner_id TEXT,
      payment_id TEXT NOT NULL REFERENCES payments (id),
      screening_id TEXT REFERENCES fraud_screenings (id),
      source TEXT NOT NULL CHECK (source IN ('screen', 'radar', 'early_fraud_warning')),
      status TEXT NOT NULL CHECK (status IN ('open', 'approved', 'rejected')),
      reasons JSONB NOT NULL DEFAULT '[]',
      capture_before TIMESTAMPTZ,
      resolution TEXT,
      resolved_by TEXT,
      resolved_at TIMESTAMPTZ,
      deadline_warned_at TIMESTAMPTZ,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX fraud_reviews_open_payment_idx ON fraud_reviews (payment_id)
      WHERE status = 'open';
    CREATE INDEX fraud_reviews_status_idx ON fraud_reviews (status, created_at);
  `);
}

export async function down({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    DROP TABLE IF EXISTS fraud_reviews, fraud_screenings, daily_report_days, daily_reports;
    DROP INDEX IF EXISTS payments_report_idx;
    ALTER TABLE payments DROP COLUMN IF EXISTS payment_failed;
  `);
}
