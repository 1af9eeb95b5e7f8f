import type { AddressInfo } from 'node:net';
import { createHttpServer } from './server/http-server';
import { buildSandboxApp } from './sandbox-app';
import { faultsFromEnv, type RequestFaultOptions, type WebhookFaultOptions } from './core/faults';
import type { DeliveryAttempt } from './events/webhook-dispatcher';
import type { StripeObject } from './core/store';

export type { RequestFaultOptions, WebhookFaultOptions, DeliveryAttempt, StripeObject };

/** The Stripe API version the pinned SDK (stripe 23.2.0) sends and the sandbox speaks. */
export const SANDBOX_API_VERSION = '2026-11-18.endive';
export const DEFAULT_SANDBOX_PORT = 12111;

export interface SandboxOptions {
  /** Port to listen on; 0 picks a free one (default 0). */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Objects kept per kind before the oldest are evicted (default 20000). */
  maxObjectsPerKind?: number;
  /** Idempotency keys remembered before the oldest are forgotten (default 20000). */
  maxIdempotencyKeys?: number;
  /** First webhook retry delay in ms, doubling per attempt (default 1000). */
  webhookRetryBaseMs?: number;
  /** Longest webhook retry delay in ms (default 60000). */
  webhookRetryMaxMs?: number;
  /** Delivery attempts per event before giving up (default 10). */
  webhookMaxAttempts?: number;
  /** Time allowed for one delivery attempt in ms (default 10000). */
  webhookTimeoutMs?: number;
  /** Delay before a refund on pm_card_refundFail turns failed, in ms (default 200). */
  refundFailDelayMs?: number;
  /** What a subscription becomes after its last failed renewal retry (default cancel). */
  dunningFinalAction?: 'cancel' | 'unpaid';
  /** Request fault active from the start. */
  faults?: RequestFaultOptions;
  /** Webhook delivery faults active from the start. */
  webhookFaults?: WebhookFaultOptions;
  /** Also read SANDBOX_FAULT* and SANDBOX_WEBHOOK_* from this environment (off by default). */
  env?: NodeJS.ProcessEnv;
}

/** A running sandbox: its address, and the sandbox-only controls tests use. */
export interface Sandbox {
  url: string;
  port: number;
  host: string;
  /** Current sandbox time, Unix seconds. */
  now(): number;
  /** Moves time forward; renewals, trial ends and invoice retries that fell due run. */
  advanceTime(seconds: number): number;
  /** What a subscription becomes after its last failed renewal retry (default cancel). */
  setDunningFinalAction(action: 'cancel' | 'unpaid'): void;
  /** Make the next N calls (or a share of calls) answer 500, 429 or time out. */
  setFault(options: RequestFaultOptions | null): void;
  /** Deliver webhooks duplicated, delayed, shuffled, failing first attempts, or dropped. */
  setWebhookFaults(options: WebhookFaultOptions): void;
  clearFaults(): void;
  /** Pass or fail the pending 3-D Secure challenge of a payment intent. */
  completeThreeDSecure(paymentIntentId: string, outcome: 'pass' | 'fail'): StripeObject;
  closeDispute(disputeId: string, outcome: 'won' | 'lost'): StripeObject;
  /** Finish Connect onboarding: charges and payouts enabled. */
  completeOnboarding(accountId: string): StripeObject;
  /** Webhook delivery attempts so far (newest last), optionally for one event. */
  deliveries(eventId?: string): DeliveryAttempt[];
  /** Resolves once no webhook delivery is queued, in flight or waiting for a retry. */
  waitForWebhooks(timeoutMs?: number): Promise<void>;
  /** Forget every object, event, endpoint, key and fault. */
  reset(): void;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const { state, api, control, controls } = buildSandboxApp({
    apiVersion: SANDBOX_API_VERSION,
    maxObjectsPerKind: options.maxObjectsPerKind,
    maxIdempotencyKeys: options.maxIdempotencyKeys,
    refundFailDelayMs: options.refundFailDelayMs,
    webhooks: {
      retryBaseMs: options.webhookRetryBaseMs,
      retryMaxMs: options.webhookRetryMaxMs,
      maxAttempts: options.webhookMaxAttempts,
      timeoutMs: options.webhookTimeoutMs,
    },
  });
  const fromEnv = options.env ? faultsFromEnv(options.env) : { request: null, webhook: {} };
  controls.setRequestFault(options.faults ?? fromEnv.request);
  controls.setWebhookFaults({ ...fromEnv.webhook, ...options.webhookFaults });
  if (options.dunningFinalAction) controls.setDunningFinalAction(options.dunningFinalAction);
  const server = createHttpServer(state, api, control);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  state.baseUrl = url;
  return {
    url,
    port,
    host,
    now: () => controls.now(),
    advanceTime: (s) => controls.advanceTime(s),
    setDunningFinalAction: (a) => controls.setDunningFinalAction(a),
    setFault: (o) => controls.setRequestFault(o),
    setWebhookFaults: (o) => controls.setWebhookFaults(o),
    clearFaults: () => controls.clearFaults(),
    completeThreeDSecure: (id, outcome) => controls.threeDSecure(id, outcome),
    closeDispute: (id, outcome) => controls.closeDispute(id, outcome),
    completeOnboarding: (id) => controls.completeOnboarding(id),
    deliveries: (id) => controls.deliveries(id),
    waitForWebhooks: (t) => controls.waitForWebhooks(t),
    reset: () => controls.reset(),
    close: async () => {
      for (const t of state.timers) clearTimeout(t);
      state.timers.clear();
      await state.dispatcher.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
