import { Customer } from '../../../src/models';
import { ApiKeyService, STOREFRONT_SCOPES } from '../../../src/services/api-key-service';
import { syncConfiguredCatalog } from '../../../src/services/subscriptions/catalog-bootstrap';
import {
  applyEvents,
  auth,
  billingEventsOf,
  createCustomer,
  DAY,
  once,
  startSubscriptionHarness,
  type SubscriptionHarness,
} from './subscription-harness';

let h: SubscriptionHarness;
beforeAll(async () => {
  h = await startSubscriptionHarness();
});
afterAll(() => h.close());

async function stripeCustomerOf(customerId: string): Promise<string> {
  return (await Customer.findByPk(customerId))!.stripeCustomerId;
}

async function entitlements(customerId: string) {
  const res = await h.http.get(`/v1/customers/${customerId}/entitlements`).set(auth(h)).expect(200);
  return res.body as { has_access: boolean; access_until: number | null; subscriptions: unknown[] };
}

async function sync(customerId: string) {
  await applyEvents(h, await billingEventsOf(h, await stripeCustomerOf(customerId)));
}

describe('GET /v1/prices', () => {
  test('When the catalogue is synced, then its prices are listed with their amounts', async () => {
    const res = await h.http.get('/v1/prices').set(auth(h)).expect(200);
    const ids = (res.body.data as Array<{ id: string }>).map((p) => p.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'membership_monthly',
        'membership_plus_monthly',
        'membership_yearly',
      ]),
    );
    const monthly = res.body.data.find((p: { id: string }) => p.id === 'membership_monthly');
    expect(monthly).toMatchObject({
      currency: 'usd',
      unit_amount: 1500,
      recurring: { interval: 'month', interval_count: 1 },
    });
  });

  test('When the catalogue is synced again, then nothing new is created in Stripe', async () => {
    const before = await h.stripe.prices.list({ limit: 100 });
    const result = await syncConfiguredCatalog(h.ctx.config, h.billing);
    const after = await h.stripe.prices.list({ limit: 100 });
    expect(result.created).toEqual([]);
    expect(result.unchanged).toHaveLength(3);
    expect(after.data).toHaveLength(before.data.length);
  });

  test('When no API key is sent, then 401', async () => {
    await h.http.get('/v1/prices').expect(401);
  });
});

describe('POST /v1/subscriptions', () => {
  test('When a card pays the first invoice, then it is active and the customer has access', async () => {
    const customer = await createCustomer(h);
    const res = await h.http
      .post('/v1/subscriptions')
      .set(auth(h))
      .set(once())
      .send({ customer, price: 'membership_monthly', payment_method: 'pm_card_visa' })
      .expect(201);
    expect(res.body).toMatchObject({ status: 'active', quantity: 1, pending_payment: null });
    await sync(customer);
    const access = await entitlements(customer);
    expect(access.has_access).toBe(true);
    expect(access.access_until).toBe(res.body.current_period_end);
  });

  test('When the same Idempotency-Key is sent twice, then one subscription exists', async () => {
    const customer = await createCustomer(h);
    const headers = once();
    const body = { customer, price: 'membership_monthly', payment_method: 'pm_card_visa' };
    const first = await h.http.post('/v1/subscriptions').set(auth(h)).set(headers).send(body);
    const second = await h.http.post('/v1/subscriptions').set(auth(h)).set(headers).send(body);
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    expect(second.headers['idempotent-replayed']).toBe('true');
    const listed = await h.stripe.subscriptions.list({
      customer: await stripeCustomerOf(customer),
    });
    expect(listed.data).toHaveLength(1);
  });

  test('When trial_period_days is given, then it is trialing with access until the trial ends', async () => {
    const customer = await createCustomer(h);
    const now = h.sandbox.now();
    const res = await h.http
      .post('/v1/subscriptions')
      .set(auth(h))
      .set(once())
      .send({ customer, price: 'membership_monthly', trial_period_days: 14 })
      .expect(201);
    expect(res.body.status).toBe('trialing');
    expect(res.body.trial_end).toBe(now + 14 * DAY);
    await sync(customer);
    expect(await entitlements(customer)).toMatchObject({
      has_access: true,
      access_until: now + 14 * DAY,
    });
  });

  test('When trial_period_days is 0, then there is no trial', async () => {
    const customer = await createCustomer(h);
    const res = await h.http
      .post('/v1/subscriptions')
      .set(auth(h))
      .set(once())
      .send({
        customer,
        price: 'membership_monthly',
        trial_period_days: 0,
        payment_method: 'pm_card_visa',
      })
      .expect(201);
    expect(res.body).toMatchObject({ status: 'active', trial_end: null });
  });

  test.each([
    ['trial_end is in the past', 'trial_end', { trial_end: 1_000_000_000 }],
    ['trial_end is over 730 days away', 'trial_end', { trial_end: 'far' }],
    ['trial_period_days is over 730', 'trial_period_days', { trial_period_days: 731 }],
    ['trial_period_days is negative', 'trial_period_days', { trial_period_days: -1 }],
    ['days and an end are both given', 'trial_end', { trial_period_days: 3, trial_end: 'soon' }],
  ])('When %s, then 400 naming %s and nothing is created', async (_case, field, trial) => {
    const customer = await createCustomer(h);
    const now = h.sandbox.now();
    const body: Record<string, unknown> = { customer, price: 'membership_monthly', ...trial };
    if (body.trial_end === 'far') body.trial_end = now + 731 * DAY;
    if (body.trial_end === 'soon') body.trial_end = now + DAY;
    const res = await h.http.post('/v1/subscriptions').set(auth(h)).set(once()).send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ field })]),
    );
    const listed = await h.stripe.subscriptions.list({
      customer: await stripeCustomerOf(customer),
      status: 'all',
    });
    expect(listed.data).toHaveLength(0);
  });

  test('When the price is not in the catalogue, then 400 naming price', async () => {
    const customer = await createCustomer(h);
    const res = await h.http
      .post('/v1/subscriptions')
      .set(auth(h))
      .set(once())
      .send({ customer, price: 'gold_forever' })
      .expect(400);
    expect(res.body.error.details[0].field).toBe('price');
  });

  test('When the customer belongs to another storefront, then 400 naming customer', async () => {
    const other = await new ApiKeyService(h.ctx.sequelize).create({
      name: 'other',
      scopes: STOREFRONT_SCOPES,
    });
    const customer = await createCustomer(h);
    const res = await h.http
      .post('/v1/subscriptions')
      .set({ authorization: `Bearer ${other.key}` })
      .set(once())
      .send({ customer, price: 'membership_monthly' })
      .expect(400);
    expect(res.body.error.details[0].field).toBe('customer');
  });
});
