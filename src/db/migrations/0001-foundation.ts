import type { MigrationContext } from '../migrator';

/** Shared rate-limit counters: one row per client key and window, so limits hold across instances. */
export async function up({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    CREATE TABLE rate_limit_hits (
      key TEXT PRIMARY KEY,
      hits INTEGER NOT NULL,
      reset_at TIMESTAMPTZ NOT NULL
    );
    CREATE INDEX rate_limit_hits_reset_at_idx ON rate_limit_hits (reset_at);
  `);
}

export async function down({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query('DROP TABLE IF EXISTS rate_limit_hits');
}
