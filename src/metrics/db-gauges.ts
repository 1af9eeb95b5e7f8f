import { Gauge } from 'prom-client';
import { QueryTypes, type Sequelize } from 'sequelize';
import { logger } from '../utils/logger';
import { registry } from './registry';

/**
 * Gauges read from PostgreSQL at scrape time, so any instance answers with the state shared by
 * all of them. Each query is small and index-backed; a table another feature owns is read
 * only when it exists (to_regclass), so the gauges stay at 0 until that feature is deployed.
 */
let database: Sequelize | undefined;

/** Points the collect callbacks at the process's database. The last call wins. */
export function bindMetricsDatabase(sequelize: Sequelize): void {
  database = sequelize;
}

/** Tables read by the gauges below; documented in docs/operations.md. */
export const GAUGE_SOURCES = {
  webhookInbox: 'webhook_events',
  notifications: 'notifications',
} as const;

type Row = Record<string, string | number | boolean | null>;

async function rows(sql: string, replacements: unknown[] = []): Promise<Row[]> {
  if (!database) return [];
  try {
    return await database.query<Row>(sql, { type: QueryTypes.SELECT, replacements });
  } catch (err) {
    logger.warn('metrics query failed', { err });
    return [];
  }
}

async function tableExists(table: string): Promise<boolean> {
  const [row] = await rows('SELECT to_regclass(?) IS NOT NULL AS present', [table]);
  return row?.present === true || row?.present === 'true';
}

const num = (value: unknown): number => Number(value ?? 0);

new Gauge({
  name: 'payments_last_24h',
  help: 'Payments created in the last 24 hours, by current status and currency.',
  labelNames: ['status', 'currency'] as const,
  registers: [registry],
  async collect() {
    const result = await rows(
      `SELECT status, currency, count(*) AS n FROM payments
       WHERE created_at >= now() - interval '24 hours' GROUP BY status, currency`,
    );
    this.reset();
    for (const r of result)
      this.set({ status: String(r.status), currency: String(r.currency) }, num(r.n));
  },
});

const inboxStats = async (): Promise<Row | undefined> => {
  if (!(await tableExists(GAUGE_SOURCES.webhookInbox))) return undefined;
  const [row] = await rows(
    `SELECT count(*) FILTER (WHERE status IN ('pending', 'processing')) AS depth,
            count(*) FILTER (WHERE status = 'failed') AS failed,
            COALESCE(EXTRACT(EPOCH FROM now() - min(received_at)
              FILTER (WHERE status IN ('pending', 'processing'))), 0) AS oldest
     FROM ${GAUGE_SOURCES.webhookInbox} WHERE status IN ('pending', 'processing', 'failed')`,
  );
  return row;
};

new Gauge({
  name: 'webhook_inbox_depth',
  help: 'Stored webhook events not yet applied (pending or being processed).',
  registers: [registry],
  async collect() {
    this.set(num((await inboxStats())?.depth));
  },
});

new Gauge({
  name: 'webhook_inbox_oldest_pending_age_seconds',
  help: 'Age of the oldest stored webhook event not yet applied; 0 when none.',
  registers: [registry],
  async collect() {
    this.set(num((await inboxStats())?.oldest));
  },
});

new Gauge({
  name: 'webhook_events_failed_current',
  help: 'Webhook events parked as failed and not replayed yet.',
  registers: [registry],
  async collect() {
    this.set(num((await inboxStats())?.failed));
  },
});

new Gauge({
  name: 'notifications_current',
  help: 'Storefront notifications by state: pending (not delivered yet) or failed (gave up).',
  labelNames: ['state'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    if (!(await tableExists(GAUGE_SOURCES.notifications))) {
      this.set({ state: 'pending' }, 0);
      this.set({ state: 'failed' }, 0);
      return;
    }
    const [row] = await rows(
      `SELECT count(*) FILTER (WHERE status IN ('pending', 'delivering')) AS pending,
              count(*) FILTER (WHERE status = 'failed') AS failed
       FROM ${GAUGE_SOURCES.notifications} WHERE status IN ('pending', 'delivering', 'failed')`,
    );
    this.set({ state: 'pending' }, num(row?.pending));
    this.set({ state: 'failed' }, num(row?.failed));
  },
});

new Gauge({
  name: 'fraud_reviews_open',
  help: 'Fraud reviews waiting for a decision; near_deadline=true when capture is due soon.',
  labelNames: ['near_deadline'] as const,
  registers: [registry],
  async collect() {
    const [row] = await rows(
      `SELECT count(*) FILTER (WHERE capture_before > now() + interval '1 second' * ?) AS later,
              count(*) FILTER (WHERE capture_before <= now() + interval '1 second' * ?) AS soon
       FROM fraud_reviews WHERE status = 'open'`,
      [reviewDeadlineMarginSeconds, reviewDeadlineMarginSeconds],
    );
    this.set({ near_deadline: 'false' }, num(row?.later));
    this.set({ near_deadline: 'true' }, num(row?.soon));
  },
});

let reviewDeadlineMarginSeconds = 24 * 3600;

/** How long before the capture deadline a review counts as near it (from the fraud config). */
export function setReviewDeadlineMargin(seconds: number): void {
  reviewDeadlineMarginSeconds = seconds;
}
