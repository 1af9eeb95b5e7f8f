import { QueryTypes, type Sequelize } from 'sequelize';
import { dailyReportRuns } from '../../metrics/registry';
import { logger } from '../../utils/logger';
import { computeDailyReport, readStoredReport } from './daily-report-service';

export interface ScheduleOptions {
  timeZone: string;
  lookbackDays: number;
  now?: () => Date;
}

export interface ScheduleRun {
  /** False when another instance held the scheduler lock. */
  ran: boolean;
  computed: string[];
}

/** Today's date in the zone, as YYYY-MM-DD. */
export function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}

function daysBefore(date: string, count: number): string[] {
  const base = Date.parse(`${date}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) =>
    new Date(base - (i + 1) * 86_400_000).toISOString().slice(0, 10),
  );
}

/**
 * One scheduled pass: stores the report of each of the last `lookbackDays` finished days that
 * has no complete report yet. Every instance runs this on a timer; it is safe to run anywhere:
 * the pass holds a transaction-scoped advisory lock (`pg_try_advisory_xact_lock`), so on a
 * shared PostgreSQL only one instance computes at a time and the others skip, and a day
 * already stored complete is skipped, so a pass that runs right after another does nothing.
 *
 * An advisory lock rather than pg-boss schedule(): the guarantee needed is "at most one
 * computation at a time, and each finished day stored once", which the lock plus the stored
 * completeness check give without a job queue schema, on PGlite and PostgreSQL alike, and
 * testably without waiting for a cron minute.
 */
export async function runDailyReportSchedule(
  sequelize: Sequelize,
  options: ScheduleOptions,
): Promise<ScheduleRun> {
  const today = localDate((options.now ?? (() => new Date()))(), options.timeZone);
  const dates = daysBefore(today, options.lookbackDays);
  return sequelize.transaction(async (transaction) => {
    const [lock] = await sequelize.query<{ locked: boolean }>(
      `SELECT pg_try_advisory_xact_lock(hashtext('daily_report_schedule')) AS locked`,
      { type: QueryTypes.SELECT, transaction },
    );
    if (!lock?.locked) {
      dailyReportRuns.inc({ outcome: 'skipped' });
      return { ran: false, computed: [] };
    }
    const computed: string[] = [];
    for (const date of dates) {
      const key = { date, timeZone: options.timeZone };
      const stored = await readStoredReport(sequelize, key, transaction);
      if (stored?.complete) continue;
      await computeDailyReport(sequelize, key, transaction);
      computed.push(date);
    }
    dailyReportRuns.inc({ outcome: computed.length ? 'computed' : 'skipped' });
    if (computed.length)
      logger.info('daily reports stored', { dates: computed, timeZone: options.timeZone });
    return { ran: true, computed };
  });
}

/** Runs the schedule every `intervalMs` on this instance; failures are logged and counted. */
export function startDailyReportTimer(
  sequelize: Sequelize,
  options: ScheduleOptions & { intervalMs: number },
): () => void {
  const tick = (): void => {
    runDailyReportSchedule(sequelize, options).catch((err: unknown) => {
      dailyReportRuns.inc({ outcome: 'failed' });
      logger.error('daily report schedule failed', { err });
    });
  };
  const timer = setInterval(tick, options.intervalMs);
  timer.unref();
  // The first pass waits for start-up traffic (first keys, webhook registration) to pass.
  const first = setTimeout(tick, 15_000);
  first.unref();
  return () => {
    clearInterval(timer);
    clearTimeout(first);
  };
}
