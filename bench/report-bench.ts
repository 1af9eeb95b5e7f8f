/**
 * Daily report over 1,000,000 payments: the SQL-aggregate report (what the service runs)
 * against the naive way (load the day's rows through the ORM and sum them in the process).
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/payments_bench \
 *     npx tsx bench/report-bench.ts [--payments 1000000] [--runs 7]
 *
 * The database is the bench's own: it is created when missing, migrated, and its payments,
 * refunds and disputes are replaced by generated ones (generate_series, inside PostgreSQL).
 */
import { Client } from 'pg';
import { Op } from 'sequelize';
import { createSequelize } from '../src/db/connection';
import { migrate } from '../src/db/migrator';
import { initModels, Payment, Refund, Dispute } from '../src/models';
import { computeDailyReport } from '../src/services/reports/daily-report-service';
import { setLogLevel } from '../src/utils/logger';

const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/payments_bench';
const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const PAYMENTS = arg('payments', 1_000_000);
const RUNS = arg('runs', 7);
const DAYS = 30;
const FIRST_DAY = '2026-10-01';
const BENCH_DAY = '2026-10-15';

async function ensureDatabase(): Promise<void> {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  const admin = new Client({
    connectionString: Object.assign(target, { pathname: '/postgres' }).toString(),
  });
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
  await admin.end();
}

/** 1M payments spread evenly over 30 days in USD, JPY and BHD, with refunds and disputes. */
const GENERATE_SQL = `
TRUNCATE fraud_reviews, fraud_screenings, daily_reports, daily_report_days, disputes, refunds,
  charges, payments CASCADE;
INSERT INTO payments (id, owner_id, stripe_payment_intent_id, amount, currency, status,
  amount_received, last_payment_error, created_at, updated_at)
SELECT 'pay_b' || g, 'own_bench', 'pi_b' || g,
  100 + (g::bigint * 7919) % 100000,
  (ARRAY['usd', 'jpy', 'bhd'])[1 + g % 3],
  CASE WHEN g % 10 < 7 THEN 'succeeded' WHEN g % 10 < 9 THEN 'requires_payment_method'
       ELSE 'canceled' END,
  CASE WHEN g % 10 < 7 THEN 100 + (g::bigint * 7919) % 100000 ELSE 0 END,
  CASE WHEN g % 10 IN (7, 8) THEN '{"code":"card_declined"}'::jsonb END,
  TIMESTAMPTZ '${FIRST_DAY} 00:00:00+00' + (g * (${DAYS} * 86400.0 / :n)) * interval '1 second',
  now()
FROM generate_series(1, :n) AS g;
INSERT INTO refunds (id, payment_id, amount, currency, status, created_at, updated_at)
SELECT 're_b' || g, 'pay_b' || g, 50, (ARRAY['usd', 'jpy', 'bhd'])[1 + g % 3], 'succeeded',
  TIMESTAMPTZ '${FIRST_DAY} 00:00:00+00' + (g * (${DAYS} * 86400.0 / :n)) * interval '1 second'
    + interval '1 hour', now()
FROM generate_series(10, :n, 20) AS g;
INSERT INTO disputes (stripe_dispute_id, payment_id, stripe_charge_id, amount, currency, status,
  created_at, updated_at)
SELECT 'dp_b' || g, 'pay_b' || g, 'ch_b' || g, 100 + (g::bigint * 7919) % 100000,
  (ARRAY['usd', 'jpy', 'bhd'])[1 + g % 3], 'needs_response',
  TIMESTAMPTZ '${FIRST_DAY} 00:00:00+00' + (g * (${DAYS} * 86400.0 / :n)) * interval '1 second'
    + interval '2 hours', now()
FROM generate_series(30, :n, 1000) AS g;`;

const sumBy = (rows: { currency: string; amount: number }[]): Record<string, number> => {
  const totals: Record<string, number> = {};
  for (const r of rows) totals[r.currency] = (totals[r.currency] ?? 0) + r.amount;
  return totals;
};

/** The naive report: every row of the day through the ORM, summed in JavaScript. */
async function naiveReport(day: { lo: Date; hi: Date }): Promise<Record<string, number>> {
  const where = { createdAt: { [Op.gte]: day.lo, [Op.lt]: day.hi } };
  const payments = await Payment.findAll({ where });
  const refunds = await Refund.findAll({ where });
  const disputes = await Dispute.findAll({ where });
  const gross = sumBy(
    payments
      .filter((p) => p.status === 'succeeded')
      .map((p) => ({ currency: p.currency, amount: p.amountReceived })),
  );
  const refunded = sumBy(refunds.map((r) => ({ currency: r.currency, amount: r.amount })));
  const disputed = sumBy(disputes.map((d) => ({ currency: d.currency, amount: d.amount })));
  const net: Record<string, number> = {};
  for (const c of Object.keys(gross)) net[c] = gross[c]! - (refunded[c] ?? 0) - (disputed[c] ?? 0);
  return net;
}

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

function summary(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return `median ${median.toFixed(1)} ms (min ${sorted[0]!.toFixed(1)}, max ${sorted.at(-1)!.toFixed(1)})`;
}

async function main(): Promise<void> {
  setLogLevel('warn');
  await ensureDatabase();
  const sequelize = createSequelize({ url, poolMax: 2, statementTimeoutMs: 600_000 });
  await migrate(sequelize);
  initModels(sequelize);

  const generated = await time(() =>
    sequelize.query(GENERATE_SQL, { replacements: { n: PAYMENTS } }),
  );
  await sequelize.query('VACUUM ANALYZE payments, refunds, disputes');
  const [[counts]] = (await sequelize.query(
    `SELECT (SELECT count(*) FROM payments) AS payments,
            (SELECT count(*) FROM payments WHERE created_at >= '${BENCH_DAY}' AND created_at < DATE '${BENCH_DAY}' + 1) AS day_rows`,
  )) as [Record<string, string>[], unknown];
  console.log(
    `generated ${counts!.payments} payments in ${(generated.ms / 1000).toFixed(1)} s; ${counts!.day_rows} on ${BENCH_DAY}`,
  );

  const key = { date: BENCH_DAY, timeZone: 'UTC' };
  const sqlTimes: number[] = [];
  const naiveTimes: number[] = [];
  let report;
  for (let i = 0; i < RUNS; i++) {
    const run = await time(() => computeDailyReport(sequelize, key));
    sqlTimes.push(run.ms);
    report = run.value;
  }
  const day = {
    lo: new Date(`${BENCH_DAY}T00:00:00Z`),
    hi: new Date(Date.parse(`${BENCH_DAY}T00:00:00Z`) + 86_400_000),
  };
  let naive: Record<string, number> = {};
  const heapBefore = process.memoryUsage().heapUsed;
  let heapPeak = heapBefore;
  for (let i = 0; i < RUNS; i++) {
    const run = await time(() => naiveReport(day));
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    naiveTimes.push(run.ms);
    naive = run.value;
  }
  for (const c of report!.currencies) {
    if (naive[c.currency] !== c.net_amount) {
      throw new Error(
        `mismatch for ${c.currency}: sql ${c.net_amount}, naive ${naive[c.currency]}`,
      );
    }
  }
  const [plan] = (await sequelize.query(
    `EXPLAIN (ANALYZE, BUFFERS) SELECT lower(currency), count(*), sum(amount_received)
     FROM payments WHERE created_at >= '${BENCH_DAY}' AND created_at < DATE '${BENCH_DAY}' + 1
     GROUP BY 1`,
  )) as [{ 'QUERY PLAN': string }[], unknown];
  console.log(plan.map((r) => r['QUERY PLAN']).join('\n'));
  console.log(`SQL aggregate report (compute + store), ${RUNS} runs: ${summary(sqlTimes)}`);
  console.log(
    `naive load-and-sum, ${RUNS} runs: ${summary(naiveTimes)}; heap grew by ~${((heapPeak - heapBefore) / 1e6).toFixed(0)} MB`,
  );
  console.log(`net per currency (both ways agree): ${JSON.stringify(naive)}`);
  await sequelize.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
