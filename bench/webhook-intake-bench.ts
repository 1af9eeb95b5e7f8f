/**
 * Intake throughput: POST /webhooks/stripe (signature check + one INSERT … ON CONFLICT) at 32
 * concurrent deliveries against the real PostgreSQL, next to the ceiling of the same machine: a
 * bare node:http server doing only that INSERT. Every request carries a fresh event id and a
 * valid signature, made by autocannon's setupRequest in both runs.
 *
 *   DATABASE_URL=postgres://… npx tsx bench/webhook-intake-bench.ts [seconds]
 *   (BENCH_LOG_LEVEL=info to include the per-request access log line; default warn)
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { Pool } from 'pg';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { createSequelize } from '../src/db/connection';
import { migrate } from '../src/db/migrator';
import { addressOf, listen } from '../src/lifecycle/http-server';
import { initModels } from '../src/models';
import { signPayloadForTest } from '../src/stripe/webhook-signature';
import { setLogLevel } from '../src/utils/logger';

const SECRET = 'whsec_benchmarksecret0001';
const SECONDS = Number(process.argv[2] ?? 10);
const CONNECTIONS = 32;

function delivery(): { body: string; headers: Record<string, string> } {
  const id = `evt_${randomBytes(12).toString('hex')}`;
  const body = JSON.stringify({
    id,
    object: 'event',
    api_version: '2026-11-18.endive',
    created: Math.floor(Date.now() / 1000),
    type: 'issuing_card.created',
    livemode: false,
    data: { object: { id: `ic_${id.slice(4)}`, object: 'issuing_card' } },
  });
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'stripe-signature': signPayloadForTest(body, SECRET),
    },
  };
}

async function load(url: string): Promise<autocannon.Result> {
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    method: 'POST',
    requests: [{ setupRequest: (req) => ({ ...req, ...delivery() }) }],
  });
}

/** The ceiling: parse nothing, verify nothing, one INSERT per request on a pool of 5. */
async function bareServer(databaseUrl: string): Promise<{ url: string; close(): Promise<void> }> {
  const pool = new Pool({ connectionString: databaseUrl, max: 5 });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const id = /"id":"(evt_\w+)"/.exec(raw)?.[1] ?? `evt_${randomBytes(12).toString('hex')}`;
      pool
        .query(
          `INSERT INTO webhook_events (id, type, stripe_created, source, raw_body)
           VALUES ($1, 'bench', 0, 'webhook', $2) ON CONFLICT (id) DO NOTHING`,
          [id, raw],
        )
        .then(
          () => res.writeHead(200).end('{"received":true}'),
          () => res.writeHead(500).end(),
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/webhooks/stripe`,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await pool.end();
    },
  };
}

function summary(name: string, r: autocannon.Result): Record<string, string | number> {
  return {
    run: name,
    'events/s': Math.round(r.requests.average),
    p50_ms: r.latency.p50,
    p99_ms: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
  };
}

async function main(): Promise<void> {
  // The access log writes a line per request at info; BENCH_LOG_LEVEL=info measures with it.
  setLogLevel(process.env.BENCH_LOG_LEVEL ?? 'warn');
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('Set DATABASE_URL to a PostgreSQL database');
  const config = loadConfig({
    ...process.env,
    LOG_LEVEL: 'silent',
    STRIPE_WEBHOOK_SECRET: SECRET,
    NODE_ENV: 'test',
  });
  const sequelize = createSequelize({ url: databaseUrl, poolMax: 5 });
  await migrate(sequelize);
  initModels(sequelize);

  const bare = await bareServer(databaseUrl);
  const ceiling = await load(bare.url);
  await bare.close();

  const built = createApp({ config, sequelize, rateLimitPrefix: 'bench:' });
  const server = await listen(built.app, 0, '127.0.0.1');
  const intake = await load(`http://127.0.0.1:${addressOf(server).port}/webhooks/stripe`);
  await new Promise((resolve) => server.close(resolve));
  await built.close();
  await sequelize.query(
    `DELETE FROM webhook_events WHERE type IN ('bench', 'issuing_card.created')`,
  );
  await sequelize.close();

  console.table([
    summary('ceiling: node:http + INSERT', ceiling),
    summary('POST /webhooks/stripe', intake),
  ]);
  const share = intake.requests.average / ceiling.requests.average;
  console.log(`intake reaches ${(share * 100).toFixed(0)}% of the ceiling`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
