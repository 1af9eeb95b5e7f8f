import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { openDatabase } from '../../db/database';
import { verifyAudit } from '../../services/audit-service';

/** `audit verify`: walks the hash chain; exits 1 when a row was edited, removed or inserted. */
export function registerAuditCommand(program: Command): void {
  const audit = program.command('audit').description('the hash-chained audit trail');
  audit
    .command('verify')
    .description('check that no audit row was edited, deleted or inserted')
    .action(async () => {
      const db = await openDatabase(loadConfig());
      try {
        const result = await verifyAudit();
        if (result.ok) {
          process.stdout.write(`Audit trail intact: ${result.rows} rows verified.\n`);
          return;
        }
        for (const p of result.problems) {
          process.stdout.write(`row ${p.id}: ${p.problem.replace('_', ' ')}\n`);
        }
        process.stdout.write(
          `Audit trail TAMPERED: ${result.problems.length} problem(s) in ${result.rows} rows.\n`,
        );
        process.exitCode = 1;
      } finally {
        await db.close();
      }
    });
}
