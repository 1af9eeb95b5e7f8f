import type { Sequelize } from 'sequelize';
import type { AppConfig } from '../config';
import { initModels } from '../models';
import { createSequelize } from './connection';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded';
import { migrate } from './migrator';

/** The database of the process: the configured server, or the embedded one. */
export interface Database {
  sequelize: Sequelize;
  mode: 'embedded' | 'external';
  /** Host and port only, never credentials: safe for the banner. */
  description: string;
  close(): Promise<void>;
}

function describeUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
}

/** Connects (starting the embedded PostgreSQL when no DATABASE_URL), migrates, binds models. */
export async function openDatabase(
  config: AppConfig,
  options: { migrate?: boolean } = {},
): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let url = config.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir });
    url = embedded.url;
  }
  // Limitation: the embedded database is served through one pooled connection, because
  // pglite-socket interleaves extended-protocol messages (Parse/Bind/Execute) of concurrent
  // connections on its single session, which fails queries and can bind one statement's
  // parameters to another's; a socket server that keeps each batch together would lift it.
  const poolMax = embedded ? 1 : config.dbPoolMax;
  const sequelize = createSequelize({ url, poolMax });
  const close = async (): Promise<void> => {
    await sequelize.close();
    await embedded?.close();
  };
  try {
    await sequelize.authenticate();
    if (options.migrate !== false) await migrate(sequelize);
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
  initModels(sequelize);
  return {
    sequelize,
    mode: embedded ? 'embedded' : 'external',
    description: embedded ? `embedded PostgreSQL in ${config.dataDir}` : describeUrl(url),
    close,
  };
}
