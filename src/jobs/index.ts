import type { Sequelize } from 'sequelize';
import type { AppConfig } from '../config';
import type { ReadinessCheck } from '../routes/health-routes';
import {
  recoverMissedEvents,
  refreshStuckPayments,
} from '../services/webhooks/reconciliation-service';
import type { WebhookMetrics } from '../services/webhooks/webhook-metrics';
import type { StripeEventsGateway } from '../stripe/events-gateway';
import { logger } from '../utils/logger';
import type { RetryPolicy } from './lease-queue';
import { deliverDueNotifications } from './notification-deliverer';
import { startPollingLoop, type PollingLoop } from './polling-loop';
import { processDueEvents } from './webhook-processor';

export interface WorkerDeps {
  config: AppConfig;
  sequelize: Sequelize;
  metrics: WebhookMetrics;
  /** Stripe reads for reconciliation; without it reconciliation does not run. */
  gateway?: StripeEventsGateway;
}

export interface RunningWorker {
  stop(): Promise<void>;
  /** For /readyz: every loop of the worker is running and its last poll succeeded. */
  ready: ReadinessCheck;
}

function retryPolicy(config: AppConfig): RetryPolicy {
  return {
    maxAttempts: config.worker.maxAttempts,
    baseDelayMs: config.worker.retryBaseMs,
    maxDelayMs: config.worker.retryMaxMs,
  };
}

/**
 * Starts the background worker of this process: the webhook inbox, the notification outbox
 * (when a storefront URL is configured) and the reconciliation schedule (when Stripe can be
 * read). Any number of processes may run it against one database.
 */
export function startWorker(deps: WorkerDeps): RunningWorker {
  const { config, sequelize, metrics } = deps;
  const w = config.worker;
  const base = { sequelize, metrics, retry: retryPolicy(config), leaseMs: w.leaseMs };
  const loops: PollingLoop[] = [
    startPollingLoop('webhook-inbox', w.pollIntervalMs, () =>
      processDueEvents({ ...base, batchSize: w.batchSize }),
    ),
  ];
  const { url, secret } = config.notifications;
  if (url && secret) {
    const settings = { ...config.notifications, url, secret };
    loops.push(
      startPollingLoop('notification-outbox', w.pollIntervalMs, () =>
        deliverDueNotifications({ ...base, settings, batchSize: w.batchSize }),
      ),
    );
  }
  const { gateway } = deps;
  if (gateway && w.reconcileIntervalMs > 0) {
    loops.push(
      startPollingLoop('reconciliation', w.reconcileIntervalMs, async () => {
        await recoverMissedEvents(sequelize, gateway);
        await refreshStuckPayments(sequelize, gateway, w.stuckPaymentAfterMs);
        return 0;
      }),
    );
  }
  logger.info('worker started', { loops: loops.length });
  return {
    async stop() {
      await Promise.all(loops.map((l) => l.stop()));
      logger.info('worker stopped', {});
    },
    ready: () => Promise.resolve(loops.every((l) => l.healthy())),
  };
}
