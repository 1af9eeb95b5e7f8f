import type http from 'node:http';
import { createApp } from './app';
import type { AppConfig } from './config';
import { openDatabase, type Database } from './db/database';
import { addressOf, closeGracefully, listen } from './lifecycle/http-server';
import { syncCatalogAtStart } from './services/subscriptions/catalog-bootstrap';
import { createBillingGateway } from './stripe/billing-gateway';
import { logger } from './utils/logger';

/** A running service: HTTP API on top of its database. */
export interface RunningService {
  url: string;
  server: http.Server;
  database: Database;
  /** Graceful stop: no new connections, requests in flight finish, then everything closes. */
  stop(): Promise<void>;
}

/**
 * Whether the SDK has a Stripe to talk to: a secret key, or a sandbox on a known port.
 * Limitation: the built-in sandbox is not started by this entry point yet, because its
 * bootstrap (start it, register the webhook endpoint) is still being written; until then the
 * embedded mode skips the catalogue sync, and `npm run sandbox` with SANDBOX_PORT enables it.
 */
function sandboxEndpointKnown(config: AppConfig): boolean {
  return config.stripeMode !== 'sandbox' || config.sandboxPort !== 0;
}

export async function startService(config: AppConfig): Promise<RunningService> {
  const database = await openDatabase(config);
  const billing = createBillingGateway(config);
  const built = createApp({ config, sequelize: database.sequelize, billing });
  let server: http.Server;
  try {
    server = await listen(built.app, config.port, config.host);
  } catch (err) {
    await built.close();
    await database.close();
    throw err;
  }
  // The catalogue is created in Stripe in the background: start-up never waits on Stripe.
  const catalogSync = syncCatalogAtStart(config, billing, sandboxEndpointKnown(config));
  const { port } = addressOf(server);
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      logger.info('service stopping', {});
      await closeGracefully(server, Math.max(config.shutdownTimeoutMs - 1000, 500));
      await Promise.race([catalogSync, new Promise((resolve) => setTimeout(resolve, 2000))]);
      await built.close();
      await database.close();
      logger.info('service stopped', {});
    })();
    return stopping;
  };
  return { url, server, database, stop };
}
