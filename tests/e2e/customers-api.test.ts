import { QueryTypes } from 'sequelize';
import { Customer } from '../../src/models';
import { captureLogs } from '../support/log-capture';
import { api } from '../support/contract';
import {
  bearer,
  idemKey,
  startPaymentsHarness,
  type PaymentsHarness,
} from '../support/payments-harness';

describe('Customers API (against the sandbox)', () => {
  let h: PaymentsHarness;
  beforeAll(async () => {
    h = await startPaymentsHarness();
  });
  afterAll(() => h.close());

  const app = () => api(h.ctx.built.app);
  const post = (path: string, body: Record<string, unknown>, key = h.keys.storefront) =>
    app().post(path).set('Authorization', bearer(key)).set('Idempotency-Key', idemKey()).send(body);
  const get = (path: string, key = h.keys.storefront) =>
    app().get(path).set('Authorization', bearer(key));

  const ada = {
    email: '  Ada.Lovelace@Example.COM ',
    name: 'Ada Lovelace',
    phone: '+44 20 7946 0958',
    address: { line1: '12 St James Sq', city: 'London', postal_code: 'SW1Y 4JH', country: 'gb' },
  };

  test('When a customer is created, then email is trimmed and PII is encrypted at rest', async () => {
    const capture = captureLogs('debug');
    const res = await post('/v1/customers', ada).expect(201);
    capture.stop();

    expect(res.body).toMatchObject({
      object: 'customer',
      email: 'ada.lovelace@example.com',
      name: 'Ada Lovelace',
      address: { country: 'GB', city: 'London' },
    });
    const [raw] = await h.ctx.sequelize.query<Record<string, string>>(
      'SELECT * FROM customers WHERE id = :id',
      { type: QueryTypes.SELECT, replacements: { id: res.body.id } },
    );
    const stored = JSON.stringify(raw);
    expect(stored).not.toMatch(/lovelace|Ada|London|7946/i);
    expect(raw!.email_encrypted).toMatch(/^v1:ephemeral:/);
    expect(capture.raw()).not.toMatch(/lovelace|7946/i);

    const remote = await h.stripe.customers.retrieve(res.body.stripe_customer_id);
    expect(remote).toMatchObject({ email: 'ada.lovelace@example.com', name: 'Ada Lovelace' });
  });

  test('When the email is invalid or fields unknown, then 400 and nothing is stored', async () => {
    const before = await Customer.count();
    const bad = await post('/v1/customers', { email: 'not-an-email' }).expect(400);
    expect(bad.body.error.details[0].field).toBe('email');
    await post('/v1/customers', { email: 'a@example.com', role: 'admin' }).expect(400);
    await post('/v1/customers', { address: { country: 'Britain' } }).expect(400);
    expect(await Customer.count()).toBe(before);
  });

  test('When retrieved, updated and listed, then the owner sees it and others get 404', async () => {
    const created = await post('/v1/customers', { email: 'grace@example.com' }).expect(201);
    const id = created.body.id as string;

    const updated = await app()
      .patch(`/v1/customers/${id}`)
      .set('Authorization', bearer(h.keys.storefront))
      .send({ name: 'Grace Hopper', phone: null })
      .expect(200);
    expect(updated.body).toMatchObject({ name: 'Grace Hopper', email: 'grace@example.com' });
    const remote = await h.stripe.customers.retrieve(created.body.stripe_customer_id);
    expect((remote as { name: string }).name).toBe('Grace Hopper');

    await get(`/v1/customers/${id}`).expect(200);
    await get(`/v1/customers/${id}`, h.keys.otherStorefront).expect(404);
    const list = await get('/v1/customers?limit=100').expect(200);
    expect(list.body.data.map((c: { id: string }) => c.id)).toContain(id);
    const others = await get('/v1/customers?limit=100', h.keys.otherStorefront).expect(200);
    expect(others.body.data.map((c: { id: string }) => c.id)).not.toContain(id);
  });

  test('When payment methods are attached, listed, made default and detached, then Stripe agrees', async () => {
    const customer = (await post('/v1/customers', { email: 'buyer@example.com' }).expect(201)).body;
    const path = `/v1/customers/${customer.id}/payment-methods`;
    const visa = await post(path, { payment_method: 'pm_card_visa' }).expect(201);
    expect(visa.body).toMatchObject({ card: { brand: 'visa', last4: '4242' }, is_default: false });
    const mc = await post(path, { payment_method: 'pm_card_mastercard', set_default: true }).expect(
      201,
    );
    expect(mc.body.is_default).toBe(true);

    const list = await get(path).expect(200);
    expect(list.body.data).toHaveLength(2);

    const made = await app()
      .post(`${path}/${visa.body.id}/default`)
      .set('Authorization', bearer(h.keys.storefront))
      .expect(200);
    expect(made.body.is_default).toBe(true);
    const remote = await h.stripe.customers.retrieve(customer.stripe_customer_id);
    expect(
      (remote as { invoice_settings: { default_payment_method: string } }).invoice_settings
        .default_payment_method,
    ).toBe(visa.body.id);

    // A confirmed payment without a payment method uses the default.
    const paid = await app()
      .post('/v1/payments')
      .set('Authorization', bearer(h.keys.storefront))
      .set('Idempotency-Key', idemKey())
      .send({ amount: 1500, currency: 'usd', customer: customer.id, confirm: true })
      .expect(201);
    expect(paid.body).toMatchObject({ status: 'succeeded', payment_method: visa.body.id });

    await app()
      .delete(`${path}/${mc.body.id}`)
      .set('Authorization', bearer(h.keys.storefront))
      .expect(200);
    expect((await get(path).expect(200)).body.data).toHaveLength(1);
    await app()
      .delete(`${path}/${mc.body.id}`)
      .set('Authorization', bearer(h.keys.storefront))
      .expect(404);
  });

  test("When another storefront's customer is used, then 404 everywhere", async () => {
    const customer = (await post('/v1/customers', { email: 'x@example.com' }).expect(201)).body;
    await post(
      `/v1/customers/${customer.id}/payment-methods`,
      { payment_method: 'pm_card_visa' },
      h.keys.otherStorefront,
    ).expect(404);
    await post(
      '/v1/payments',
      { amount: 1000, currency: 'usd', customer: customer.id },
      h.keys.otherStorefront,
    ).expect(404);
  });

  test('When a Stripe payment method id does not exist, then 400 resource_missing', async () => {
    const customer = (await post('/v1/customers', {}).expect(201)).body;
    const res = await post(`/v1/customers/${customer.id}/payment-methods`, {
      payment_method: 'pm_doesnotexist',
    }).expect(400);
    expect(res.body.error.code).toBe('resource_missing');
  });
});
