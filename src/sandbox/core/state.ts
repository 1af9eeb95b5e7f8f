import { SandboxClock } from './clock';
import { FaultInjector } from './faults';
import { ServiceTimes } from './service-times';
import { IdempotencyStore } from './idempotency';
import { ObjectStore, type StripeObject } from './store';
import { EventLog, type RequestMeta } from '../events/event-log';
import { WebhookDispatcher, type DispatcherOptions } from '../events/webhook-dispatcher';
import type { TestCard } from '../payments/test-cards';

export interface SandboxConfig {
  /** The API version events carry (the pinned SDK's). */
  apiVersion: string;
  /** Objects kept per kind before the oldest are evicted (default 20000). */
  maxObjectsPerKind: number;
  /** Idempotency keys kept before the oldest are forgotten (default 20000). */
  maxIdempotencyKeys: number;
  /** How long after a refund on a refund-failing test card it turns failed (default 200 ms). */
  refundFailDelayMs: number;
  webhooks: DispatcherOptions;
}

export const DEFAULT_CONFIG: SandboxConfig = {
  apiVersion: '2026-11-18.endive',
  maxObjectsPerKind: 20000,
  maxIdempotencyKeys: 20000,
  refundFailDelayMs: 200,
  webhooks: {
    retryBaseMs: 1000,
    retryMaxMs: 60000,
    maxAttempts: 10,
    timeoutMs: 10000,
    historySize: 2000,
  },
};

/** Everything the sandbox knows: objects, time, events, faults and internal card data. */
export class SandboxState {
  readonly store: ObjectStore;
  readonly clock = new SandboxClock();
  readonly faults = new FaultInjector();
  readonly serviceTimes = new ServiceTimes();
  readonly idempotency: IdempotencyStore;
  readonly dispatcher: WebhookDispatcher;
  readonly events: EventLog;
  /**
   * The test card behind each payment method (never returned by the API), keyed by the
   * payment method object so that it goes when the payment method is evicted.
   */
  private cardsByMethod = new WeakMap<StripeObject, TestCard>();
  /** Background work (refund failures) to cancel on close. */
  readonly timers = new Set<NodeJS.Timeout>();
  /** Called when a payment intent succeeds or fails (invoices follow their payments). */
  readonly paymentHooks: Array<
    (pi: StripeObject, outcome: 'succeeded' | 'failed', meta: RequestMeta) => void
  > = [];
  /** What a subscription becomes once its last invoice retry fails (Stripe's default). */
  dunningFinalAction: 'cancel' | 'unpaid' = 'cancel';
  /** Work that runs whenever sandbox time moves (billing renewals, trial ends). */
  readonly tickers: Array<() => void> = [];
  /** Set once the server listens; used in URLs the sandbox hands out. */
  baseUrl = '';

  constructor(readonly config: SandboxConfig) {
    this.store = new ObjectStore(config.maxObjectsPerKind);
    this.idempotency = new IdempotencyStore(config.maxIdempotencyKeys);
    this.dispatcher = new WebhookDispatcher(config.webhooks, this.faults);
    this.events = new EventLog(this.store, this.clock, this.dispatcher, config.apiVersion);
  }

  emit(type: string, obj: StripeObject, meta: RequestMeta, previous?: Record<string, unknown>) {
    return this.events.emit(type, obj, meta, previous);
  }

  later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  now(): number {
    return this.clock.now();
  }

  setCard(pm: StripeObject, card: TestCard): void {
    this.cardsByMethod.set(pm, card);
  }

  /** The test card behind a payment method id, if it is one the sandbox made. */
  cardOf(paymentMethodId: string): TestCard | undefined {
    const pm = this.store.find(paymentMethodId);
    return pm ? this.cardsByMethod.get(pm) : undefined;
  }

  forgetCards(): void {
    this.cardsByMethod = new WeakMap();
  }
}
