import path from 'node:path';
import { Sequelize } from 'sequelize';
import { SequelizeStorage, Umzug } from 'umzug';
import { logger } from '../utils/logger';

export type MigrationContext = ReturnType<Sequelize['getQueryInterface']>;

const MIGRATIONS_DIR = path.join(__dirname, 'migrations');

export interface MigratorOptions {
  /** Folder of migration files; the service's own by default. */
  dir?: string;
  /** Table recording applied migrations. */
  tableName?: string;
}

export function createMigrator(
  sequelize: Sequelize,
  options: MigratorOptions = {},
): Umzug<MigrationContext> {
  const migrationsDir = options.dir ?? MIGRATIONS_DIR;
  return new Umzug({
    migrations: {
      glob: ['*.{ts,js}', { cwd: migrationsDir, ignore: ['**/*.d.ts', '**/*.map'] }],
      // Names are stored without their extension, so the .ts files run by tsx and the
      // compiled .js files in dist/ are the same migrations to the database.
      resolve: ({ name, path: file, context }) => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const migration = require(file as string) as {
          up: (ctx: { context: MigrationContext }) => Promise<void>;
          down?: (ctx: { context: MigrationContext }) => Promise<void>;
        };
        return {
          name: path.parse(name).name,
          up: () => migration.up({ context }),
          down: () => migration.down?.({ context }) ?? Promise.resolve(),
        };
      },
    },
    context: sequelize.getQueryInterface(),
    storage: new SequelizeStorage({
      sequelize,
      tableName: options.tableName ?? 'schema_migrations',
      modelName: options.tableName ?? 'schema_migrations',
    }),
    logger: undefined,
  });
}

/** Applies pending migrations; a failure propagates so start-up stops. */
export async function migrate(sequelize: Sequelize, options?: MigratorOptions): Promise<string[]> {
  const applied = await createMigrator(sequelize, options).up();
  const names = applied.map((m) => m.name);
  if (names.length > 0) logger.info('migrations applied', { migrations: names });
  return names;
}
