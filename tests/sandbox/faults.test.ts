import Stripe from 'stripe';
import { faultsFromEnv } from '../../src/sandbox/core/faults';
import {
  call,
  startHarness,
  startReceiver,
  stripeError,
  waitFor,
  type Harness,
} from './sandbox-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ webhookRetryBaseMs: 20, webhookRetryMaxMs: 50 });
});
afterAll(() => h.sandbox.close());

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  h.sandbox.clearFaults();
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function receiverFor(events: string[]) {
  const receiver = await startReceiver();
  const endpoint = await h.stripe.webhookEndpoints.create({
    url: receiver.url,
    enabled_events: events as never,
  });
  cleanups.push(() => receiver.close());
  cleanups.push(() => h.stripe.webhookEndpoints.del(endpoint.id));
  return receiver;
}

function postJson(path: string, body: unknown) {
  return fetch(`${h.sandbox.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('request faults', () => {
  test('When the next 2 calls should fail, then they answer 500 and the third succeeds', async () => {
    const res = await postJson('/_sandbox/faults', { kind: '500', count: 2 });
    expect(res.status).toBe(200);
    const a = await stripeError(h.stripe.customers.create({ email: 'f@example.com' }));
    expect(a).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(a.statusCode).toBe(500);
    await stripeError(h.stripe.customers.list());
    const ok = await h.stripe.customers.create({ email: 'f@example.com' });
    expect(ok.id).toMatch(/^cus_/);
  });

  test('When a faulted create is retried, then only one object exists', async () => {
    h.sandbox.setFault({ kind: 'server_error', count: 1 });
    const key = `fault-${Date.now()}`;
    await stripeError(
      h.stripe.customers.create({ email: 'once@example.com' }, { idempotencyKey: key }),
    );
    const c = await h.stripe.customers.create(
      { email: 'once@example.com' },
      { idempotencyKey: key },
    );
    const list = await h.stripe.customers.list({ email: 'once@example.com' });
    expect(list.data.map((x) => x.id)).toEqual([c.id]);
  });

  test('When rate limited, then 429 with Retry-After', async () => {
    h.sandbox.setFault({ kind: 'rate_limit', count: 1, retryAfterSeconds: 7 });
    const res = await call(h.sandbox, 'GET', '/v1/customers');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.json.error).toMatchObject({ code: 'rate_limit' });
  });

  test('When a share of calls on one path fails, then other paths are untouched', async () => {
    h.sandbox.setFault({ kind: 'server_error', rate: 1, pathPrefix: '/v1/payment_intents' });
    expect((await call(h.sandbox, 'GET', '/v1/customers')).status).toBe(200);
    expect((await call(h.sandbox, 'GET', '/v1/payment_intents')).status).toBe(500);
    expect((await call(h.sandbox, 'GET', '/v1/payment_intents')).status).toBe(500);
  });

  test('When a call times out, then the client gives up and nothing was created', async () => {
    h.sandbox.setFault({ kind: 'timeout', count: 1, hangMs: 5000 });
    const impatient = new Stripe('sk_test_timeout', {
      host: '127.0.0.1',
      port: h.sandbox.port,
      protocol: 'http',
      timeout: 150,
      maxNetworkRetries: 0,
    });
    const err = await stripeError(impatient.customers.create({ email: 'slow@example.com' }));
    expect(err).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    const list = await h.stripe.customers.list({ email: 'slow@example.com' });
    expect(list.data).toHaveLength(0);
  });

  test('When a call is slow, then a concurrent duplicate key gets 409 and one object exists', async () => {
    h.sandbox.setFault({ kind: 'slow', count: 1, hangMs: 300 });
    const headers = { 'idempotency-key': `slow-${Date.now()}` };
    const body = 'email=slow-dup@example.com';
    const both = await Promise.all([
      call(h.sandbox, 'POST', '/v1/customers', body, headers),
      call(h.sandbox, 'POST', '/v1/customers', body, headers),
    ]);
    // Whichever arrives first takes the slow fault and holds the key; the other finds it busy.
    const ok = both.find((r) => r.status === 200);
    const busy = both.find((r) => r.status === 409);
    expect(busy?.json.error).toMatchObject({ type: 'idempotency_error' });
    const replay = await call(h.sandbox, 'POST', '/v1/customers', body, headers);
    expect(replay.json.id).toBe(ok?.json.id);
    const list = await h.stripe.customers.list({ email: 'slow-dup@example.com' });
    expect(list.data).toHaveLength(1);
  });

  test('When the fault kind is unknown, then the control answers 400', async () => {
    const res = await postJson('/_sandbox/faults', { kind: 'explode' });
    expect(res.status).toBe(400);
  });

  test('When faults come from the environment, then they are read and validated', () => {
    const parsed = faultsFromEnv({
      SANDBOX_FAULT: '429',
      SANDBOX_FAULT_COUNT: '3',
      SANDBOX_WEBHOOK_DUPLICATE_RATE: '0.5',
    });
    expect(parsed.request).toMatchObject({ kind: 'rate_limit', count: 3 });
    expect(parsed.webhook.duplicateRate).toBe(0.5);
    expect(() => faultsFromEnv({ SANDBOX_FAULT: 'nope' })).toThrow();
    expect(() => faultsFromEnv({ SANDBOX_FAULT: '500', SANDBOX_FAULT_RATE: 'x' })).toThrow();
  });
});

describe('webhook faults', () => {
  test('When duplicates are on, then each event arrives twice with the same id', async () => {
    const receiver = await receiverFor(['customer.created']);
    const res = await postJson('/_sandbox/webhook_faults', { duplicate_rate: 1 });
    expect(res.status).toBe(200);
    await h.stripe.customers.create({ email: 'dup@example.com' });
    await waitFor(() => receiver.received.length === 2);
    expect(receiver.received[0].event.id).toBe(receiver.received[1].event.id);
  });

  test('When first attempts fail, then the same event is delivered again', async () => {
    const receiver = await receiverFor(['customer.created']);
    h.sandbox.setWebhookFaults({ failFirstAttempts: 2 });
    await h.stripe.customers.create({ email: 'retry@example.com' });
    await waitFor(() => receiver.received.length === 3);
    const id = receiver.received[0].event.id;
    expect(receiver.received.every((r) => r.event.id === id)).toBe(true);
    const attempts = await waitFor(() => {
      const all = h.sandbox.deliveries(id);
      return all.length === 3 ? all : null;
    });
    expect(attempts.map((a) => a.ok)).toEqual([false, false, true]);
  });

  test('When events are dropped, then none arrive but /v1/events lists them', async () => {
    const receiver = await receiverFor(['customer.created']);
    h.sandbox.setWebhookFaults({ dropRate: 1 });
    const c = await h.stripe.customers.create({ email: 'drop@example.com' });
    await h.sandbox.waitForWebhooks();
    expect(receiver.received).toHaveLength(0);
    const events = await h.stripe.events.list({ type: 'customer.created', limit: 5 });
    expect(events.data.some((e) => (e.data.object as Stripe.Customer).id === c.id)).toBe(true);
  });

  test('When shuffled and delayed, then every event still arrives exactly once', async () => {
    const receiver = await receiverFor(['customer.created']);
    h.sandbox.setWebhookFaults({ shuffleWindowMs: 50, delayMs: 10 });
    const ids: string[] = [];
    for (let i = 0; i < 8; i++)
      ids.push((await h.stripe.customers.create({ email: `s${i}@example.com` })).id);
    await waitFor(() => receiver.received.length === 8);
    const got = receiver.received.map((r) => (r.event.data.object as Stripe.Customer).id);
    expect([...got].sort()).toEqual([...ids].sort());
  });
});
