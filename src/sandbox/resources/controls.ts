import { invalidParam, noSuch } from '../core/errors';
import { parseFaultKind, type RequestFaultOptions, type WebhookFaultOptions } from '../core/faults';
import { requireParams, validate } from '../core/params';
import { BACKGROUND } from '../events/event-log';
import { authenticate } from './payment-intents';
import { closeDispute } from './disputes';
import { completeOnboarding } from './accounts';
import type { DeliveryAttempt } from '../events/webhook-dispatcher';
import type { Router } from '../server/router';
import type { SandboxState } from '../core/state';
import type { StripeObject } from '../core/store';

/** A control answer that is not JSON (the 3-D Secure page, redirects). */
export class RawAnswer {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly headers: Record<string, string>,
  ) {}
}

/**
 * The sandbox-only controls, shared by the exported API and the `/_sandbox/...` routes:
 * time, faults, 3-D Secure outcomes, dispute outcomes, Connect onboarding, delivery history.
 */
export class SandboxControls {
  constructor(private readonly state: SandboxState) {}

  now(): number {
    return this.state.now();
  }

  /** Moves sandbox time forward and runs what became due (renewals, trial ends, retries). */
  advanceTime(seconds: number): number {
    const now = this.state.clock.advance(seconds);
    for (const tick of this.state.tickers) tick();
    return now;
  }

  /** What a subscription becomes when its last renewal retry fails: canceled or unpaid. */
  setDunningFinalAction(action: 'cancel' | 'unpaid'): void {
    this.state.dunningFinalAction = action;
  }

  setRequestFault(options: RequestFaultOptions | null): void {
    this.state.faults.setRequestFault(options);
  }

  setWebhookFaults(options: WebhookFaultOptions): void {
    this.state.faults.webhook = { ...options };
  }

  clearFaults(): void {
    this.state.faults.clear();
  }

  faults() {
    return this.state.faults.describe();
  }

  threeDSecure(paymentIntentId: string, outcome: 'pass' | 'fail'): StripeObject {
    const pi = this.state.store.get('payment_intent', paymentIntentId);
    return authenticate(this.state, pi, outcome, BACKGROUND);
  }

  closeDispute(disputeId: string, outcome: 'won' | 'lost'): StripeObject {
    const dispute = this.state.store.get('dispute', disputeId);
    return closeDispute(this.state, dispute, outcome, BACKGROUND);
  }

  completeOnboarding(accountId: string): StripeObject {
    return completeOnboarding(this.state, this.state.store.get('account', accountId));
  }

  deliveries(eventId?: string): DeliveryAttempt[] {
    const all = this.state.dispatcher.history;
    return eventId ? all.filter((d) => d.eventId === eventId) : [...all];
  }

  /** Objects held per kind, idempotency keys and the process's memory, for bounds checks. */
  stats() {
    const mem = process.memoryUsage();
    return {
      objects: this.state.store.counts(),
      idempotency_keys: this.state.idempotency.size,
      pending_deliveries: this.state.dispatcher.pending,
      service_time: this.state.serviceTimes.summary(),
      memory: { rss: mem.rss, heap_used: mem.heapUsed, heap_total: mem.heapTotal },
    };
  }

  pendingDeliveries(): number {
    return this.state.dispatcher.pending;
  }

  waitForWebhooks(timeoutMs = 10000): Promise<void> {
    return this.state.dispatcher.idle(timeoutMs);
  }

  /** Forgets every object, event, idempotency key and fault; webhook endpoints too. */
  reset(): void {
    this.state.store.clear();
    this.state.idempotency.clear();
    this.state.events.endpoints.clear();
    this.state.forgetCards();
    this.state.faults.clear();
    this.state.clock.reset();
  }
}

const OUTCOME_3DS = { enum: ['pass', 'fail'] } as const;
const OUTCOME_DISPUTE = { enum: ['won', 'lost'] } as const;

function faultOptions(form: Record<string, unknown>): RequestFaultOptions {
  const p = validate(form as never, {
    kind: 'string',
    count: 'integer',
    rate: 'string',
    path_prefix: 'string',
    retry_after: 'integer',
    hang_ms: 'integer',
  });
  requireParams(p, ['kind']);
  const kind = parseFaultKind(p.kind as string);
  if (!kind) throw invalidParam('kind', 'kind must be one of 500, 429, timeout, slow');
  const rate = p.rate === undefined || p.rate === null ? undefined : Number(p.rate);
  if (rate !== undefined && !(rate >= 0 && rate <= 1)) {
    throw invalidParam('rate', 'rate must be a number between 0 and 1');
  }
  return {
    kind,
    count: (p.count as number | undefined) ?? undefined,
    rate,
    pathPrefix: (p.path_prefix as string | undefined) ?? undefined,
    retryAfterSeconds: (p.retry_after as number | undefined) ?? undefined,
    hangMs: (p.hang_ms as number | undefined) ?? undefined,
  };
}

function webhookFaultOptions(form: Record<string, unknown>): WebhookFaultOptions {
  const p = validate(form as never, {
    duplicate_rate: 'string',
    delay_ms: 'integer',
    shuffle_window_ms: 'integer',
    fail_first_attempts: 'integer',
    drop_rate: 'string',
  });
  const share = (name: string): number | undefined => {
    if (p[name] === undefined || p[name] === null) return undefined;
    const n = Number(p[name]);
    if (!(n >= 0 && n <= 1)) throw invalidParam(name, `${name} must be between 0 and 1`);
    return n;
  };
  return {
    duplicateRate: share('duplicate_rate'),
    delayMs: (p.delay_ms as number | undefined) ?? undefined,
    shuffleWindowMs: (p.shuffle_window_ms as number | undefined) ?? undefined,
    failFirstAttempts: (p.fail_first_attempts as number | undefined) ?? undefined,
    dropRate: share('drop_rate'),
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

export function registerControlRoutes(router: Router, state: SandboxState): SandboxControls {
  const controls = new SandboxControls(state);
  registerTimeAndFaultRoutes(router, controls);
  registerOutcomeRoutes(router, state, controls);
  return controls;
}

/** Time, billing and fault controls. */
function registerTimeAndFaultRoutes(router: Router, controls: SandboxControls): void {
  router.on('GET', '/_sandbox', () => ({ now: controls.now(), faults: controls.faults() }));
  router.on('GET', '/_sandbox/time', () => ({ now: controls.now() }));
  router.on('GET', '/_sandbox/stats', () => controls.stats());
  router.on('POST', '/_sandbox/time/advance', (c) => {
    const p = validate(c.form, { seconds: 'integer', to: 'integer' });
    if (p.seconds == null && p.to == null) throw invalidParam('seconds', 'Give seconds or to.');
    const seconds = (p.seconds as number | undefined) ?? (p.to as number) - controls.now();
    if (seconds < 0) throw invalidParam('seconds', 'Time only moves forward.');
    return { now: controls.advanceTime(seconds) };
  });
  router.on('POST', '/_sandbox/billing', (c) => {
    const p = validate(c.form, { final_action: { enum: ['cancel', 'unpaid'] } });
    requireParams(p, ['final_action']);
    controls.setDunningFinalAction(p.final_action as 'cancel' | 'unpaid');
    return { final_action: p.final_action };
  });
  router.on('GET', '/_sandbox/faults', () => controls.faults());
  router.on('POST', '/_sandbox/faults', (c) => {
    controls.setRequestFault(faultOptions(c.form));
    return controls.faults();
  });
  router.on('POST', '/_sandbox/webhook_faults', (c) => {
    controls.setWebhookFaults(webhookFaultOptions(c.form));
    return controls.faults();
  });
  router.on('DELETE', '/_sandbox/faults', () => {
    controls.clearFaults();
    return controls.faults();
  });
}

/** 3-D Secure, dispute and onboarding outcomes, deliveries, reset. */
function registerOutcomeRoutes(
  router: Router,
  state: SandboxState,
  controls: SandboxControls,
): void {
  router.on('POST', '/_sandbox/payment_intents/:id/three_d_secure', (c) => {
    const p = validate(c.form, { outcome: OUTCOME_3DS });
    requireParams(p, ['outcome']);
    return controls.threeDSecure(c.pathParams.id, p.outcome as 'pass' | 'fail');
  });
  router.on('GET', '/_sandbox/three_d_secure/:id', (c) => {
    const pi = state.store.find(c.pathParams.id);
    if (!pi || pi.object !== 'payment_intent') throw noSuch('payment_intent', c.pathParams.id);
    const id = escapeHtml(pi.id);
    const link = (o: string) => `<a href="/_sandbox/three_d_secure/${id}/complete?outcome=${o}">`;
    const body =
      `<!doctype html><title>3D Secure test page</title><h1>3D Secure test payment</h1>` +
      `<p>${id}</p><p>${link('pass')}Complete authentication</a></p>` +
      `<p>${link('fail')}Fail authentication</a></p>`;
    return new RawAnswer(200, body, { 'content-type': 'text/html; charset=utf-8' });
  });
  router.on('GET', '/_sandbox/three_d_secure/:id/complete', (c) => {
    const p = validate(c.form, { outcome: OUTCOME_3DS });
    requireParams(p, ['outcome']);
    const before = state.store.find(c.pathParams.id)?.next_action as {
      redirect_to_url?: { return_url: string };
    } | null;
    const returnUrl = before?.redirect_to_url?.return_url;
    const pi = controls.threeDSecure(c.pathParams.id, p.outcome as 'pass' | 'fail');
    if (!returnUrl) return pi;
    const target = new URL(returnUrl);
    target.searchParams.set('payment_intent', pi.id);
    target.searchParams.set('payment_intent_client_secret', pi.client_secret as string);
    return new RawAnswer(302, '', { location: target.toString() });
  });
  router.on('POST', '/_sandbox/disputes/:id/close', (c) => {
    const p = validate(c.form, { outcome: OUTCOME_DISPUTE });
    requireParams(p, ['outcome']);
    return controls.closeDispute(c.pathParams.id, p.outcome as 'won' | 'lost');
  });
  router.on('POST', '/_sandbox/accounts/:id/complete_onboarding', (c) => {
    validate(c.form, {});
    return controls.completeOnboarding(c.pathParams.id);
  });
  router.on('GET', '/_sandbox/accounts/:id/onboarding', (c) => {
    const p = validate(c.form, { return_url: 'string' });
    const account = controls.completeOnboarding(c.pathParams.id);
    if (!p.return_url) return account;
    return new RawAnswer(302, '', { location: p.return_url as string });
  });
  router.on('GET', '/_sandbox/webhook_deliveries', (c) => {
    const p = validate(c.form, { event_id: 'string' });
    return {
      pending: controls.pendingDeliveries(),
      data: controls.deliveries(p.event_id as string | undefined),
    };
  });
  router.on('GET', '/_sandbox/receipts/:id', (c) => {
    const charge = state.store.get('charge', c.pathParams.id);
    const amount = `${String(charge.amount)} ${String(charge.currency)} (minor units)`;
    const body =
      `<!doctype html><title>Receipt</title><h1>Receipt</h1>` +
      `<p>${escapeHtml(charge.id)}: ${escapeHtml(amount)}</p>`;
    return new RawAnswer(200, body, { 'content-type': 'text/html; charset=utf-8' });
  });
  router.on('POST', '/_sandbox/reset', () => {
    controls.reset();
    return { ok: true };
  });
}
