import { randomUUID } from 'node:crypto';
import type { Sequelize } from 'sequelize';
import { createApp, type AppDeps, type BuiltApp } from '../../src/app';
import { loadConfig, type AppConfig } from '../../src/config';
import { createSequelize } from '../../src/db/connection';
import { initModels } from '../../src/models';

/** Configuration for tests: the run's database, test defaults, overridable per test. */
export function testConfig(env: Record<string, string> = {}): AppConfig {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...process.env, ...env });
}

export interface TestContext {
  config: AppConfig;
  sequelize: Sequelize;
  built: BuiltApp;
  close(): Promise<void>;
}

/** A connected app for one test file; close it in afterAll. */
export async function startTestApp(
  env: Record<string, string> = {},
  deps: Partial<AppDeps> = {},
): Promise<TestContext> {
  const config = testConfig(env);
  const sequelize = createSequelize({
    url: config.databaseUrl!,
    // The embedded PostgreSQL takes one connection per pool, as the service does in that mode
    // (see src/db/database.ts): its socket server mixes concurrent connections' messages.
    poolMax: process.env.TEST_EMBEDDED_DB ? 1 : 5,
    statementTimeoutMs: 10_000,
  });
  initModels(sequelize);
  const built = createApp({ config, sequelize, rateLimitPrefix: `t${randomUUID()}:`, ...deps });
  return {
    config,
    sequelize,
    built,
    async close() {
      await built.close();
      await sequelize.close();
    },
  };
}
