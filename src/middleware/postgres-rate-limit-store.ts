import type { Options, Store, ClientRateLimitInfo } from 'express-rate-limit';
import { QueryTypes, type Sequelize } from 'sequelize';

/**
 * express-rate-limit store on the service's own PostgreSQL pool: one row per client key and
 * window, incremented atomically by an upsert, so every instance sees the same counters.
 *
 * The published PostgreSQL store was tried and not used: it opens a second pool of its own,
 * needs the uuid-ossp extension (absent from the embedded PGlite build) and runs its migrations
 * un-awaited in its constructor, which answers 500 to the first requests on a fresh database.
 */
export class PostgresRateLimitStore implements Store {
  localKeys = false;
  prefix: string;
  private windowMs = 60_000;
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly sequelize: Sequelize,
    prefix = 'rl:',
  ) {
    this.prefix = prefix;
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
    this.sweeper = setInterval(() => void this.sweep(), Math.max(this.windowMs, 10_000));
    this.sweeper.unref();
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const rows = await this.sequelize.query<{ hits: number; reset_at: Date }>(
      `INSERT INTO rate_limit_hits (key, hits, reset_at)
       VALUES ($1, 1, now() + make_interval(secs => $2))
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN rate_limit_hits.reset_at <= now() THEN 1 ELSE rate_limit_hits.hits + 1 END,
         reset_at = CASE WHEN rate_limit_hits.reset_at <= now() THEN EXCLUDED.reset_at
                         ELSE rate_limit_hits.reset_at END
       RETURNING hits, reset_at`,
      { bind: [this.prefix + key, this.windowMs / 1000], type: QueryTypes.SELECT },
    );
    const row = rows[0]!;
    return { totalHits: Number(row.hits), resetTime: new Date(row.reset_at) };
  }

  async decrement(key: string): Promise<void> {
    await this.sequelize.query(
      'UPDATE rate_limit_hits SET hits = GREATEST(hits - 1, 0) WHERE key = $1',
      { bind: [this.prefix + key] },
    );
  }

  async resetKey(key: string): Promise<void> {
    await this.sequelize.query('DELETE FROM rate_limit_hits WHERE key = $1', {
      bind: [this.prefix + key],
    });
  }

  shutdown(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }

  /** Drops windows that ended; failures are harmless and retried on the next sweep. */
  private async sweep(): Promise<void> {
    try {
      await this.sequelize.query(
        "DELETE FROM rate_limit_hits WHERE reset_at < now() - interval '1 minute'",
      );
    } catch {
      // The pool may already be closed during shutdown.
    }
  }
}
