import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The one Prometheus registry of the process and every metric the service exposes. Names and
 * labels are a contract with dashboards and with the code that records them: they are listed
 * in docs/operations.md and must not change silently. Gauges that come from the database are
 * filled by collect callbacks (see db-gauges.ts), so every instance reports the shared truth.
 */
export const registry = new Registry();

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const httpRequestsTotal = new Counter({
  name: 'http_requests_total',
  help: 'HTTP requests answered, by method, route template and status.',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [registry],
});

export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'Time to answer an HTTP request, by method, route template and status.',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});

export const stripeCallsTotal = new Counter({
  name: 'stripe_api_calls_total',
  help: 'Calls to the Stripe API, by operation and outcome (success or the error type).',
  labelNames: ['operation', 'outcome'] as const,
  registers: [registry],
});

export const stripeCallDuration = new Histogram({
  name: 'stripe_api_call_duration_seconds',
  help: 'Latency of Stripe API calls, by operation and outcome.',
  labelNames: ['operation', 'outcome'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});

export const webhookEventsReceived = new Counter({
  name: 'webhook_events_received_total',
  help: 'Verified webhook deliveries stored or recognised, by endpoint.',
  labelNames: ['endpoint'] as const,
  registers: [registry],
});

export const webhookEventsDuplicate = new Counter({
  name: 'webhook_events_duplicate_total',
  help: 'Webhook deliveries of an event already stored, by endpoint.',
  labelNames: ['endpoint'] as const,
  registers: [registry],
});

export const webhookEventsRejected = new Counter({
  name: 'webhook_events_rejected_total',
  help: 'Webhook deliveries refused, by reason (signature, timestamp, body).',
  labelNames: ['endpoint', 'reason'] as const,
  registers: [registry],
});

export const webhookEventsProcessed = new Counter({
  name: 'webhook_events_processed_total',
  help: 'Stored webhook events applied successfully, by event type.',
  labelNames: ['type'] as const,
  registers: [registry],
});

export const webhookEventsFailed = new Counter({
  name: 'webhook_events_failed_total',
  help: 'Webhook events parked as failed after their last attempt, by event type.',
  labelNames: ['type'] as const,
  registers: [registry],
});

export const webhookEventsRetried = new Counter({
  name: 'webhook_events_retried_total',
  help: 'Webhook event attempts that failed and were scheduled again, by event type.',
  labelNames: ['type'] as const,
  registers: [registry],
});

export const fraudDecisions = new Counter({
  name: 'fraud_decisions_total',
  help: 'Fraud screen decisions, by decision (allow, review, block).',
  labelNames: ['decision'] as const,
  registers: [registry],
});

export const fraudRuleHits = new Counter({
  name: 'fraud_rule_hits_total',
  help: 'Fraud rules that matched a screened payment, by rule and the action it asked for.',
  labelNames: ['rule', 'action'] as const,
  registers: [registry],
});

export const alertActive = new Gauge({
  name: 'ops_alert_active',
  help: '1 while an alert condition holds at the last evaluation, else 0, by alert.',
  labelNames: ['alert'] as const,
  registers: [registry],
});

export const alertsFired = new Counter({
  name: 'ops_alerts_fired_total',
  help: 'Times an alert condition started to hold, by alert.',
  labelNames: ['alert'] as const,
  registers: [registry],
});

export const dailyReportRuns = new Counter({
  name: 'daily_report_runs_total',
  help: 'Scheduled daily report runs, by outcome (computed, skipped, failed).',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

/** Error type of a failed Stripe call, as a bounded label value. */
function outcomeOf(err: unknown): string {
  const type = (err as { type?: unknown } | null)?.type;
  return typeof type === 'string' && /^[A-Za-z]{1,40}$/.test(type) ? type : 'error';
}

/**
 * Times one Stripe call and records its outcome. The payments and webhooks code wraps each SDK
 * call with it: `observeStripeCall('payment_intents.create', () => stripe.paymentIntents…)`.
 */
export async function observeStripeCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  const end = stripeCallDuration.startTimer({ operation });
  try {
    const result = await call();
    end({ outcome: 'success' });
    stripeCallsTotal.inc({ operation, outcome: 'success' });
    return result;
  } catch (err) {
    const outcome = outcomeOf(err);
    end({ outcome });
    stripeCallsTotal.inc({ operation, outcome });
    throw err;
  }
}
