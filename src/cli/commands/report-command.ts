import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { openDatabase } from '../../db/database';
import {
  assertDate,
  assertTimeZone,
  computeDailyReport,
  datesBetween,
  getDailyReport,
} from '../../services/reports/daily-report-service';

interface ReportOptions {
  date?: string;
  from?: string;
  to?: string;
  tz?: string;
  recompute?: boolean;
}

/** `report --date D` prints what GET /v1/reports/daily?date=D answers; a range prints the list. */
export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('print the daily report JSON of a day (or of each day from --from to --to)')
    .option('--date <YYYY-MM-DD>', 'the day')
    .option('--from <YYYY-MM-DD>', 'first day of a range')
    .option('--to <YYYY-MM-DD>', 'last day of a range')
    .option('--tz <zone>', 'IANA time zone (default REPORT_TIME_ZONE, UTC)')
    .option('--recompute', 'compute again and overwrite the stored report')
    .action(async (options: ReportOptions) => {
      const config = loadConfig();
      const timeZone = assertTimeZone(options.tz ?? config.ops.reportTimeZone);
      const dates = options.date
        ? [assertDate(options.date, 'date')]
        : datesBetween(assertDate(options.from, 'from'), assertDate(options.to, 'to'));
      const db = await openDatabase(config);
      try {
        const reports = [];
        for (const date of dates) {
          const key = { date, timeZone };
          reports.push(
            options.recompute
              ? await computeDailyReport(db.sequelize, key)
              : await getDailyReport(db.sequelize, key),
          );
        }
        const output = options.date
          ? reports[0]
          : { object: 'list', time_zone: timeZone, data: reports };
        process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
      } finally {
        await db.close();
      }
    });
}
