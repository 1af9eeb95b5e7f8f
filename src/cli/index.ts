import { Command } from 'commander';
import { loadConfig, loadDotEnv } from '../config';
import { openDatabase } from '../db/database';
import { migrate } from '../db/migrator';
import { setLogLevel } from '../utils/logger';

/**
 * Operator commands. Each opens the configured database (embedded when DATABASE_URL is unset);
 * output meant for scripts goes to stdout, diagnostics to the logger.
 */
const program = new Command()
  .name('payments-cli')
  .description('Operate the payments service')
  .showHelpAfterError();

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(async () => {
    const config = loadConfig();
    const db = await openDatabase(config, { migrate: false });
    try {
      const applied = await migrate(db.sequelize);
      process.stdout.write(
        applied.length ? `Applied: ${applied.join(', ')}\n` : 'Nothing to migrate.\n',
      );
    } finally {
      await db.close();
    }
  });

async function main(): Promise<void> {
  loadDotEnv();
  setLogLevel(process.env.LOG_LEVEL ?? 'warn');
  await program.parseAsync(process.argv);
}

main().catch((err: unknown) => {
  process.stderr.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
