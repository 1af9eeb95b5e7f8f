import Stripe from 'stripe';
import { startHarness, startReceiver, waitFor, type Harness } from './sandbox-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ webhookRetryBaseMs: 20, webhookRetryMaxMs: 100 });
});
afterAll(() => h.sandbox.close());
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  h.sandbox.clearFaults();
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function receiverWith(statuses: number[] = []) {
  const receiver = await startReceiver(statuses);
  cleanups.push(() => receiver.close());
  return receiver;
}

async function endpointFor(url: string, events: string[] = ['*']) {
  const endpoint = await h.stripe.webhookEndpoints.create({ url, enabled_events: events as never });
  cleanups.push(() => h.stripe.webhookEndpoints.del(endpoint.id));
  return endpoint;
}

describe('webhook delivery', () => {
  test('When an endpoint is registered, then each event arrives signed with its secret', async () => {
    const receiver = await receiverWith();
    const endpoint = await endpointFor(receiver.url);
    expect(endpoint.secret).toMatch(/^whsec_/);
    const customer = await h.stripe.customers.create({ email: 'hook@example.com' });
    const got = await waitFor(() =>
      receiver.received.find((r) => (r.event.data.object as Stripe.Customer).id === customer.id),
    );
    const event = Stripe.webhooks.constructEvent(got.body, got.signature, endpoint.secret!);
    expect(event.type).toBe('customer.created');
    expect(() => Stripe.webhooks.constructEvent(got.body, got.signature, 'whsec_wrong')).toThrow();
  });

  test('When the endpoint answers 500 twice, then the event is retried until 2xx', async () => {
    const receiver = await receiverWith([500, 500]);
    await endpointFor(receiver.url, ['payment_intent.created']);
    const pi = await h.stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    await waitFor(() => receiver.received.length >= 3);
    expect(new Set(receiver.received.map((r) => r.event.id)).size).toBe(1);
    expect(receiver.received[0].event.data.object).toMatchObject({ id: pi.id });
    const eventId = receiver.received[0].event.id;
    const attempts = await waitFor(() => {
      const all = h.sandbox.deliveries(eventId);
      return all.some((a) => a.ok) ? all : null;
    });
    expect(attempts.map((a) => [a.attempt, a.status, a.ok])).toEqual([
      [1, 500, false],
      [2, 500, false],
      [3, 200, true],
    ]);
  });

  test('When enabled_events is narrow, then other events are not delivered', async () => {
    const receiver = await receiverWith();
    await endpointFor(receiver.url, ['charge.succeeded']);
    await h.stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    await h.sandbox.waitForWebhooks();
    expect(receiver.received.map((r) => r.event.type)).toEqual(['charge.succeeded']);
  });

  test('When the url or events are missing or bad, then 400 names the parameter', async () => {
    const noUrl = await h.stripe.webhookEndpoints
      .create({ enabled_events: ['*'] } as never)
      .catch((e) => e);
    expect(noUrl.param).toBe('url');
    const badUrl = await endpointFor('not a url').catch((e) => e);
    expect(badUrl.param).toBe('url');
    const noEvents = await h.stripe.webhookEndpoints
      .create({ url: 'http://127.0.0.1:1/x' } as never)
      .catch((e) => e);
    expect(noEvents.param).toBe('enabled_events');
  });
});
