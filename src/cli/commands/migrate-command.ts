import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { openDatabase } from '../../db/database';
import { migrate } from '../../db/migrator';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(async () => {
      const db = await openDatabase(loadConfig(), { migrate: false });
      try {
        const applied = await migrate(db.sequelize);
        process.stdout.write(
          applied.length ? `Applied: ${applied.join(', ')}\n` : 'Nothing to migrate.\n',
        );
      } finally {
        await db.close();
      }
    });
}
