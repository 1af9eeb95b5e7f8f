import Stripe from 'stripe';
import { call, startHarness, stripeError, type Harness } from './sandbox-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.sandbox.close());

describe('authentication', () => {
  test('When no key is sent, then 401 in Stripe error shape', async () => {
    const res = await call(h.sandbox, 'GET', '/v1/customers', undefined, { authorization: '' });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ error: expect.objectContaining({ type: 'invalid_request_error' }) });
  });

  test.each(['Bearer pk_test_abc', 'Bearer sk_live_abc', 'Bearer nonsense', 'Token sk_test_x'])(
    'When the key is %s, then 401',
    async (authorization) => {
      const res = await call(h.sandbox, 'GET', '/v1/customers', undefined, { authorization });
      expect(res.status).toBe(401);
      expect((res.json.error as { message: string }).message).not.toContain('abc');
    },
  );

  test('When Basic auth carries a test key, then it is accepted', async () => {
    const basic = Buffer.from('sk_test_basic:').toString('base64');
    const res = await call(h.sandbox, 'GET', '/v1/customers', undefined, {
      authorization: `Basic ${basic}`,
    });
    expect(res.status).toBe(200);
  });
});

describe('parameters', () => {
  test('When a parameter is unknown, then 400 names it', async () => {
    const err = await stripeError(
      h.stripe.customers.create({ email: 'a@example.com', favourite_color: 'red' } as never),
    );
    expect(err.statusCode).toBe(400);
    expect(err.code).toBe('parameter_unknown');
    expect(err.param).toBe('favourite_color');
    expect(err.message).toContain('Received unknown parameter: favourite_color');
  });

  test('When a nested parameter is unknown, then the nested name is reported', async () => {
    const res = await call(
      h.sandbox,
      'POST',
      '/v1/customers',
      'shipping[name]=A&shipping[bogus]=1',
    );
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ param: 'shipping[bogus]' });
  });

  test('When an integer is not one, then 400 names the parameter', async () => {
    const res = await call(h.sandbox, 'POST', '/v1/payment_intents', 'amount=ten&currency=usd');
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ param: 'amount', message: 'Invalid integer: ten' });
  });

  test('When a three-decimal amount does not end in 0, then 400 and no payment intent', async () => {
    const err = await stripeError(h.stripe.paymentIntents.create({ amount: 505, currency: 'bhd' }));
    expect(err.statusCode).toBe(400);
    expect(err.param).toBe('amount');
    expect(err.code).toBe('invalid_charge_amount');
    const made = await h.stripe.paymentIntents.create({ amount: 510, currency: 'bhd' });
    expect(made.amount).toBe(510);
  });

  test('When a path holds a broken percent-escape, then 404 in Stripe error shape', async () => {
    const res = await call(h.sandbox, 'GET', '/v1/payment_intents/%E0%A4%A');
    expect(res.status).toBe(404);
    expect(res.json.error).toMatchObject({ type: 'invalid_request_error' });
  });

  test('When the body is over 1 MB, then 413 in Stripe error shape', async () => {
    const res = await call(
      h.sandbox,
      'POST',
      '/v1/customers',
      `description=${'a'.repeat(1_100_000)}`,
    );
    expect(res.status).toBe(413);
    expect(res.json.error).toMatchObject({ type: 'invalid_request_error' });
  });

  test('When the route is unknown, then 404 unrecognized URL', async () => {
    const res = await call(h.sandbox, 'GET', '/v1/nope');
    expect(res.status).toBe(404);
    expect((res.json.error as { message: string }).message).toContain('Unrecognized request URL');
  });

  test('When an id does not exist, then 404 resource_missing', async () => {
    const err = await stripeError(h.stripe.customers.retrieve('cus_missing'));
    expect(err.statusCode).toBe(404);
    expect(err.code).toBe('resource_missing');
    expect(err.message).toContain("No such customer: 'cus_missing'");
  });
});

describe('metadata limits', () => {
  test('When there are 51 keys, then 400 and nothing is stored', async () => {
    const before = await h.stripe.customers.list({ limit: 100 });
    const metadata = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    const err = await stripeError(h.stripe.customers.create({ metadata }));
    expect(err.param).toBe('metadata');
    const after = await h.stripe.customers.list({ limit: 100 });
    expect(after.data.length).toBe(before.data.length);
  });

  test('When a key has 41 characters or a value 501, then 400', async () => {
    const longKey = await stripeError(
      h.stripe.customers.create({ metadata: { ['k'.repeat(41)]: 'v' } }),
    );
    expect(longKey.statusCode).toBe(400);
    const longValue = await stripeError(
      h.stripe.customers.create({ metadata: { k: 'v'.repeat(501) } }),
    );
    expect(longValue.statusCode).toBe(400);
  });

  test('When 50 keys of 40 characters with 500-character values, then accepted', async () => {
    const metadata = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [`${i}`.padStart(40, 'k'), 'v'.repeat(500)]),
    );
    const c = await h.stripe.customers.create({ metadata });
    expect(Object.keys(c.metadata)).toHaveLength(50);
  });

  test('When a metadata value is set empty, then that key is removed', async () => {
    const c = await h.stripe.customers.create({ metadata: { a: '1', b: '2' } });
    const u = await h.stripe.customers.update(c.id, { metadata: { a: '' } });
    expect(u.metadata).toEqual({ b: '2' });
  });
});

describe('idempotency keys', () => {
  test('When a create is replayed with the same key, then the first answer returns', async () => {
    const key = `idem-${Date.now()}-a`;
    const params = { amount: 1200, currency: 'usd', payment_method: 'pm_card_visa', confirm: true };
    const first = await h.stripe.paymentIntents.create(params, { idempotencyKey: key });
    const second = await h.stripe.paymentIntents.create(params, { idempotencyKey: key });
    expect(second.id).toBe(first.id);
    const charges = await h.stripe.charges.list({ payment_intent: first.id });
    expect(charges.data).toHaveLength(1);
  });

  test('When the replay is raw, then Idempotent-Replayed is set and the body is identical', async () => {
    const headers = { 'idempotency-key': `idem-${Date.now()}-raw` };
    const a = await call(h.sandbox, 'POST', '/v1/customers', 'email=x@example.com', headers);
    const b = await call(h.sandbox, 'POST', '/v1/customers', 'email=x@example.com', headers);
    expect(b.json).toEqual(a.json);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
  });

  test('When the same key comes with other parameters, then 400 idempotency_error', async () => {
    const key = `idem-${Date.now()}-b`;
    await h.stripe.customers.create({ email: 'one@example.com' }, { idempotencyKey: key });
    const err = await stripeError(
      h.stripe.customers.create({ email: 'two@example.com' }, { idempotencyKey: key }),
    );
    expect(err.type).toBe('StripeIdempotencyError');
    expect(err.statusCode).toBe(400);
  });

  test('When a decline is replayed, then the same card error returns without a new charge', async () => {
    const key = `idem-${Date.now()}-c`;
    const params = {
      amount: 1000,
      currency: 'usd',
      payment_method: 'pm_card_chargeDeclined',
      confirm: true,
    };
    const a = await stripeError(h.stripe.paymentIntents.create(params, { idempotencyKey: key }));
    const b = await stripeError(h.stripe.paymentIntents.create(params, { idempotencyKey: key }));
    expect(b.statusCode).toBe(402);
    expect((b.raw as { charge: string }).charge).toBe((a.raw as { charge: string }).charge);
  });

  test('When the first attempt had bad parameters, then the key can be used again', async () => {
    const key = `idem-${Date.now()}-d`;
    await stripeError(h.stripe.customers.create({ bogus: 1 } as never, { idempotencyKey: key }));
    const ok = await h.stripe.customers.create(
      { email: 'ok@example.com' },
      { idempotencyKey: key },
    );
    expect(ok.email).toBe('ok@example.com');
  });

  test('When two API keys use the same idempotency key, then they do not collide', async () => {
    const key = `idem-${Date.now()}-e`;
    const other = new Stripe('sk_test_other', {
      host: '127.0.0.1',
      port: h.sandbox.port,
      protocol: 'http',
    });
    const a = await h.stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: key });
    const b = await other.customers.create({ email: 'b@example.com' }, { idempotencyKey: key });
    expect(b.id).not.toBe(a.id);
  });
});

describe('pagination and expand', () => {
  test('When listing with limit and cursors, then pages are newest first without overlap', async () => {
    const tag = `page-${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await h.stripe.customers.create({ email: `${tag}@example.com` })).id);
    const first = await h.stripe.customers.list({ email: `${tag}@example.com`, limit: 2 });
    expect(first.data.map((c) => c.id)).toEqual([ids[4], ids[3]]);
    expect(first.has_more).toBe(true);
    const second = await h.stripe.customers.list({
      email: `${tag}@example.com`,
      limit: 2,
      starting_after: ids[3],
    });
    expect(second.data.map((c) => c.id)).toEqual([ids[2], ids[1]]);
    const back = await h.stripe.customers.list({
      email: `${tag}@example.com`,
      limit: 2,
      ending_before: ids[1],
    });
    expect(back.data.map((c) => c.id)).toEqual([ids[3], ids[2]]);
    const all: string[] = [];
    for await (const c of h.stripe.customers.list({ email: `${tag}@example.com`, limit: 2 }))
      all.push(c.id);
    expect(all).toEqual([...ids].reverse());
  });

  test('When limit is out of range, then 400 names limit', async () => {
    const err = await stripeError(h.stripe.customers.list({ limit: 101 }));
    expect(err.param).toBe('limit');
  });

  test('When expand names nested ids, then they come back as objects', async () => {
    const customer = await h.stripe.customers.create({ email: 'exp@example.com' });
    const pi = await h.stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      customer: customer.id,
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    const got = await h.stripe.paymentIntents.retrieve(pi.id, {
      expand: ['customer', 'latest_charge.balance_transaction', 'payment_method'],
    });
    expect((got.customer as Stripe.Customer).email).toBe('exp@example.com');
    expect(
      ((got.latest_charge as Stripe.Charge).balance_transaction as Stripe.BalanceTransaction)
        .object,
    ).toBe('balance_transaction');
    const list = await h.stripe.paymentIntents.list({
      customer: customer.id,
      expand: ['data.customer'],
    });
    expect((list.data[0].customer as Stripe.Customer).id).toBe(customer.id);
    const bad = await stripeError(
      h.stripe.paymentIntents.retrieve(pi.id, { expand: ['nothing_here'] }),
    );
    expect(bad.param).toBe('expand');
  });
});

describe('customers and payment methods', () => {
  test('When a test card is attached and made default, then it lists under the customer', async () => {
    const customer = await h.stripe.customers.create({ name: 'Jenny Rosen' });
    const pm = await h.stripe.paymentMethods.attach('pm_card_amex', { customer: customer.id });
    expect(pm.id).toMatch(/^pm_/);
    expect(pm.card).toMatchObject({ brand: 'amex', last4: '8431', country: 'US' });
    expect(pm.card?.exp_year).toBeGreaterThan(new Date().getFullYear());
    const updated = await h.stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: pm.id },
    });
    expect(updated.invoice_settings.default_payment_method).toBe(pm.id);
    const list = await h.stripe.customers.listPaymentMethods(customer.id);
    expect(list.data.map((p) => p.id)).toEqual([pm.id]);
    const detached = await h.stripe.paymentMethods.detach(pm.id);
    expect(detached.customer).toBeNull();
    const err = await stripeError(
      h.stripe.customers.update(customer.id, {
        invoice_settings: { default_payment_method: pm.id },
      }),
    );
    expect(err.param).toBe('invoice_settings[default_payment_method]');
  });

  test('When each test id is used, then a new payment method with its card appears', async () => {
    const a = await h.stripe.paymentMethods.retrieve('pm_card_visa');
    const b = await h.stripe.paymentMethods.retrieve('pm_card_visa');
    expect(a.id).not.toBe(b.id);
    expect(a.card?.fingerprint).toBe(b.card?.fingerprint);
    const mc = await h.stripe.paymentMethods.retrieve('pm_card_mastercard');
    expect(mc.card).toMatchObject({ brand: 'mastercard', last4: '4444' });
  });

  test('When a customer is deleted, then retrieve says deleted and list omits it', async () => {
    const c = await h.stripe.customers.create({ email: 'gone@example.com' });
    const del = await h.stripe.customers.del(c.id);
    expect(del.deleted).toBe(true);
    const got = await h.stripe.customers.retrieve(c.id);
    expect(got.deleted).toBe(true);
    const list = await h.stripe.customers.list({ email: 'gone@example.com' });
    expect(list.data).toHaveLength(0);
    const err = await stripeError(h.stripe.customers.update(c.id, { name: 'x' }));
    expect(err.statusCode).toBe(404);
  });
});

describe('events', () => {
  test('When objects change, then events list by type and created[gte], newest first', async () => {
    const since = h.sandbox.now();
    const c = await h.stripe.customers.create({ email: 'ev@example.com' });
    await h.stripe.customers.update(c.id, { name: 'Evie' });
    const updated = await h.stripe.events.list({
      type: 'customer.updated',
      created: { gte: since },
    });
    const mine = updated.data.filter((e) => (e.data.object as Stripe.Customer).id === c.id);
    expect(mine).toHaveLength(1);
    expect(mine[0].data.previous_attributes).toEqual({ name: null });
    expect((mine[0].data.object as Stripe.Customer).name).toBe('Evie');
    const got = await h.stripe.events.retrieve(mine[0].id);
    expect(got.type).toBe('customer.updated');
    expect(got.api_version).toBe('2026-11-18.endive');
    const future = await h.stripe.events.list({ created: { gt: since + 3600 } });
    expect(future.data).toHaveLength(0);
  });
});
