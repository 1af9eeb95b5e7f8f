import { QueryTypes, type Sequelize } from 'sequelize';
import type { ReviewService, ReviewView } from '../fraud/review-service';
import { localDate } from './daily-report-scheduler';
import { getDailyReports } from './daily-report-service';

export interface CurrencySeries {
  currency: string;
  points: { date: string; gross: number; net: number; succeeded: number; attempted: number }[];
}

export interface FailedEvent {
  id: string;
  type: string;
  attempts: number;
  received_at: string;
  last_error: string | null;
}

export interface OpsOverview {
  object: 'ops_overview';
  time_zone: string;
  from: string;
  to: string;
  series: CurrencySeries[];
  open_reviews: ReviewView[];
  failed_events: FailedEvent[];
}

export const OVERVIEW_DAYS = 30;

/** One point per day for every currency seen in the window; a quiet day is a zero point. */
function toSeries(reports: Awaited<ReturnType<typeof getDailyReports>>): CurrencySeries[] {
  const currencies = [...new Set(reports.flatMap((r) => r.currencies.map((c) => c.currency)))];
  return currencies.sort().map((currency) => ({
    currency,
    points: reports.map((r) => {
      const f = r.currencies.find((c) => c.currency === currency);
      return {
        date: r.date,
        gross: f?.gross_succeeded_amount ?? 0,
        net: f?.net_amount ?? 0,
        succeeded: f?.payments_succeeded ?? 0,
        attempted: f?.payments_attempted ?? 0,
      };
    }),
  }));
}

/** The newest webhook events parked as failed, from the inbox table when it exists. */
async function failedEvents(sequelize: Sequelize, limit: number): Promise<FailedEvent[]> {
  const [present] = await sequelize.query<{ ok: boolean }>(
    `SELECT to_regclass('webhook_events') IS NOT NULL AS ok`,
    { type: QueryTypes.SELECT },
  );
  if (!present?.ok) return [];
  const rows = await sequelize.query<Record<string, unknown>>(
    `SELECT id, type, attempts, received_at, left(last_error, 200) AS last_error
     FROM webhook_events WHERE status = 'failed' ORDER BY received_at DESC LIMIT ?`,
    { type: QueryTypes.SELECT, replacements: [limit] },
  );
  return rows.map((r) => ({
    id: String(r.id),
    type: String(r.type),
    attempts: Number(r.attempts),
    received_at: new Date(r.received_at as string).toISOString(),
    last_error: (r.last_error as string | null) ?? null,
  }));
}

/** What the /ops page shows: 30 days per currency, open reviews, failed webhook events. */
export async function opsOverview(
  sequelize: Sequelize,
  reviews: ReviewService,
  query: { timeZone: string; ownerId: string | null; now?: Date },
): Promise<OpsOverview> {
  const to = localDate(query.now ?? new Date(), query.timeZone);
  const from = new Date(Date.parse(`${to}T00:00:00Z`) - (OVERVIEW_DAYS - 1) * 86_400_000)
    .toISOString()
    .slice(0, 10);
  const reports = await getDailyReports(sequelize, { from, to, timeZone: query.timeZone });
  return {
    object: 'ops_overview',
    time_zone: query.timeZone,
    from,
    to,
    series: toSeries(reports),
    open_reviews: await reviews.list({ ownerId: query.ownerId, status: 'open', limit: 20 }),
    failed_events: await failedEvents(sequelize, 20),
  };
}
