import type http from 'node:http';
import { createApp } from './app';
import type { AppConfig } from './config';
import { openDatabase, type Database } from './db/database';
import { addressOf, closeGracefully, listen } from './lifecycle/http-server';
import { startOpsJobs } from './services/ops-jobs';
import { logger } from './utils/logger';

/** A running service: HTTP API on top of its database. */
export interface RunningService {
  url: string;
  server: http.Server;
  database: Database;
  /** Graceful stop: no new connections, requests in flight finish, then everything closes. */
  stop(): Promise<void>;
}

export async function startService(config: AppConfig): Promise<RunningService> {
  const database = await openDatabase(config);
  const built = createApp({ config, sequelize: database.sequelize });
  let server: http.Server;
  try {
    server = await listen(built.app, config.port, config.host);
  } catch (err) {
    await built.close();
    await database.close();
    throw err;
  }
  const stopOpsJobs = startOpsJobs(database.sequelize, config);
  const { port } = addressOf(server);
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      logger.info('service stopping', {});
      stopOpsJobs();
      await closeGracefully(server, Math.max(config.shutdownTimeoutMs - 1000, 500));
      await built.close();
      await database.close();
      logger.info('service stopped', {});
    })();
    return stopping;
  };
  return { url, server, database, stop };
}
