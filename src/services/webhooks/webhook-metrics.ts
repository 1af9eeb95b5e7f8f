/** The counters of the webhook pipeline, by name. */
export type WebhookCounter =
  | 'received'
  | 'duplicate'
  | 'rejected'
  | 'processed'
  | 'failed'
  | 'retried'
  | 'notification_delivered'
  | 'notification_failed';

/**
 * Hooks the pipeline calls; the monitoring side binds them to its own registry (prom-client
 * counters and a histogram). Labels are small closed sets (source, reason, event type).
 */
export interface WebhookMetrics {
  increment(counter: WebhookCounter, labels?: Record<string, string>): void;
  /** Seconds from Stripe creating an event to this service applying it. */
  observeLag(seconds: number): void;
}

/** Keeps counts in memory: the default binding, and what tests read. */
export class CountingWebhookMetrics implements WebhookMetrics {
  private readonly counts = new Map<string, number>();
  readonly lags: number[] = [];

  increment(counter: WebhookCounter, labels: Record<string, string> = {}): void {
    for (const key of [
      counter,
      ...Object.entries(labels).map(([k, v]) => `${counter}:${k}=${v}`),
    ]) {
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    }
  }

  observeLag(seconds: number): void {
    if (this.lags.length >= 10_000) this.lags.shift();
    this.lags.push(seconds);
  }

  /** Total of a counter, or of one label value (`count('rejected', {reason: 'bad_signature'})`). */
  count(counter: WebhookCounter, label?: Record<string, string>): number {
    const entry = label ? Object.entries(label)[0] : undefined;
    const key = entry ? `${counter}:${entry[0]}=${entry[1]}` : counter;
    return this.counts.get(key) ?? 0;
  }
}
