import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { PAYMENT_STATUSES, type PaymentStatus } from '../../models/payment';

/** The figures of one day for one currency. Amounts are integers in minor units. */
export interface CurrencyFigures {
  currency: string;
  payments_by_status: Record<PaymentStatus, number>;
  payments_attempted: number;
  payments_succeeded: number;
  payments_failed: number;
  gross_succeeded_amount: number;
  refunded_amount: number;
  disputed_amount: number;
  net_amount: number;
  /** succeeded / attempted, 4 decimals; null when nothing was attempted. */
  success_rate: number | null;
  /** Mean succeeded amount rounded half away from zero; null when nothing succeeded. */
  average_succeeded_amount: number | null;
  fraud_blocks: number;
  fraud_reviews: number;
  subscriptions_new: number;
  subscriptions_canceled: number;
  subscriptions_past_due: number;
}

/** Figures of the day that are not per currency. */
export interface DayFigures {
  webhook_events_failed: number;
  webhook_events_pending: number;
  /** Where subscription figures came from: the `subscriptions` table, or unavailable (all 0). */
  subscriptions_source: 'subscriptions_table' | 'unavailable';
}

type Row = Record<string, string | number | null>;

interface Scope {
  sequelize: Sequelize;
  transaction?: Transaction;
  date: string;
  timeZone: string;
}

// The day is [local midnight, next local midnight) in the zone, as instants. PostgreSQL does
// the zone arithmetic, so days of 23 or 25 hours (DST changes) are right.
const BOUNDS = `bounds AS (
  SELECT (CAST(:date AS date)::timestamp AT TIME ZONE :tz) AS lo,
         ((CAST(:date AS date) + 1)::timestamp AT TIME ZONE :tz) AS hi)`;

const statusColumns = PAYMENT_STATUSES.map(
  (s) => `count(*) FILTER (WHERE p.status = '${s}') AS "s_${s}"`,
).join(',\n      ');

/**
 * Payments are counted on the day they were created; refunds and disputes on the day they
 * were created (money leaving that day), so net = gross − refunded − disputed for the day.
 * Attempted = succeeded + failed (a payment with a decline or error on its last attempt);
 * payments never confirmed are counted by status but not as attempts.
 */
const MONEY_SQL = `
WITH ${BOUNDS},
p AS (
  SELECT lower(p.currency) AS currency, ${statusColumns},
    count(*) FILTER (WHERE p.status = 'succeeded') AS succeeded,
    count(*) FILTER (WHERE p.status <> 'succeeded' AND p.payment_failed) AS failed,
    COALESCE(sum(p.amount_received) FILTER (WHERE p.status = 'succeeded'), 0) AS gross,
    round(avg(p.amount_received) FILTER (WHERE p.status = 'succeeded')) AS average
  FROM payments p, bounds b WHERE p.created_at >= b.lo AND p.created_at < b.hi
  GROUP BY 1),
r AS (
  SELECT lower(r.currency) AS currency, sum(r.amount) AS refunded
  FROM refunds r, bounds b
  WHERE r.created_at >= b.lo AND r.created_at < b.hi AND r.status NOT IN ('failed', 'canceled')
  GROUP BY 1),
d AS (
  SELECT lower(d.currency) AS currency, sum(d.amount) AS disputed
  FROM disputes d, bounds b WHERE d.created_at >= b.lo AND d.created_at < b.hi
  GROUP BY 1),
f AS (
  SELECT lower(f.currency) AS currency,
    count(*) FILTER (WHERE f.decision = 'block') AS blocks,
    count(*) FILTER (WHERE f.decision = 'review') AS reviews
  FROM fraud_screenings f, bounds b WHERE f.created_at >= b.lo AND f.created_at < b.hi
  GROUP BY 1),
-- p.* comes first: its own currency column is NULL for a currency with refunds or fraud
-- decisions but no payments that day, and c.currency after it is the one kept.
c AS (SELECT currency FROM p UNION SELECT currency FROM r UNION SELECT currency FROM d
      UNION SELECT currency FROM f)
SELECT p.*, c.currency, COALESCE(r.refunded, 0) AS refunded, COALESCE(d.disputed, 0) AS disputed,
  COALESCE(f.blocks, 0) AS blocks, COALESCE(f.reviews, 0) AS reviews
FROM c LEFT JOIN p USING (currency) LEFT JOIN r USING (currency) LEFT JOIN d USING (currency)
  LEFT JOIN f USING (currency)
ORDER BY c.currency`;

/** pg returns BIGINT and NUMERIC as strings; every figure must be an exact safe integer. */
function int(value: unknown): number {
  const n = Number(value ?? 0);
  if (!Number.isSafeInteger(n)) throw new RangeError('report figure is not a safe integer');
  return n;
}

async function select(scope: Scope, sql: string): Promise<Row[]> {
  return scope.sequelize.query<Row>(sql, {
    type: QueryTypes.SELECT,
    replacements: { date: scope.date, tz: scope.timeZone },
    transaction: scope.transaction,
  });
}

function toFigures(row: Row): CurrencyFigures {
  const byStatus = Object.fromEntries(
    PAYMENT_STATUSES.map((s) => [s, int(row[`s_${s}`])]),
  ) as Record<PaymentStatus, number>;
  const succeeded = int(row.succeeded);
  const attempted = succeeded + int(row.failed);
  const gross = int(row.gross);
  const refunded = int(row.refunded);
  const disputed = int(row.disputed);
  return {
    currency: String(row.currency),
    payments_by_status: byStatus,
    payments_attempted: attempted,
    payments_succeeded: succeeded,
    payments_failed: int(row.failed),
    gross_succeeded_amount: gross,
    refunded_amount: refunded,
    disputed_amount: disputed,
    net_amount: gross - refunded - disputed,
    success_rate: attempted === 0 ? null : Math.round((succeeded / attempted) * 10_000) / 10_000,
    average_succeeded_amount: row.average === null ? null : int(row.average),
    fraud_blocks: int(row.blocks),
    fraud_reviews: int(row.reviews),
    subscriptions_new: 0,
    subscriptions_canceled: 0,
    subscriptions_past_due: 0,
  };
}

async function hasColumns(scope: Scope, table: string, columns: string[]): Promise<boolean> {
  const [row] = await select(
    scope,
    `SELECT count(*) AS n FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = '${table}'
       AND column_name IN (${columns.map((c) => `'${c}'`).join(', ')})`,
  );
  return int(row?.n) === columns.length;
}

// The subscriptions table keeps Stripe's `canceled_at` as a Unix second, hence to_timestamp.
const SUBSCRIPTION_SQL = `
WITH ${BOUNDS}
SELECT lower(s.currency) AS currency,
  count(*) FILTER (WHERE s.created_at >= b.lo AND s.created_at < b.hi) AS new,
  count(*) FILTER (WHERE to_timestamp(s.canceled_at) >= b.lo AND to_timestamp(s.canceled_at) < b.hi)
    AS canceled,
  count(*) FILTER (WHERE s.status = 'past_due' AND s.updated_at >= b.lo AND s.updated_at < b.hi)
    AS past_due
FROM subscriptions s, bounds b
WHERE (s.created_at >= b.lo AND s.created_at < b.hi)
   OR (to_timestamp(s.canceled_at) >= b.lo AND to_timestamp(s.canceled_at) < b.hi)
   OR (s.status = 'past_due' AND s.updated_at >= b.lo AND s.updated_at < b.hi)
GROUP BY 1`;

/**
 * Subscription counts come from a `subscriptions` table (currency, status, created_at,
 * canceled_at, updated_at) when the subscriptions feature has created it; before that the
 * figures are 0 and the report says `subscriptions_source: unavailable`.
 */
async function addSubscriptions(scope: Scope, figures: CurrencyFigures[]): Promise<boolean> {
  const columns = ['currency', 'status', 'created_at', 'canceled_at', 'updated_at'];
  if (!(await hasColumns(scope, 'subscriptions', columns))) return false;
  for (const row of await select(scope, SUBSCRIPTION_SQL)) {
    let entry = figures.find((f) => f.currency === row.currency);
    if (!entry) {
      entry = toFigures({ currency: row.currency, average: null });
      figures.push(entry);
    }
    entry.subscriptions_new = int(row.new);
    entry.subscriptions_canceled = int(row.canceled);
    entry.subscriptions_past_due = int(row.past_due);
  }
  figures.sort((a, b) => a.currency.localeCompare(b.currency));
  return true;
}

/**
 * Webhook events received that day that are parked as failed or not applied yet, from the
 * webhook inbox table (`webhook_events`: status, received_at) once it exists.
 */
async function webhookFigures(
  scope: Scope,
): Promise<Pick<DayFigures, 'webhook_events_failed' | 'webhook_events_pending'>> {
  if (!(await hasColumns(scope, 'webhook_events', ['status', 'received_at']))) {
    return { webhook_events_failed: 0, webhook_events_pending: 0 };
  }
  const [row] = await select(
    scope,
    `WITH ${BOUNDS}
     SELECT count(*) FILTER (WHERE w.status = 'failed') AS failed,
            count(*) FILTER (WHERE w.status IN ('pending', 'processing')) AS pending
     FROM webhook_events w, bounds b WHERE w.received_at >= b.lo AND w.received_at < b.hi`,
  );
  return { webhook_events_failed: int(row?.failed), webhook_events_pending: int(row?.pending) };
}

/** Computes a day's figures with aggregates in PostgreSQL; no payment row reaches the process. */
export async function queryDailyFigures(
  scope: Scope,
): Promise<{ currencies: CurrencyFigures[]; day: DayFigures }> {
  const currencies = (await select(scope, MONEY_SQL)).map(toFigures);
  const fromTable = await addSubscriptions(scope, currencies);
  return {
    currencies,
    day: {
      ...(await webhookFigures(scope)),
      subscriptions_source: fromTable ? 'subscriptions_table' : 'unavailable',
    },
  };
}
