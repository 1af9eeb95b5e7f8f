import { QueryTypes, type Sequelize } from 'sequelize';
import type { NotificationSettings } from '../config';
import {
  NOTIFICATION_SIGNATURE_HEADER,
  signNotification,
} from '../services/notifications/notification-signature';
import type { WebhookMetrics } from '../services/webhooks/webhook-metrics';
import { logger } from '../utils/logger';
import { claimDue, releaseFailed, type Claim, type RetryPolicy } from './lease-queue';

export interface NotificationDelivererDeps {
  sequelize: Sequelize;
  settings: NotificationSettings & { url: string; secret: string };
  metrics: WebhookMetrics;
  retry: RetryPolicy;
  leaseMs: number;
  batchSize: number;
}

interface AttemptResult {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

async function post(deps: NotificationDelivererDeps, body: string): Promise<AttemptResult> {
  const started = Date.now();
  const timestamp = Math.floor(started / 1000);
  try {
    const res = await fetch(deps.settings.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [NOTIFICATION_SIGNATURE_HEADER]: signNotification(body, deps.settings.secret, timestamp),
      },
      body,
      signal: AbortSignal.timeout(deps.settings.timeoutMs),
      redirect: 'error',
    });
    await res.arrayBuffer().catch(() => undefined);
    const ok = res.status >= 200 && res.status < 300;
    return {
      statusCode: res.status,
      error: ok ? null : `storefront answered ${res.status}`,
      durationMs: Date.now() - started,
    };
  } catch (err) {
    const name = err instanceof Error ? err.name : 'Error';
    return { statusCode: null, error: `request failed: ${name}`, durationMs: Date.now() - started };
  }
}

async function deliver(deps: NotificationDelivererDeps, claim: Claim): Promise<void> {
  const { sequelize } = deps;
  const [row] = await sequelize.query<{ payload: unknown }>(
    'SELECT payload FROM notifications WHERE id = $1',
    { bind: [claim.id], type: QueryTypes.SELECT },
  );
  if (!row) return;
  const result = await post(deps, JSON.stringify(row.payload));
  await sequelize.query(
    `INSERT INTO notification_attempts
       (notification_id, attempt, url, status_code, error, duration_ms)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    {
      bind: [
        claim.id,
        claim.attempts,
        deps.settings.url,
        result.statusCode,
        result.error,
        result.durationMs,
      ],
    },
  );
  if (result.error === null) {
    await sequelize.query(
      `UPDATE notifications SET status = 'delivered', delivered_at = now(), locked_until = NULL,
         claim_token = NULL, last_error = NULL, updated_at = now()
       WHERE id = $1 AND claim_token = $2`,
      { bind: [claim.id, claim.claimToken] },
    );
    deps.metrics.increment('notification_delivered');
    return;
  }
  const next = await releaseFailed(sequelize, 'notifications', claim, deps.retry, result.error);
  if (next === 'failed') deps.metrics.increment('notification_failed');
  logger.warn('notification delivery failed', {
    notificationId: claim.id,
    attempt: claim.attempts,
    statusCode: result.statusCode,
    next,
  });
}

/**
 * One poll of the outbox: claims due notifications and posts each, signed, to the storefront.
 * At-least-once: a storefront must treat a notification id it has seen as done.
 */
export async function deliverDueNotifications(deps: NotificationDelivererDeps): Promise<number> {
  const claims = await claimDue(deps.sequelize, 'notifications', deps.batchSize, deps.leaseMs);
  for (const claim of claims) await deliver(deps, claim);
  return claims.length;
}
