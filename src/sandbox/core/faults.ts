/** What a faulty API call does instead of its normal answer. */
/** `slow` answers normally after `hangMs`; `timeout` never answers. */
export type RequestFaultKind = 'server_error' | 'rate_limit' | 'timeout' | 'slow';

export interface RequestFaultOptions {
  kind: RequestFaultKind;
  /** Fault the next N calls. */
  count?: number;
  /** Fault this share (0–1) of calls, after `count` is used up. */
  rate?: number;
  /** Only calls whose path starts with this (e.g. `/v1/payment_intents`). */
  pathPrefix?: string;
  /** Seconds sent in `Retry-After` on a 429 (default 1). */
  retryAfterSeconds?: number;
  /**
   * How long a timed-out call is held before its connection is dropped, or a slow call is
   * held before it runs (default 30 s).
   */
  hangMs?: number;
}

/** Ways to deliver webhooks badly, as Stripe sometimes does. */
export interface WebhookFaultOptions {
  /** Share (0–1) of events delivered twice. */
  duplicateRate?: number;
  /** Extra delay before each first attempt, in ms. */
  delayMs?: number;
  /** Collect events for this many ms, then deliver them in random order. */
  shuffleWindowMs?: number;
  /**
   * The first N attempts of each event count as failed whatever the endpoint answers (as when
   * its answer is lost), so the same event is delivered again.
   */
  failFirstAttempts?: number;
  /** Share (0–1) of events never delivered (they stay listed in /v1/events). */
  dropRate?: number;
}

export interface ActiveFault {
  kind: RequestFaultKind;
  retryAfterSeconds: number;
  hangMs: number;
}

/** Decides, per API call, whether to inject a request fault. */
export class FaultInjector {
  private request: (RequestFaultOptions & { remaining: number }) | null = null;
  webhook: WebhookFaultOptions = {};

  constructor(private readonly random: () => number = Math.random) {}

  setRequestFault(options: RequestFaultOptions | null): void {
    const remaining = options?.count ?? (options?.rate ? 0 : 1);
    this.request = options ? { ...options, remaining } : null;
  }

  describe(): { request: RequestFaultOptions | null; webhook: WebhookFaultOptions } {
    if (!this.request) return { request: null, webhook: this.webhook };
    const { remaining, ...rest } = this.request;
    return { request: { ...rest, count: remaining }, webhook: this.webhook };
  }

  pick(path: string): ActiveFault | null {
    const f = this.request;
    if (!f) return null;
    if (f.pathPrefix && !path.startsWith(f.pathPrefix)) return null;
    let hit = false;
    if (f.remaining > 0) {
      f.remaining--;
      hit = true;
    } else if (f.rate && this.random() < f.rate) {
      hit = true;
    }
    if (!f.rate && f.remaining === 0) this.request = null;
    if (!hit) return null;
    return { kind: f.kind, retryAfterSeconds: f.retryAfterSeconds ?? 1, hangMs: f.hangMs ?? 30000 };
  }

  chance(rate: number | undefined): boolean {
    return !!rate && this.random() < rate;
  }

  clear(): void {
    this.request = null;
    this.webhook = {};
  }
}

const KINDS: Record<string, RequestFaultKind> = {
  '500': 'server_error',
  server_error: 'server_error',
  '429': 'rate_limit',
  rate_limit: 'rate_limit',
  timeout: 'timeout',
  slow: 'slow',
};

export function parseFaultKind(value: string): RequestFaultKind | undefined {
  return KINDS[value];
}

/**
 * Fault options from the environment:
 * SANDBOX_FAULT=500|429|timeout|slow, SANDBOX_FAULT_COUNT, SANDBOX_FAULT_RATE, SANDBOX_FAULT_PATH,
 * SANDBOX_FAULT_RETRY_AFTER, SANDBOX_FAULT_HANG_MS, SANDBOX_WEBHOOK_DUPLICATE_RATE,
 * SANDBOX_WEBHOOK_DELAY_MS, SANDBOX_WEBHOOK_SHUFFLE_MS, SANDBOX_WEBHOOK_FAIL_FIRST,
 * SANDBOX_WEBHOOK_DROP_RATE.
 */
export function faultsFromEnv(env: NodeJS.ProcessEnv): {
  request: RequestFaultOptions | null;
  webhook: WebhookFaultOptions;
} {
  const num = (name: string): number | undefined => {
    const v = env[name];
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number`);
    return n;
  };
  let request: RequestFaultOptions | null = null;
  if (env.SANDBOX_FAULT) {
    const kind = parseFaultKind(env.SANDBOX_FAULT);
    if (!kind) throw new Error('SANDBOX_FAULT must be one of 500, 429, timeout, slow');
    request = {
      kind,
      count: num('SANDBOX_FAULT_COUNT'),
      rate: num('SANDBOX_FAULT_RATE'),
      pathPrefix: env.SANDBOX_FAULT_PATH || undefined,
      retryAfterSeconds: num('SANDBOX_FAULT_RETRY_AFTER'),
      hangMs: num('SANDBOX_FAULT_HANG_MS'),
    };
  }
  const webhook: WebhookFaultOptions = {
    duplicateRate: num('SANDBOX_WEBHOOK_DUPLICATE_RATE'),
    delayMs: num('SANDBOX_WEBHOOK_DELAY_MS'),
    shuffleWindowMs: num('SANDBOX_WEBHOOK_SHUFFLE_MS'),
    failFirstAttempts: num('SANDBOX_WEBHOOK_FAIL_FIRST'),
    dropRate: num('SANDBOX_WEBHOOK_DROP_RATE'),
  };
  return { request, webhook };
}
