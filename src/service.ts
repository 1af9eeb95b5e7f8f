import type http from 'node:http';
import { createApp } from './app';
import type { AppConfig } from './config';
import { openDatabase, type Database } from './db/database';
import { startWorker, type RunningWorker } from './jobs';
import { addressOf, closeGracefully, listen } from './lifecycle/http-server';
import { syncCatalogAtStart } from './services/subscriptions/catalog-bootstrap';
import { billingGatewayFor } from './stripe/billing-gateway';
import { ApiKeyService, OPS_SCOPES, STOREFRONT_SCOPES } from './services/api-key-service';
import type { WebhookMetrics } from './services/webhooks/webhook-metrics';
import { eventsGatewayFor } from './stripe/events-gateway';
import { startStripeRuntime, type StripeRuntime } from './stripe/stripe-runtime';
import { resolveKeyring } from './utils/encryption';
import { PrometheusWebhookMetrics } from './metrics/webhook-metrics-binding';
import { startOpsJobs } from './services/ops-jobs';
import { logger } from './utils/logger';

/** Keys made on the first start of an embedded data folder; shown once, never stored raw. */
export interface BootstrapKeys {
  storefront: string;
  ops: string;
}

/** A running service: HTTP API on top of its database. */
export interface RunningService {
  url: string;
  server: http.Server;
  database: Database;
  stripe: StripeRuntime;
  /** Set only on the first start of an embedded database. */
  bootstrapKeys?: BootstrapKeys;
  /** Graceful stop: no new connections, requests in flight finish, then everything closes. */
  stop(): Promise<void>;
}

/** First start of the embedded default: one storefront key and one ops key, printed once. */
async function bootstrapKeys(
  database: Database,
  keys: ApiKeyService,
): Promise<BootstrapKeys | undefined> {
  if (database.mode !== 'embedded' || (await keys.count()) > 0) return undefined;
  const storefront = await keys.create({ name: 'storefront', scopes: STOREFRONT_SCOPES });
  const ops = await keys.create({ name: 'ops', scopes: OPS_SCOPES });
  logger.info('first start: api keys created', {
    keyIds: [storefront.summary.id, ops.summary.id],
  });
  return { storefront: storefront.key, ops: ops.key };
}

/** What the process may share with its caller (the monitoring side binds the counters). */
export interface ServiceOptions {
  webhookMetrics?: WebhookMetrics;
}

/**
 * Starts what `config.serviceRole` asks for: the API, the worker, or both (the default). A
 * worker-only process still listens, serving /healthz and /readyz for its supervisor.
 */
export async function startService(
  config: AppConfig,
  options: ServiceOptions = {},
): Promise<RunningService> {
  const piiKeyring = resolveKeyring(config, { persist: true });
  const stripe = await startStripeRuntime(config);
  let database: Database;
  try {
    database = await openDatabase(config);
  } catch (err) {
    await stripe.close();
    throw err;
  }
  const billing = billingGatewayFor(config, stripe.sandboxUrl);
  const webhookMetrics = options.webhookMetrics ?? new PrometheusWebhookMetrics();
  const worker: RunningWorker | undefined =
    config.serviceRole === 'api'
      ? undefined
      : startWorker({
          config,
          sequelize: database.sequelize,
          metrics: webhookMetrics,
          gateway: eventsGatewayFor(config, stripe.sandboxUrl),
        });
  // Shared by reference with the app: the sandbox's secret is added once the app listens.
  const webhookSecrets = [...config.stripeWebhookSecrets];
  const serveApi = config.serviceRole !== 'worker';
  const built = createApp({
    config,
    sequelize: database.sequelize,
    stripe: stripe.gateway,
    billing,
    piiKeyring,
    webhookSecrets,
    webhookMetrics,
    serveApi,
    readiness: worker ? { worker: worker.ready } : {},
  });
  let server: http.Server;
  let keys: BootstrapKeys | undefined;
  let url: string;
  try {
    server = await listen(built.app, config.port, config.host);
    const { port } = addressOf(server);
    url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
    const secret = serveApi ? await stripe.registerWebhookEndpoint(url) : undefined;
    if (secret) webhookSecrets.push(secret);
    keys = await bootstrapKeys(database, new ApiKeyService(database.sequelize));
  } catch (err) {
    await worker?.stop();
    await built.close();
    await database.close();
    await stripe.close();
    throw err;
  }
  // The catalogue is created in Stripe in the background: start-up never waits on Stripe.
  const catalogSync = serveApi ? syncCatalogAtStart(config, billing) : Promise.resolve();

  // Reports, alerts and review deadlines run beside the worker; each is safe on many instances.
  const stopOpsJobs = worker
    ? startOpsJobs(database.sequelize, config, built.fraud)
    : () => undefined;

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      logger.info('service stopping', {});
      stopOpsJobs();
      await closeGracefully(server, Math.max(config.shutdownTimeoutMs - 1000, 500));
      await Promise.race([catalogSync, new Promise((resolve) => setTimeout(resolve, 2000))]);
      await worker?.stop();
      await built.close();
      await stripe.close();
      await database.close();
      logger.info('service stopped', {});
    })();
    return stopping;
  };
  return { url, server, database, stripe, bootstrapKeys: keys, stop };
}
