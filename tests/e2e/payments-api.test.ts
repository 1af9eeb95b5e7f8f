import { Payment } from '../../src/models';
import { api } from '../support/contract';
import {
  bearer,
  idemKey,
  startPaymentsHarness,
  type PaymentsHarness,
} from '../support/payments-harness';

/**
 * The storefront payments API end to end: HTTP → app → official SDK → sandbox over HTTP, with
 * the run's PostgreSQL. Every exchange is also checked against docs/openapi.yaml.
 */
describe('Payments API (against the sandbox)', () => {
  let h: PaymentsHarness;
  beforeAll(async () => {
    h = await startPaymentsHarness();
  });
  afterAll(() => h.close());

  const app = () => api(h.ctx.built.app);
  const createPayment = (
    body: Record<string, unknown>,
    key = h.keys.storefront,
    idem = idemKey(),
  ) =>
    app()
      .post('/v1/payments')
      .set('Authorization', bearer(key))
      .set('Idempotency-Key', idem)
      .send(body);
  const post = (path: string, body: Record<string, unknown> = {}, idem = idemKey()) =>
    app()
      .post(path)
      .set('Authorization', bearer(h.keys.storefront))
      .set('Idempotency-Key', idem)
      .send(body);
  const get = (path: string, key = h.keys.storefront) =>
    app().get(path).set('Authorization', bearer(key));

  describe('POST /v1/payments', () => {
    test('When pm_card_visa is confirmed, then 201 succeeded, a row and a Stripe intent', async () => {
      const res = await createPayment({
        amount: 1999,
        currency: 'usd',
        payment_method: 'pm_card_visa',
        confirm: true,
        description: 'Order 1001',
        metadata: { order_id: '1001' },
      }).expect(201);

      expect(res.body).toMatchObject({
        object: 'payment',
        amount: 1999,
        currency: 'usd',
        status: 'succeeded',
        amount_received: 1999,
        metadata: { order_id: '1001' },
      });
      expect(res.body.id).toMatch(/^pay_/);
      expect(res.body.client_secret).toMatch(/^pi_.*_secret_/);
      const row = await Payment.findByPk(res.body.id);
      expect(row).toMatchObject({ status: 'succeeded', amountReceived: 1999 });
      const intent = await h.stripe.paymentIntents.retrieve(res.body.stripe_payment_intent_id);
      expect(intent.status).toBe('succeeded');
      expect(intent.amount).toBe(1999);
    });

    test('When created without confirm and then confirmed, then it succeeds', async () => {
      const created = await createPayment({ amount: 500, currency: 'eur' }).expect(201);
      expect(created.body.status).toBe('requires_payment_method');
      const confirmed = await post(`/v1/payments/${created.body.id}/confirm`, {
        payment_method: 'pm_card_mastercard',
      }).expect(200);
      expect(confirmed.body.status).toBe('succeeded');
      expect((await Payment.findByPk(created.body.id))?.status).toBe('succeeded');
    });

    test.each([
      ['pm_card_chargeDeclined', 'card_declined', 'generic_decline'],
      ['pm_card_chargeDeclinedInsufficientFunds', 'card_declined', 'insufficient_funds'],
      ['pm_card_chargeDeclinedFraudulent', 'card_declined', 'fraudulent'],
      ['pm_card_chargeDeclinedLostCard', 'card_declined', 'lost_card'],
      ['pm_card_chargeDeclinedStolenCard', 'card_declined', 'stolen_card'],
      ['pm_card_chargeDeclinedExpiredCard', 'expired_card', 'expired_card'],
      ['pm_card_chargeDeclinedIncorrectCvc', 'incorrect_cvc', 'incorrect_cvc'],
      ['pm_card_chargeDeclinedProcessingError', 'processing_error', 'processing_error'],
    ])('When %s is declined, then 402 %s with decline code %s', async (pm, code, declineCode) => {
      const res = await createPayment({
        amount: 2500,
        currency: 'usd',
        payment_method: pm,
        confirm: true,
      }).expect(402);

      expect(res.body.error).toMatchObject({ type: 'card_error', code, decline_code: declineCode });
      // Stripe's own wording is not passed through; the message is ours.
      expect(res.body.error.message).not.toMatch(/Your card/);
      if (['fraudulent', 'lost_card', 'stolen_card'].includes(declineCode)) {
        expect(res.body.error.message).toMatch(/declined/);
      }
      const row = await Payment.findByPk(res.body.error.payment_id);
      expect(row?.status).toBe('requires_payment_method');
      expect(row?.lastPaymentError).toMatchObject({ decline_code: declineCode });
    });

    test('When 3-D Secure is required and passed, then requires_action, then succeeded', async () => {
      const res = await createPayment({
        amount: 4200,
        currency: 'usd',
        payment_method: 'pm_card_threeDSecure2Required',
        confirm: true,
        return_url: 'https://shop.example/return',
      }).expect(201);
      expect(res.body.status).toBe('requires_action');
      expect(res.body.next_action).toBeTruthy();

      h.sandbox.completeThreeDSecure(res.body.stripe_payment_intent_id, 'pass');
      const after = await get(`/v1/payments/${res.body.id}`).expect(200);
      expect(after.body.status).toBe('succeeded');
      expect((await Payment.findByPk(res.body.id))?.status).toBe('succeeded');
    });

    test('When 3-D Secure fails, then the payment goes back to requires_payment_method', async () => {
      const res = await createPayment({
        amount: 4200,
        currency: 'usd',
        payment_method: 'pm_card_authenticationRequired',
        confirm: true,
        return_url: 'https://shop.example/return',
      }).expect(201);
      expect(res.body.status).toBe('requires_action');

      h.sandbox.completeThreeDSecure(res.body.stripe_payment_intent_id, 'fail');
      const after = await get(`/v1/payments/${res.body.id}`).expect(200);
      expect(after.body.status).toBe('requires_payment_method');
      expect(after.body.last_payment_error).toBeTruthy();
    });

    test('When JPY and BHD amounts are paid, then minor units are kept exactly', async () => {
      const jpy = await createPayment({
        amount: 5000,
        currency: 'JPY',
        payment_method: 'pm_card_visa',
        confirm: true,
      }).expect(201);
      expect(jpy.body).toMatchObject({ amount: 5000, currency: 'jpy', status: 'succeeded' });

      const bhd = await createPayment({
        amount: 12_340,
        currency: 'bhd',
        payment_method: 'pm_card_visa',
        confirm: true,
      }).expect(201);
      expect(bhd.body).toMatchObject({ amount: 12_340, currency: 'bhd', amount_received: 12_340 });
      const intent = await h.stripe.paymentIntents.retrieve(bhd.body.stripe_payment_intent_id);
      expect(intent.amount).toBe(12_340);
    });

    test.each([
      ['a float', 19.99, 'usd', 'amount'],
      ['a decimal string', '19.99', 'usd', 'amount'],
      ['an integer string', '1999', 'usd', 'amount'],
      ['negative', -100, 'usd', 'amount'],
      ['zero', 0, 'usd', 'amount'],
      ['under the USD minimum (0.50)', 49, 'usd', '50'],
      ['under the JPY minimum (¥50)', 49, 'jpy', '50'],
      ['over eight digits', 100_000_000, 'usd', '99999999'],
      ['a BHD amount whose last digit is not 0', 12_345, 'bhd', 'multiple of 10'],
      ['an unsupported currency', 1000, 'xyz', 'currency'],
      ['missing', undefined, 'usd', 'amount'],
    ])(
      'When the amount is %s, then 400 naming the field and limit, Stripe not called',
      async (_label, amount, currency, named) => {
        const before = (await h.stripe.paymentIntents.list({ limit: 100 })).data.length;
        const res = await createPayment({
          amount,
          currency,
          payment_method: 'pm_card_visa',
        }).expect(400);
        expect(res.body.error.type).toBe('invalid_request_error');
        expect(res.body.error.message).toContain(named);
        expect(res.body.error.details?.[0]?.field).toMatch(/amount|currency/);
        expect((await h.stripe.paymentIntents.list({ limit: 100 })).data.length).toBe(before);
      },
    );

    test('When unknown fields or bad metadata are sent, then 400 and nothing is created', async () => {
      const before = await Payment.count();
      await createPayment({ amount: 1000, currency: 'usd', surprise: true }).expect(400);
      const tooMany = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
      await createPayment({ amount: 1000, currency: 'usd', metadata: tooMany }).expect(400);
      await createPayment({
        amount: 1000,
        currency: 'usd',
        metadata: { ['k'.repeat(41)]: 'v' },
      }).expect(400);
      await createPayment({
        amount: 1000,
        currency: 'usd',
        metadata: { k: 'v'.repeat(501) },
      }).expect(400);
      await createPayment({ amount: 1000, currency: 'usd', metadata: { k: 5 } }).expect(400);
      expect(await Payment.count()).toBe(before);
    });

    test('When a metadata key holds square brackets, then 400 naming it, Stripe not called', async () => {
      const before = (await h.stripe.paymentIntents.list({ limit: 100 })).data.length;
      const res = await createPayment({
        amount: 1000,
        currency: 'usd',
        metadata: { 'a[b]': 'x' },
      }).expect(400);
      expect(res.body.error.code).toBe('parameter_invalid');
      expect(res.body.error.details[0].field).toMatch(/^metadata/);
      expect((await h.stripe.paymentIntents.list({ limit: 100 })).data.length).toBe(before);
    });
  });

  describe('capture and cancel', () => {
    test('When a manual payment is partly captured, then the rest is released', async () => {
      const created = await createPayment({
        amount: 10_000,
        currency: 'usd',
        payment_method: 'pm_card_visa',
        confirm: true,
        capture_method: 'manual',
      }).expect(201);
      expect(created.body).toMatchObject({ status: 'requires_capture', amount_capturable: 10_000 });

      await post(`/v1/payments/${created.body.id}/capture`, { amount_to_capture: 10_001 }).expect(
        400,
      );
      const captured = await post(`/v1/payments/${created.body.id}/capture`, {
        amount_to_capture: 6000,
      }).expect(200);
      expect(captured.body).toMatchObject({
        status: 'succeeded',
        amount_received: 6000,
        amount_capturable: 0,
      });
      // A second capture is refused locally: the payment is no longer capturable.
      const again = await post(`/v1/payments/${created.body.id}/capture`, {}).expect(400);
      expect(again.body.error.code).toBe('payment_unexpected_state');
    });

    test('When an authorized payment is canceled, then canceled and not capturable', async () => {
      const created = await createPayment({
        amount: 3000,
        currency: 'usd',
        payment_method: 'pm_card_visa',
        confirm: true,
        capture_method: 'manual',
      }).expect(201);
      const canceled = await post(`/v1/payments/${created.body.id}/cancel`, {
        cancellation_reason: 'requested_by_customer',
      }).expect(200);
      expect(canceled.body.status).toBe('canceled');
      expect(canceled.body.canceled_at).toEqual(expect.any(Number));
      await post(`/v1/payments/${created.body.id}/capture`, {}).expect(400);
      await post(`/v1/payments/${created.body.id}/cancel`, {}).expect(400);
      const row = await Payment.findByPk(created.body.id);
      expect(row?.status).toBe('canceled');
    });

    test('When 3-D Secure passed at Stripe and nobody read the payment, then capture works', async () => {
      const created = await createPayment({
        amount: 5000,
        currency: 'usd',
        payment_method: 'pm_card_threeDSecure2Required',
        confirm: true,
        capture_method: 'manual',
        return_url: 'https://shop.example/return',
      }).expect(201);
      expect(created.body.status).toBe('requires_action');

      // The shopper passes the challenge with Stripe; the service hears of it only by asking.
      h.sandbox.completeThreeDSecure(created.body.stripe_payment_intent_id, 'pass');
      const captured = await post(`/v1/payments/${created.body.id}/capture`, {
        amount_to_capture: 3000,
      }).expect(200);

      expect(captured.body).toMatchObject({ status: 'succeeded', amount_received: 3000 });
      const row = await Payment.findByPk(created.body.id);
      expect(row).toMatchObject({ status: 'succeeded', amountReceived: 3000 });
    });
  });

  describe('refunds', () => {
    const paid = async (amount: number, currency = 'usd') =>
      (
        await createPayment({
          amount,
          currency,
          payment_method: 'pm_card_visa',
          confirm: true,
        }).expect(201)
      ).body as { id: string; stripe_payment_intent_id: string };

    test('When refunded partly then fully, then both refunds stand and nothing remains', async () => {
      const payment = await paid(5000);
      const partial = await post(`/v1/payments/${payment.id}/refunds`, {
        amount: 1500,
        reason: 'requested_by_customer',
      }).expect(201);
      expect(partial.body).toMatchObject({ amount: 1500, status: 'succeeded' });
      const rest = await post(`/v1/payments/${payment.id}/refunds`, {}).expect(201);
      expect(rest.body.amount).toBe(3500);

      const list = await get(`/v1/payments/${payment.id}/refunds`).expect(200);
      expect(list.body.data.map((r: { amount: number }) => r.amount)).toEqual([1500, 3500]);
      const row = await Payment.findByPk(payment.id);
      expect(row).toMatchObject({ amountRefunded: 5000, amountRefundReserved: 0 });
      const charge = await h.stripe.paymentIntents.retrieve(payment.stripe_payment_intent_id, {
        expand: ['latest_charge'],
      });
      expect((charge.latest_charge as { amount_refunded: number }).amount_refunded).toBe(5000);
    });

    test('When more than what remains is asked, then 400 with the refundable amount', async () => {
      const payment = await paid(2000);
      await post(`/v1/payments/${payment.id}/refunds`, { amount: 1500 }).expect(201);
      const res = await post(`/v1/payments/${payment.id}/refunds`, { amount: 501 }).expect(400);
      expect(res.body.error).toMatchObject({
        code: 'refund_exceeds_remaining',
        refundable_amount: 500,
      });
      expect((await Payment.findByPk(payment.id))?.amountRefunded).toBe(1500);
    });

    test('When two refunds race that together exceed the amount, then exactly one succeeds', async () => {
      const payment = await paid(10_000);
      const results = await Promise.all([
        post(`/v1/payments/${payment.id}/refunds`, { amount: 7000 }),
        post(`/v1/payments/${payment.id}/refunds`, { amount: 6000 }),
      ]);
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 400]);
      const row = await Payment.findByPk(payment.id);
      const won = results.find((r) => r.status === 201)!.body.amount as number;
      expect(row).toMatchObject({ amountRefunded: won, amountRefundReserved: 0 });
      const refunds = await h.stripe.refunds.list({
        payment_intent: payment.stripe_payment_intent_id,
      });
      expect(refunds.data.map((r) => r.amount)).toEqual([won]);
    });

    test('When many small refunds race, then their sum never exceeds the amount', async () => {
      const payment = await paid(1000);
      const results = await Promise.all(
        Array.from({ length: 8 }, () =>
          post(`/v1/payments/${payment.id}/refunds`, { amount: 300 }),
        ),
      );
      expect(results.filter((r) => r.status === 201)).toHaveLength(3);
      expect((await Payment.findByPk(payment.id))?.amountRefunded).toBe(900);
    });

    test('When a payment was not captured, then a refund is refused', async () => {
      const created = await createPayment({ amount: 1000, currency: 'usd' }).expect(201);
      const res = await post(`/v1/payments/${created.body.id}/refunds`, {}).expect(400);
      expect(res.body.error.code).toBe('refund_exceeds_remaining');
    });
  });

  describe('never card data', () => {
    test.each([
      ['description', { description: 'card 4242 4242 4242 4242 please' }],
      ['metadata value', { metadata: { note: '4000-0000-0000-0002' } }],
      ['metadata key', { metadata: { '4242424242424242': 'x' } }],
      ['unknown field', { card_number: '5555555555554444' }],
      ['number', { amount: 4242424242424242 }],
      ['description after another number', { description: 'order 12 4242424242424242' }],
      ['description before another number', { description: '4242 4242 4242 4242 7' }],
      ['description with double spaces', { description: '4242  4242  4242  4242' }],
      ['nested metadata', { metadata: { ref: 'ref 9 4000-0566-5566-5556' } }],
    ])(
      'When a card number is in the %s, then 400 without echo, nothing stored or logged',
      async (_where, extra) => {
        const before = await Payment.count();
        const res = await createPayment({ amount: 1000, currency: 'usd', ...extra }).expect(400);
        expect(res.body.error.code).toBe('card_data_not_accepted');
        expect(res.body.error.message).not.toMatch(/4242|0002|4444/);
        expect(res.body.error.details).toBeUndefined();
        expect(await Payment.count()).toBe(before);
      },
    );

    test('When a card number is in a query string, then 400', async () => {
      const res = await get('/v1/payments?customer=4242424242424242').expect(400);
      expect(res.body.error.code).toBe('card_data_not_accepted');
    });
  });

  describe('idempotency', () => {
    test('When 50 concurrent requests share one key, then one intent and one row', async () => {
      const key = idemKey('burst');
      const body = { amount: 777, currency: 'usd', metadata: { burst: key } };
      const results = await Promise.all(
        Array.from({ length: 50 }, () => createPayment(body, h.keys.storefront, key)),
      );
      for (const r of results) expect([201, 409]).toContain(r.status);
      const created = results.filter((r) => r.status === 201);
      expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
      const conflicts = results.filter((r) => r.status === 409);
      for (const c of conflicts) expect(c.headers['retry-after']).toBe('1');

      const replay = await createPayment(body, h.keys.storefront, key).expect(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body.id).toBe(created[0]!.body.id);
      const all = await h.stripe.paymentIntents.list({ limit: 100 });
      expect(all.data.filter((pi) => pi.metadata?.burst === key)).toHaveLength(1);
      expect(await Payment.count({ where: { metadata: { burst: key } } })).toBe(1);
    });

    test('When the same key comes with a different body, then 422 and nothing new', async () => {
      const key = idemKey();
      await createPayment({ amount: 1000, currency: 'usd' }, h.keys.storefront, key).expect(201);
      const before = await Payment.count();
      const res = await createPayment(
        { amount: 2000, currency: 'usd' },
        h.keys.storefront,
        key,
      ).expect(422);
      expect(res.body.error.code).toBe('idempotency_key_reused');
      expect(await Payment.count()).toBe(before);
    });

    test('When the same key is used by another API key, then it is a separate request', async () => {
      const key = idemKey();
      const a = await createPayment({ amount: 1000, currency: 'usd' }, h.keys.storefront, key);
      const b = await createPayment({ amount: 1000, currency: 'usd' }, h.keys.otherStorefront, key);
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(a.body.id).not.toBe(b.body.id);
    });

    test('When the Idempotency-Key is missing, then 400', async () => {
      const res = await app()
        .post('/v1/payments')
        .set('Authorization', bearer(h.keys.storefront))
        .send({ amount: 1000, currency: 'usd' })
        .expect(400);
      expect(res.body.error.code).toBe('idempotency_key_required');
    });

    test('When Stripe answers 500, then 502 retry-safe, and a retry creates exactly one intent', async () => {
      const key = idemKey('stripe500');
      const body = { amount: 1234, currency: 'usd', metadata: { probe: key } };
      h.sandbox.setFault({ kind: 'server_error', count: 5, pathPrefix: '/v1/payment_intents' });
      const failed = await createPayment(body, h.keys.storefront, key).expect(502);
      expect(failed.body.error).toMatchObject({ code: 'stripe_unavailable', retryable: true });
      h.sandbox.clearFaults();

      const retried = await createPayment(body, h.keys.storefront, key).expect(201);
      expect(retried.headers['idempotent-replayed']).toBeUndefined();
      const all = await h.stripe.paymentIntents.list({ limit: 100 });
      expect(all.data.filter((pi) => pi.metadata?.probe === key)).toHaveLength(1);
      expect(await Payment.count({ where: { metadata: { probe: key } } })).toBe(1);
    });

    test('When Stripe rate limits, then 503 with Retry-After', async () => {
      h.sandbox.setFault({
        kind: 'rate_limit',
        count: 5,
        retryAfterSeconds: 7,
        pathPrefix: '/v1/payment_intents',
      });
      const res = await createPayment({ amount: 1000, currency: 'usd' }).expect(503);
      h.sandbox.clearFaults();
      expect(res.body.error.code).toBe('stripe_rate_limited');
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    });
  });

  describe('auth and ownership', () => {
    test('When another storefront asks for a payment, then 404, never 403', async () => {
      const created = await createPayment({ amount: 1000, currency: 'usd' }).expect(201);
      const res = await get(`/v1/payments/${created.body.id}`, h.keys.otherStorefront).expect(404);
      expect(res.body.error.type).toBe('not_found_error');
      const refund = await app()
        .post(`/v1/payments/${created.body.id}/cancel`)
        .set('Authorization', bearer(h.keys.otherStorefront))
        .set('Idempotency-Key', idemKey())
        .send({})
        .expect(404);
      expect(refund.body.error.type).toBe('not_found_error');
      const list = await get('/v1/payments?limit=100', h.keys.otherStorefront).expect(200);
      expect(list.body.data.map((p: { id: string }) => p.id)).not.toContain(created.body.id);
    });

    test('When the key lacks the scope, then 403 and nothing is created', async () => {
      const before = await Payment.count();
      const res = await createPayment({ amount: 1000, currency: 'usd' }, h.keys.readOnly).expect(
        403,
      );
      expect(res.body.error).toMatchObject({ type: 'permission_error', code: 'missing_scope' });
      expect(await Payment.count()).toBe(before);
    });

    test('When the key is missing, unknown or revoked, then 401', async () => {
      await app().get('/v1/payments').expect(401);
      await get('/v1/payments', 'psk_' + 'x'.repeat(44)).expect(401);
      const made = await h.keyService.create({ name: 'temp', scopes: ['payments:read'] });
      await get('/v1/payments', made.key).expect(200);
      await h.keyService.revoke(made.summary.id);
      await get('/v1/payments', made.key).expect(401);
    });
  });

  describe('GET /v1/payments', () => {
    test('When listed with filters and a cursor, then pages are disjoint and filtered', async () => {
      const [key] = (
        await h.keyService.create({ name: 'lister', scopes: ['payments:write', 'payments:read'] })
      ).key.split(' ');
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        const res = await createPayment({ amount: 1000 + i, currency: 'usd' }, key!).expect(201);
        ids.push(res.body.id);
      }
      await createPayment(
        { amount: 900, currency: 'usd', payment_method: 'pm_card_visa', confirm: true },
        key!,
      ).expect(201);

      const page1 = await get('/v1/payments?limit=3', key!).expect(200);
      expect(page1.body.data).toHaveLength(3);
      expect(page1.body.has_more).toBe(true);
      const page2 = await get(`/v1/payments?limit=3&cursor=${page1.body.next_cursor}`, key!).expect(
        200,
      );
      expect(page2.body.data).toHaveLength(3);
      expect(page2.body.has_more).toBe(false);
      const seen = [...page1.body.data, ...page2.body.data].map((p: { id: string }) => p.id);
      expect(new Set(seen).size).toBe(6);

      const succeeded = await get('/v1/payments?status=succeeded', key!).expect(200);
      expect(succeeded.body.data.map((p: { amount: number }) => p.amount)).toEqual([900]);
      const future = Math.floor(Date.now() / 1000) + 3600;
      const none = await get(`/v1/payments?created[gte]=${future}`, key!).expect(200);
      expect(none.body.data).toEqual([]);
      const past = await get(`/v1/payments?created[lte]=${future}&limit=100`, key!).expect(200);
      expect(past.body.data).toHaveLength(6);
      await get('/v1/payments?status=nope', key!).expect(400);
      await get('/v1/payments?limit=1000', key!).expect(400);
    });
  });
});
