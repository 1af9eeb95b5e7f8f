import type { Sequelize } from 'sequelize';
import type { AppConfig } from '../config';
import { logger } from '../utils/logger';
import { startAlertTimer } from './alerts/alert-service';
import { sweepFraudSignals } from './fraud/fraud-signals';
import type { FraudServices } from './fraud/fraud-services';
import { startReviewDeadlineTimer } from './fraud/review-deadline';
import { startDailyReportTimer } from './reports/daily-report-scheduler';

/**
 * The ops timers of one instance: daily report schedule, alert evaluation, review deadline
 * warnings, reviews for early fraud warnings and risky Radar levels stored by the webhooks. Each is safe to run on every instance (see each module); returns a stop function.
 */
export function startOpsJobs(
  sequelize: Sequelize,
  config: AppConfig,
  fraud: FraudServices,
): () => void {
  const { ops } = config;
  const stops = [
    startDailyReportTimer(sequelize, {
      timeZone: ops.reportTimeZone,
      lookbackDays: ops.reportLookbackDays,
      intervalMs: ops.reportScheduleIntervalMs,
    }),
    startAlertTimer(sequelize, ops.alerts),
    startReviewDeadlineTimer(sequelize, ops.alerts.intervalMs, ops.fraudRulesFile),
    startFraudSignalTimer(sequelize, fraud, ops.alerts.intervalMs),
  ];
  return () => stops.forEach((stop) => stop());
}

function startFraudSignalTimer(
  sequelize: Sequelize,
  fraud: FraudServices,
  intervalMs: number,
): () => void {
  const timer = setInterval(() => {
    sweepFraudSignals(sequelize, fraud.rules, fraud.signals).catch((err: unknown) =>
      logger.error('fraud signal sweep failed', { err }),
    );
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
