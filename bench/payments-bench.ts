/**
 * POST /v1/payments (create + confirm with pm_card_visa) at 32 concurrent clients against the
 * built-in sandbox, next to the same Stripe call made directly with the SDK on the same
 * sandbox, so the service's own cost (auth, validation, idempotency, database, audit) shows
 * as the difference.
 *
 *   npx tsx bench/payments-bench.ts                    # embedded PostgreSQL (PGlite)
 *   DATABASE_URL=postgres://… npx tsx bench/payments-bench.ts
 *   BENCH_SECONDS=20 BENCH_CONNECTIONS=32 npx tsx bench/payments-bench.ts
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import Stripe from 'stripe';
import { createApp } from '../src/app';
import { closeGracefully } from '../src/lifecycle/http-server';
import { loadConfig } from '../src/config';
import { createSequelize } from '../src/db/connection';
import { startEmbeddedPostgres } from '../src/db/embedded';
import { migrate } from '../src/db/migrator';
import { initModels } from '../src/models';
import { startSandbox } from '../src/sandbox';
import { ApiKeyService, STOREFRONT_SCOPES } from '../src/services/api-key-service';
import { createGateway } from '../src/stripe/default-gateway';
import { setLogLevel } from '../src/utils/logger';

interface CannonRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}
interface CannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
/** autocannon ships no types; this is the part of its API the bench uses. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (options: {
  url: string;
  connections: number;
  duration: number;
  requests: (CannonRequest & { setupRequest?: (req: CannonRequest) => CannonRequest })[];
}) => Promise<CannonResult>;

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const BODY = { amount: 1999, currency: 'usd', payment_method: 'pm_card_visa', confirm: true };

interface Figures {
  callsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** The same call through the SDK, 32 callers in a closed loop, for the same duration. */
async function sdkDirect(port: number): Promise<Figures> {
  const stripe = new Stripe('sk_test_bench', {
    host: '127.0.0.1',
    port,
    protocol: 'http',
    maxNetworkRetries: 0,
    httpAgent: new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS }),
  });
  const latencies: number[] = [];
  let errors = 0;
  const until = Date.now() + SECONDS * 1000;
  const worker = async (): Promise<void> => {
    while (Date.now() < until) {
      const started = performance.now();
      try {
        await stripe.paymentIntents.create({ ...BODY });
        latencies.push(performance.now() - started);
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  latencies.sort((a, b) => a - b);
  return {
    callsPerSecond: latencies.length / SECONDS,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors,
  };
}

async function throughService(url: string, key: string): Promise<Figures> {
  let n = 0;
  const result = await autocannon({
    url: `${url}/v1/payments`,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => ({
          ...req,
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${key}`,
            'idempotency-key': `bench-${process.pid}-${(n += 1)}`,
          },
          body: JSON.stringify(BODY),
        }),
      },
    ],
  });
  return {
    callsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors,
  };
}

async function main(): Promise<void> {
  setLogLevel('error');
  const embedded = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres();
  const databaseUrl = process.env.DATABASE_URL ?? embedded!.url;
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: databaseUrl,
    RATE_LIMIT_MAX: '100000000',
    LOG_LEVEL: 'error',
  });
  const sequelize = createSequelize({ url: databaseUrl, poolMax: config.dbPoolMax });
  await migrate(sequelize);
  initModels(sequelize);
  const sandbox = await startSandbox({ port: 0 });
  const built = createApp({ config, sequelize, stripe: createGateway(config, sandbox) });
  const server = http.createServer(built.app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { key } = await new ApiKeyService(sequelize).create({
    name: 'bench',
    scopes: STOREFRONT_SCOPES,
  });

  const direct = await sdkDirect(sandbox.port);
  const service = await throughService(url, key);
  const round = (x: number): number => Math.round(x * 10) / 10;
  const table = [
    '| path | calls/s | p50 ms | p99 ms | errors |',
    '| --- | --- | --- | --- | --- |',
    `| SDK → sandbox (direct) | ${round(direct.callsPerSecond)} | ${round(direct.p50)} | ${round(direct.p99)} | ${direct.errors} |`,
    `| HTTP → service → SDK → sandbox | ${round(service.callsPerSecond)} | ${round(service.p50)} | ${round(service.p99)} | ${service.errors} |`,
  ].join('\n');
  process.stdout.write(
    [
      `${CONNECTIONS} connections, ${SECONDS} s each, database: ${embedded ? 'embedded PGlite' : 'PostgreSQL'}`,
      `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}`,
      table,
      `service overhead at p50: ${round(service.p50 - direct.p50)} ms`,
      '',
    ].join('\n'),
  );

  await closeGracefully(server, 5000);
  await built.close();
  await sandbox.close();
  await sequelize.close();
  await embedded?.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
