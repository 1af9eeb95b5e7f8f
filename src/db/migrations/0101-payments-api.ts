import type { MigrationContext } from '../migrator';

/**
 * What the storefront API adds to the core schema:
 * - api keys are found by their public prefix, then compared in constant time;
 * - a payment keeps the refund amount reserved while a refund is being submitted to Stripe,
 *   so two racing refunds can never together exceed what was captured;
 * - a refund remembers which storefront request made it, so a retry of that request reuses
 *   its reservation and its Stripe idempotency key instead of reserving twice.
 */
export async function up({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    CREATE INDEX api_keys_prefix_idx ON api_keys (prefix);

    ALTER TABLE payments
      ADD COLUMN amount_refund_reserved BIGINT NOT NULL DEFAULT 0
        CHECK (amount_refund_reserved >= 0);

    ALTER TABLE refunds ADD COLUMN request_ref TEXT UNIQUE;
    CREATE INDEX refunds_owner_created_idx ON refunds (owner_id, created_at DESC, id DESC);

    CREATE INDEX audit_events_owner_idx ON audit_events (owner_id, id);
  `);
}

export async function down({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    DROP INDEX IF EXISTS audit_events_owner_idx;
    DROP INDEX IF EXISTS refunds_owner_created_idx;
    ALTER TABLE refunds DROP COLUMN IF EXISTS request_ref;
    ALTER TABLE payments DROP COLUMN IF EXISTS amount_refund_reserved;
    DROP INDEX IF EXISTS api_keys_prefix_idx;
  `);
}
