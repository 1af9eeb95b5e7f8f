import { QueryTypes, type Sequelize } from 'sequelize';
import type { AlertThresholds } from '../../config/ops-config';
import { GAUGE_SOURCES } from '../../metrics/db-gauges';
import { alertActive, alertsFired, stripeCallsTotal } from '../../metrics/registry';
import { logger } from '../../utils/logger';

export type AlertName = 'low_success_rate' | 'inbox_lag' | 'failed_events' | 'stripe_error_rate';

export interface AlertResult {
  alert: AlertName;
  active: boolean;
  /** What was measured, logged with the warning. */
  fields: Record<string, number | null>;
}

type Row = Record<string, string | number | boolean | null>;

/** Card declines are the shopper's, not a Stripe fault: they do not count as Stripe errors. */
const NOT_STRIPE_FAULTS = new Set(['success', 'StripeCardError']);

interface CallSample {
  at: number;
  calls: number;
  errors: number;
}

/**
 * Evaluates the alert conditions and reports each as a structured warning when it starts to
 * hold (and an info line when it clears), plus the `ops_alert_active` gauge. Payment and inbox
 * figures come from PostgreSQL, so every instance sees the same; the Stripe error rate is this
 * instance's own calls over the window.
 */
export class AlertMonitor {
  private readonly active = new Map<AlertName, boolean>();
  private readonly samples: CallSample[] = [];

  constructor(
    private readonly sequelize: Sequelize,
    private readonly thresholds: AlertThresholds,
    private readonly now: () => number = Date.now,
    private readonly inboxTable: string = GAUGE_SOURCES.webhookInbox,
  ) {}

  async evaluate(): Promise<AlertResult[]> {
    const results = [
      await this.successRate(),
      ...(await this.inbox()),
      await this.stripeErrorRate(),
    ];
    for (const result of results) this.publish(result);
    return results;
  }

  private publish({ alert, active, fields }: AlertResult): void {
    const was = this.active.get(alert) ?? false;
    alertActive.set({ alert }, active ? 1 : 0);
    this.active.set(alert, active);
    if (active && !was) {
      alertsFired.inc({ alert });
      logger.warn('alert firing', { alert, ...fields });
    } else if (!active && was) {
      logger.info('alert resolved', { alert, ...fields });
    }
  }

  private async query(sql: string, replacements: unknown[] = []): Promise<Row | undefined> {
    const [row] = await this.sequelize.query<Row>(sql, { type: QueryTypes.SELECT, replacements });
    return row;
  }

  private async successRate(): Promise<AlertResult> {
    const { windowSeconds, minAttempts, minSuccessRate } = this.thresholds;
    const row = await this.query(
      `SELECT count(*) FILTER (WHERE status = 'succeeded') AS succeeded,
              count(*) FILTER (WHERE status <> 'succeeded' AND payment_failed) AS failed
       FROM payments WHERE created_at >= now() - interval '1 second' * ?`,
      [windowSeconds],
    );
    const succeeded = Number(row?.succeeded ?? 0);
    const attempted = succeeded + Number(row?.failed ?? 0);
    const rate = attempted === 0 ? null : succeeded / attempted;
    const active = attempted >= minAttempts && rate !== null && rate < minSuccessRate;
    return {
      alert: 'low_success_rate',
      active,
      fields: { successRate: rate, attempted, threshold: minSuccessRate, windowSeconds },
    };
  }

  private async inbox(): Promise<AlertResult[]> {
    const table = this.inboxTable;
    const present = await this.query('SELECT to_regclass(?) IS NOT NULL AS present', [table]);
    let lag = 0;
    let failed = 0;
    if (present?.present === true) {
      const row = await this.query(
        `SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(received_at)
                  FILTER (WHERE status IN ('pending', 'processing'))), 0) AS lag,
                count(*) FILTER (WHERE status = 'failed') AS failed
         FROM ${table} WHERE status IN ('pending', 'processing', 'failed')`,
      );
      lag = Number(row?.lag ?? 0);
      failed = Number(row?.failed ?? 0);
    }
    const max = this.thresholds.maxInboxLagSeconds;
    return [
      { alert: 'inbox_lag', active: lag > max, fields: { lagSeconds: lag, threshold: max } },
      { alert: 'failed_events', active: failed > 0, fields: { failedEvents: failed } },
    ];
  }

  // Limitation: the Stripe error rate is this instance's own calls, because the counters live
  // in process memory; an alert on the summed Prometheus counters covers the whole fleet.
  private async stripeErrorRate(): Promise<AlertResult> {
    const { windowSeconds, maxStripeErrorRate, minStripeCalls } = this.thresholds;
    const at = this.now();
    let calls = 0;
    let errors = 0;
    for (const v of (await stripeCallsTotal.get()).values) {
      calls += v.value;
      if (!NOT_STRIPE_FAULTS.has(String(v.labels.outcome))) errors += v.value;
    }
    this.samples.push({ at, calls, errors });
    while (this.samples.length > 1 && this.samples[1]!.at <= at - windowSeconds * 1000) {
      this.samples.shift();
    }
    const base = this.samples[0]!;
    const windowCalls = calls - base.calls;
    const windowErrors = errors - base.errors;
    const rate = windowCalls === 0 ? null : windowErrors / windowCalls;
    const active = windowCalls >= minStripeCalls && rate !== null && rate > maxStripeErrorRate;
    return {
      alert: 'stripe_error_rate',
      active,
      fields: { errorRate: rate, calls: windowCalls, threshold: maxStripeErrorRate },
    };
  }
}

/** Evaluates the alerts every `intervalMs` on this instance. */
export function startAlertTimer(sequelize: Sequelize, thresholds: AlertThresholds): () => void {
  const monitor = new AlertMonitor(sequelize, thresholds);
  const tick = (): void => {
    monitor.evaluate().catch((err: unknown) => logger.error('alert evaluation failed', { err }));
  };
  const timer = setInterval(tick, thresholds.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
