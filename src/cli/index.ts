import { Command } from 'commander';
import { loadDotEnv } from '../config';
import { setLogLevel } from '../utils/logger';
import { registerAuditCommand } from './commands/audit-command';
import { registerEventsCommand } from './commands/events-command';
import { registerKeysCommand } from './commands/keys-command';
import { registerCatalogCommand } from './commands/catalog-command';
import { registerMigrateCommand } from './commands/migrate-command';
import { registerReportCommand } from './commands/report-command';

/**
 * Operator commands (`npm run cli -- <command>`). Each opens the configured database (embedded
 * when DATABASE_URL is unset); output meant for scripts goes to stdout, diagnostics to stderr.
 * Every command lives in its own file under commands/.
 */
const program = new Command()
  .name('payments-cli')
  .description('Operate the payments service')
  .showHelpAfterError();

registerMigrateCommand(program);
registerKeysCommand(program);
registerAuditCommand(program);
registerCatalogCommand(program);
registerEventsCommand(program);
registerReportCommand(program);

async function main(): Promise<void> {
  loadDotEnv();
  setLogLevel(process.env.LOG_LEVEL ?? 'warn');
  await program.parseAsync(process.argv);
}

main().catch((err: unknown) => {
  process.stderr.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
