import { createSequelize } from '../../src/db/connection';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded';
import { migrate } from '../../src/db/migrator';
import { setLogLevel } from '../../src/utils/logger';

declare global {
  var __EMBEDDED_PG__: EmbeddedPostgres | undefined;
}

/**
 * One database for the whole run: DATABASE_URL when set (CI: the local PostgreSQL), else an
 * in-memory embedded PostgreSQL started here, outside jest's module sandbox (PGlite's dynamic
 * imports do not run inside it). Migrations run once; suites make their own data.
 */
export default async function globalSetup(): Promise<void> {
  setLogLevel(process.env.LOG_LEVEL ?? 'silent');
  if (!process.env.DATABASE_URL) {
    globalThis.__EMBEDDED_PG__ = await startEmbeddedPostgres({ maxConnections: 60 });
    process.env.DATABASE_URL = globalThis.__EMBEDDED_PG__.url;
    process.env.TEST_EMBEDDED_DB = '1';
  }
  const sequelize = createSequelize({ url: process.env.DATABASE_URL, poolMax: 1 });
  try {
    await migrate(sequelize);
  } finally {
    await sequelize.close();
  }
}
