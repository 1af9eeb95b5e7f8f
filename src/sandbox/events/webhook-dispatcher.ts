import http from 'node:http';
import https from 'node:https';
import { signatureHeader } from './signature';
import type { FaultInjector } from '../core/faults';
import type { StripeObject } from '../core/store';

export interface WebhookEndpointRecord {
  id: string;
  url: string;
  secret: string;
  enabledEvents: string[];
  disabled: boolean;
}

export interface DeliveryAttempt {
  eventId: string;
  eventType: string;
  endpointId: string;
  attempt: number;
  /** HTTP status, or 0 when the connection failed or timed out. */
  status: number;
  /** False when the answer was not 2xx, or a fault made the attempt count as failed. */
  ok: boolean;
  at: number;
}

export interface DispatcherOptions {
  /** Delay before the first retry; doubles each attempt (default 1000 ms). */
  retryBaseMs: number;
  /** Longest delay between attempts (default 60 s). */
  retryMaxMs: number;
  /** Attempts per event and endpoint before giving up (default 10). */
  maxAttempts: number;
  /** How long one attempt may take (default 10 s). */
  timeoutMs: number;
  /** Attempts kept for /_sandbox/webhook_deliveries (default 2000). */
  historySize: number;
}

interface Job {
  event: StripeObject;
  endpoint: WebhookEndpointRecord;
  attempt: number;
  body: string;
}

/**
 * Delivers events to webhook endpoints: a signed POST per event and endpoint, retried with
 * exponential backoff while the answer is not 2xx, so every event arrives at least once.
 * Webhook faults (duplicates, delay, shuffling, failed first attempts, drops) apply here.
 */
export class WebhookDispatcher {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private shuffleBuffer: Job[] = [];
  private shuffleTimer: NodeJS.Timeout | null = null;
  private pendingCount = 0;
  private closed = false;
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 32 });
  readonly history: DeliveryAttempt[] = [];

  constructor(
    private readonly options: DispatcherOptions,
    private readonly faults: FaultInjector,
  ) {}

  enqueue(event: StripeObject, endpoint: WebhookEndpointRecord): void {
    if (this.closed || this.faults.chance(this.faults.webhook.dropRate)) return;
    const body = JSON.stringify(event, null, 2);
    const copies = this.faults.chance(this.faults.webhook.duplicateRate) ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const job = { event, endpoint, attempt: 1, body };
      this.pendingCount++;
      if (this.faults.webhook.shuffleWindowMs) this.addToShuffle(job);
      else this.schedule(job, this.faults.webhook.delayMs ?? 0);
    }
  }

  /** Events not yet delivered (queued, in flight or waiting for a retry). */
  get pending(): number {
    return this.pendingCount;
  }

  /** Resolves when nothing is queued, in flight or waiting for a retry. */
  async idle(timeoutMs = 10000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.pendingCount > 0) {
      if (Date.now() > deadline) throw new Error(`${this.pendingCount} deliveries still pending`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.shuffleTimer) clearTimeout(this.shuffleTimer);
    this.shuffleBuffer = [];
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
    await Promise.allSettled([...this.inFlight]);
    this.pendingCount = 0;
  }

  private addToShuffle(job: Job): void {
    this.shuffleBuffer.push(job);
    if (this.shuffleTimer) return;
    this.shuffleTimer = setTimeout(() => {
      this.shuffleTimer = null;
      const jobs = this.shuffleBuffer;
      this.shuffleBuffer = [];
      for (let i = jobs.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [jobs[i], jobs[j]] = [jobs[j], jobs[i]];
      }
      for (const j of jobs) this.schedule(j, this.faults.webhook.delayMs ?? 0);
    }, this.faults.webhook.shuffleWindowMs);
  }

  private schedule(job: Job, delayMs: number): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const p = this.attempt(job).finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
    }, delayMs);
    this.timers.add(timer);
  }

  private async attempt(job: Job): Promise<void> {
    const status = await this.post(job);
    const forcedFailure = job.attempt <= (this.faults.webhook.failFirstAttempts ?? 0);
    const ok = status >= 200 && status < 300 && !forcedFailure;
    this.record(job, status, ok);
    if (ok || this.closed || job.attempt >= this.options.maxAttempts) {
      this.pendingCount = Math.max(0, this.pendingCount - 1);
      return;
    }
    const delay = Math.min(
      this.options.retryBaseMs * 2 ** (job.attempt - 1),
      this.options.retryMaxMs,
    );
    this.schedule({ ...job, attempt: job.attempt + 1 }, delay);
  }

  /**
   * One signed POST; resolves to the status, or 0 on a connection error or timeout. Plain
   * node:http with keep-alive agents: several times cheaper per delivery than fetch.
   */
  private post(job: Job): Promise<number> {
    const timestamp = Math.floor(Date.now() / 1000);
    return new Promise((resolve) => {
      let settled = false;
      const done = (status: number) => {
        if (!settled) {
          settled = true;
          resolve(status);
        }
      };
      let url: URL;
      try {
        url = new URL(job.endpoint.url);
      } catch {
        done(0);
        return;
      }
      const secure = url.protocol === 'https:';
      const req = (secure ? https : http).request(
        url,
        {
          method: 'POST',
          agent: secure ? this.httpsAgent : this.httpAgent,
          timeout: this.options.timeoutMs,
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'content-length': Buffer.byteLength(job.body),
            'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
            'stripe-signature': signatureHeader(job.body, job.endpoint.secret, timestamp),
          },
        },
        (res) => {
          res.on('end', () => done(res.statusCode ?? 0));
          res.on('error', () => done(0));
          res.resume();
        },
      );
      req.on('timeout', () => req.destroy());
      req.on('error', () => done(0));
      req.end(job.body);
    });
  }

  private record(job: Job, status: number, ok: boolean): void {
    this.history.push({
      eventId: job.event.id,
      eventType: job.event.type as string,
      endpointId: job.endpoint.id,
      attempt: job.attempt,
      status,
      ok,
      at: Date.now(),
    });
    if (this.history.length > this.options.historySize) this.history.shift();
  }
}
