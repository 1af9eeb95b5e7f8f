/**
 * Processing throughput and lag. (1) A backlog of N payment_intent.succeeded events (each a new
 * payment, so every event writes a payment row and a notification) is drained by one worker,
 * then another backlog by two workers, each worker a loop with its own connection pool, as in
 * two processes (here in one Node process, so they share its CPU). (2) Steady load: events are
 * stored at a fixed rate while one worker runs; lag is processed_at - received_at.
 *
 *   DATABASE_URL=postgres://… npx tsx bench/webhook-processing-bench.ts [events] [rate/s]
 */
import { randomBytes } from 'node:crypto';
import { QueryTypes, type Sequelize } from 'sequelize';
import { createSequelize } from '../src/db/connection';
import { migrate } from '../src/db/migrator';
import { processDueEvents } from '../src/jobs/webhook-processor';
import { initModels } from '../src/models';
import { storeEvent } from '../src/services/webhooks/event-inbox';
import { CountingWebhookMetrics } from '../src/services/webhooks/webhook-metrics';
import { setLogLevel } from '../src/utils/logger';

const EVENTS = Number(process.argv[2] ?? 1000);
const RATE = Number(process.argv[3] ?? 50);
const TAG = `bench_${randomBytes(4).toString('hex')}`;

async function store(sequelize: Sequelize): Promise<void> {
  const id = `evt_${randomBytes(12).toString('hex')}`;
  const pi = `pi_${TAG}_${randomBytes(8).toString('hex')}`;
  const object = {
    id: pi,
    amount: 1000,
    currency: 'usd',
    status: 'succeeded',
    amount_received: 1000,
  };
  const created = Math.floor(Date.now() / 1000);
  const body = { id, object: 'event', type: 'payment_intent.succeeded', created, data: { object } };
  await storeEvent(sequelize, {
    id,
    type: 'payment_intent.succeeded',
    apiVersion: null,
    account: null,
    livemode: false,
    created,
    source: 'webhook',
    rawBody: JSON.stringify(body),
  });
}

async function pending(sequelize: Sequelize): Promise<number> {
  const [row] = await sequelize.query<{ n: string }>(
    `SELECT count(*) AS n FROM webhook_events WHERE status <> 'processed' AND raw_body LIKE $1`,
    { bind: [`%${TAG}%`], type: QueryTypes.SELECT },
  );
  return Number(row!.n);
}

function worker(url: string, stop: () => boolean): { done: Promise<void>; close(): Promise<void> } {
  const sequelize = createSequelize({ url, poolMax: 5 });
  initModels(sequelize);
  const deps = {
    sequelize,
    metrics: new CountingWebhookMetrics(),
    retry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000 },
    leaseMs: 60_000,
    batchSize: 20,
  };
  const done = (async () => {
    while (!stop()) {
      if ((await processDueEvents(deps)) === 0) await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return { done, close: () => sequelize.close() };
}

async function drain(sequelize: Sequelize, url: string, workers: number): Promise<number> {
  for (let i = 0; i < EVENTS; i += 1) await store(sequelize);
  const started = Date.now();
  let finished = false;
  const running = Array.from({ length: workers }, () => worker(url, () => finished));
  while ((await pending(sequelize)) > 0) await new Promise((r) => setTimeout(r, 50));
  finished = true;
  const seconds = (Date.now() - started) / 1000;
  await Promise.all(running.map((w) => w.done));
  await Promise.all(running.map((w) => w.close()));
  return EVENTS / seconds;
}

async function steadyLag(sequelize: Sequelize, url: string): Promise<Record<string, number>> {
  let finished = false;
  const running = worker(url, () => finished);
  const since = new Date();
  const seconds = 10;
  for (let i = 0; i < RATE * seconds; i += 1) {
    await store(sequelize);
    await new Promise((r) => setTimeout(r, 1000 / RATE));
  }
  while ((await pending(sequelize)) > 0) await new Promise((r) => setTimeout(r, 50));
  finished = true;
  await running.done;
  await running.close();
  const [row] = await sequelize.query<{ p50: number; p99: number; max: number }>(
    `SELECT
       percentile_cont(0.5) WITHIN GROUP (ORDER BY lag) AS p50,
       percentile_cont(0.99) WITHIN GROUP (ORDER BY lag) AS p99, max(lag) AS max
     FROM (SELECT extract(epoch FROM processed_at - received_at) * 1000 AS lag
           FROM webhook_events WHERE received_at >= $1 AND raw_body LIKE $2) l`,
    { bind: [since, `%${TAG}%`], type: QueryTypes.SELECT },
  );
  return {
    rate: RATE,
    p50_ms: Math.round(row!.p50),
    p99_ms: Math.round(row!.p99),
    max_ms: Math.round(row!.max),
  };
}

async function main(): Promise<void> {
  setLogLevel('warn');
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('Set DATABASE_URL to a PostgreSQL database');
  const sequelize = createSequelize({ url, poolMax: 5 });
  await migrate(sequelize);
  initModels(sequelize);
  const one = await drain(sequelize, url, 1);
  const two = await drain(sequelize, url, 2);
  console.table([
    { workers: 1, events: EVENTS, 'events/s': Math.round(one) },
    { workers: 2, events: EVENTS, 'events/s': Math.round(two) },
  ]);
  console.table([await steadyLag(sequelize, url)]);
  await sequelize.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
