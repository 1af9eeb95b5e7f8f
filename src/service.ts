import type http from 'node:http';
import { createApp } from './app';
import type { AppConfig } from './config';
import { openDatabase, type Database } from './db/database';
import { startWorker, type RunningWorker } from './jobs';
import { addressOf, closeGracefully, listen } from './lifecycle/http-server';
import { CountingWebhookMetrics, type WebhookMetrics } from './services/webhooks/webhook-metrics';
import type { StripeEventsGateway } from './stripe/events-gateway';
import { logger } from './utils/logger';

/** A running service: HTTP API on top of its database. */
export interface RunningService {
  url: string;
  server: http.Server;
  database: Database;
  /** Graceful stop: no new connections, requests in flight finish, then everything closes. */
  stop(): Promise<void>;
}

/** What the process shares between its HTTP side and its worker. */
export interface ServiceOptions {
  webhookMetrics?: WebhookMetrics;
  /** Stripe reads for reconciliation. */
  eventsGateway?: StripeEventsGateway;
}

/**
 * Starts what `config.serviceRole` asks for: the API, the worker, or both (the default). A
 * worker-only process still listens, serving /healthz and /readyz for its supervisor.
 */
export async function startService(
  config: AppConfig,
  options: ServiceOptions = {},
): Promise<RunningService> {
  const database = await openDatabase(config);
  const webhookMetrics = options.webhookMetrics ?? new CountingWebhookMetrics();
  const worker: RunningWorker | undefined =
    config.serviceRole === 'api'
      ? undefined
      : startWorker({
          config,
          sequelize: database.sequelize,
          metrics: webhookMetrics,
          gateway: options.eventsGateway,
        });
  const built = createApp({
    config,
    sequelize: database.sequelize,
    webhookMetrics,
    serveApi: config.serviceRole !== 'worker',
    readiness: worker ? { worker: worker.ready } : {},
  });
  let server: http.Server;
  try {
    server = await listen(built.app, config.port, config.host);
  } catch (err) {
    await worker?.stop();
    await built.close();
    await database.close();
    throw err;
  }
  const { port } = addressOf(server);
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      logger.info('service stopping', {});
      await closeGracefully(server, Math.max(config.shutdownTimeoutMs - 1000, 500));
      await worker?.stop();
      await built.close();
      await database.close();
      logger.info('service stopped', {});
    })();
    return stopping;
  };
  return { url, server, database, stop };
}
