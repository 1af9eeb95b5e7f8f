import { Counter, Histogram } from 'prom-client';
import type { WebhookCounter, WebhookMetrics } from '../services/webhooks/webhook-metrics';
import {
  registry,
  webhookEventsDuplicate,
  webhookEventsFailed,
  webhookEventsProcessed,
  webhookEventsReceived,
  webhookEventsRejected,
  webhookEventsRetried,
} from './registry';

export const notificationDeliveries = new Counter({
  name: 'notification_deliveries_total',
  help: 'Storefront notification deliveries, by outcome (delivered, failed).',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

export const webhookApplyLag = new Histogram({
  name: 'webhook_event_apply_lag_seconds',
  help: 'Seconds from Stripe creating an event to this service applying it.',
  buckets: [0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600],
  registers: [registry],
});

type Labels = Record<string, string>;

const pick = (labels: Labels, name: string): string => labels[name] ?? 'unknown';

/**
 * The webhook pipeline's hooks bound to the Prometheus registry. Label values come from the
 * pipeline's small closed sets (source, reason, event type).
 */
export class PrometheusWebhookMetrics implements WebhookMetrics {
  increment(counter: WebhookCounter, labels: Labels = {}): void {
    const endpoint = labels.source ?? labels.endpoint ?? 'stripe';
    switch (counter) {
      case 'received':
        return webhookEventsReceived.inc({ endpoint });
      case 'duplicate':
        return webhookEventsDuplicate.inc({ endpoint });
      case 'rejected':
        return webhookEventsRejected.inc({ endpoint, reason: pick(labels, 'reason') });
      case 'processed':
        return webhookEventsProcessed.inc({ type: pick(labels, 'type') });
      case 'failed':
        return webhookEventsFailed.inc({ type: pick(labels, 'type') });
      case 'retried':
        return webhookEventsRetried.inc({ type: pick(labels, 'type') });
      case 'notification_delivered':
        return notificationDeliveries.inc({ outcome: 'delivered' });
      case 'notification_failed':
        return notificationDeliveries.inc({ outcome: 'failed' });
    }
  }

  observeLag(seconds: number): void {
    webhookApplyLag.observe(seconds);
  }
}
