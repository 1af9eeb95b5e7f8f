import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { createSequelize } from '../../src/db/connection';
import { createMigrator, migrate } from '../../src/db/migrator';

describe('migrations', () => {
  const sequelize = createSequelize({ url: process.env.DATABASE_URL!, poolMax: 2 });
  afterAll(() => sequelize.close());

  test('When migrations run again on a migrated database, then nothing is applied twice', async () => {
    expect(await migrate(sequelize)).toEqual([]);
    const pending = await createMigrator(sequelize).pending();
    expect(pending).toEqual([]);
    const executed = await createMigrator(sequelize).executed();
    expect(executed.map((m) => m.name)).toEqual(
      expect.arrayContaining(['0001-foundation', '0002-core-domain']),
    );
    expect(executed.every((m) => !/\.(ts|js)$/.test(m.name))).toBe(true);
  });

  test('When a migration fails, then migrate rejects and the failed one is not recorded', async () => {
    const suffix = randomUUID().replace(/-/g, '').slice(0, 12);
    const tableName = `migrations_probe_${suffix}`;
    process.env.MIGRATION_TEST_TABLE = `probe_${suffix}`;
    const dir = path.resolve(__dirname, '../fixtures/migrations-failing');
    try {
      await expect(migrate(sequelize, { dir, tableName })).rejects.toThrow(
        /no_such_table_anywhere/,
      );
      const rows = await sequelize.query<{ name: string }>(`SELECT name FROM "${tableName}"`, {
        type: QueryTypes.SELECT,
      });
      expect(rows.map((r) => r.name)).toEqual(['0001-good']);
    } finally {
      await sequelize.query(`DROP TABLE IF EXISTS ${tableName}, probe_${suffix}`);
    }
  });
});
