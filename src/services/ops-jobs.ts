import type { Sequelize } from 'sequelize';
import type { AppConfig } from '../config';
import { startAlertTimer } from './alerts/alert-service';
import { startReviewDeadlineTimer } from './fraud/review-deadline';
import { startDailyReportTimer } from './reports/daily-report-scheduler';

/**
 * The ops timers of one instance: daily report schedule, alert evaluation, review deadline
 * warnings. Each is safe to run on every instance (see each module); returns a stop function.
 */
export function startOpsJobs(sequelize: Sequelize, config: AppConfig): () => void {
  const { ops } = config;
  const stops = [
    startDailyReportTimer(sequelize, {
      timeZone: ops.reportTimeZone,
      lookbackDays: ops.reportLookbackDays,
      intervalMs: ops.reportScheduleIntervalMs,
    }),
    startAlertTimer(sequelize, ops.alerts),
    startReviewDeadlineTimer(sequelize, ops.alerts.intervalMs, ops.fraudRulesFile),
  ];
  return () => stops.forEach((stop) => stop());
}
