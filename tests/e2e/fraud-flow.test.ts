import path from 'node:path';
import Stripe from 'stripe';
import { QueryTypes } from 'sequelize';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { ApiKeyService, OPS_SCOPES, STOREFRONT_SCOPES } from '../../src/services/api-key-service';
import { createGateway } from '../../src/stripe/default-gateway';
import { api } from '../support/contract';
import { randomIp } from '../support/fraud-fixtures';
import { bearer, idemKey } from '../support/payments-harness';
import { startTestApp, testConfig, type TestContext } from '../support/test-app';

const env = {
  RATE_LIMIT_MAX: '100000',
  METRICS_TOKEN: 'test-metrics-token-0123456789',
  FRAUD_RULES_FILE: path.resolve(__dirname, '../fixtures/fraud-rules.json'),
};

/**
 * The fraud screen in front of the real payments API, talking to a sandbox of its own through
 * the SDK: USD 50.00 and over goes to review (manual capture), USD 90.00 and over is blocked.
 */
describe('Fraud screening through the payments API', () => {
  let sandbox: Sandbox;
  let ctx: TestContext;
  let observer: Stripe;
  let storefront: string;
  let ops: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    ctx = await startTestApp(env, { stripe: createGateway(testConfig(env), sandbox) });
    const keys = new ApiKeyService(ctx.sequelize);
    const owner = await keys.create({ name: 'shop', scopes: STOREFRONT_SCOPES, actor: 'test' });
    storefront = owner.key;
    ops = (
      await keys.create({
        name: 'ops',
        scopes: OPS_SCOPES,
        actor: 'test',
        ownerId: owner.summary.ownerId,
      })
    ).key;
    observer = new Stripe('sk_test_observer', {
      host: '127.0.0.1',
      port: sandbox.port,
      protocol: 'http',
      maxNetworkRetries: 0,
    });
  });
  afterAll(async () => {
    await ctx.close();
    await sandbox.close();
  });

  // Each test's shopper has an address of its own, so per-IP counts of other runs on the
  // shared database do not reach it.
  const pay = (amount: number, shopperIp = randomIp()) =>
    api(ctx.built.app)
      .post('/v1/payments')
      .set('Authorization', bearer(storefront))
      .set('Idempotency-Key', idemKey('fraud'))
      .set('Shopper-Ip', shopperIp)
      .send({ amount, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });

  const intents = async () => (await observer.paymentIntents.list({ limit: 100 })).data.length;

  test('When the screen allows, then the payment is captured at once', async () => {
    const res = await pay(1000).expect(201);
    expect(res.body).toMatchObject({ status: 'succeeded', capture_method: 'automatic' });
  });

  test('When the screen blocks, then 403 payment_blocked, no Stripe call and no payment row', async () => {
    const before = await intents();
    const res = await pay(9500).expect(403);
    expect(res.body.error).toMatchObject({ type: 'fraud_error', code: 'payment_blocked' });
    expect(await intents()).toBe(before);
    const [row] = await ctx.sequelize.query<{ decision: string; payment_id: string | null }>(
      'SELECT decision, payment_id FROM fraud_screenings WHERE id = ?',
      { type: QueryTypes.SELECT, replacements: [res.body.error.screening_id] },
    );
    expect(row).toEqual({ decision: 'block', payment_id: null });
  });

  test('When the screen reviews, then the payment is only authorized and approve captures it', async () => {
    const created = await pay(6000).expect(201);
    expect(created.body).toMatchObject({ status: 'requires_capture', capture_method: 'manual' });
    const list = await api(ctx.built.app)
      .get('/v1/reviews')
      .set('Authorization', bearer(ops))
      .expect(200);
    const review = list.body.data.find(
      (r: { payment: { id: string } }) => r.payment.id === created.body.id,
    );
    expect(review.reasons[0]).toMatchObject({ rule: 'amount_threshold', action: 'review' });

    const approved = await api(ctx.built.app)
      .post(`/v1/reviews/${review.id}/approve`)
      .set('Authorization', bearer(ops))
      .send({})
      .expect(200);

    expect(approved.body).toMatchObject({ status: 'approved', resolution: 'captured' });
    const intent = await observer.paymentIntents.retrieve(created.body.stripe_payment_intent_id);
    expect(intent.status).toBe('succeeded');
    expect(intent.amount_received).toBe(6000);
  });

  test('When a reviewed payment is rejected, then it is canceled in Stripe', async () => {
    const created = await pay(7000).expect(201);
    const list = await api(ctx.built.app)
      .get('/v1/reviews')
      .set('Authorization', bearer(ops))
      .expect(200);
    const review = list.body.data.find(
      (r: { payment: { id: string } }) => r.payment.id === created.body.id,
    );

    const rejected = await api(ctx.built.app)
      .post(`/v1/reviews/${review.id}/reject`)
      .set('Authorization', bearer(ops))
      .send({ note: 'stolen card' })
      .expect(200);

    expect(rejected.body).toMatchObject({
      status: 'rejected',
      resolution: 'canceled',
      payment: { status: 'canceled' },
    });
    const intent = await observer.paymentIntents.retrieve(created.body.stripe_payment_intent_id);
    expect(intent.status).toBe('canceled');
    const audit = await ctx.sequelize.query<{ action: string }>(
      `SELECT action FROM audit_events WHERE target_id IN (?, ?) ORDER BY id`,
      { type: QueryTypes.SELECT, replacements: [review.id, created.body.id] },
    );
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['payment.cancel', 'fraud_review.reject']),
    );
  });

  test('When one shopper IP makes too many attempts, then it is blocked; a malformed one is 400', async () => {
    const res = await pay(1000, 'not-an-ip').expect(400);
    expect(res.body.error.code).toBe('invalid_shopper_ip');
    const ip = randomIp();
    const decisions = [];
    for (let i = 0; i < 6; i++) decisions.push((await pay(1000, ip)).status);
    expect(decisions).toEqual([201, 201, 201, 201, 201, 403]);
  });

  test('When payments are made, then /metrics moves for payments and Stripe calls', async () => {
    const scrape = async () =>
      (
        await api(ctx.built.app)
          .get('/metrics')
          .set('Authorization', 'Bearer test-metrics-token-0123456789')
          .expect(200)
      ).text;
    const count = (text: string, pattern: RegExp) =>
      text
        .split('\n')
        .filter((l) => pattern.test(l))
        .reduce((n, l) => n + Number(l.split(' ').pop()), 0);
    const before = await scrape();
    await pay(1200).expect(201);
    const after = await scrape();
    const succeeded = /^payments_last_24h\{status="succeeded",currency="usd"\}/;
    expect(count(after, succeeded)).toBe(count(before, succeeded) + 1);
    const creates =
      /^stripe_api_calls_total\{operation="[^"]*payment_?[iI]ntents?[^"]*",outcome="success"\}/;
    expect(count(after, creates)).toBeGreaterThan(count(before, creates));
    expect(count(after, /^fraud_decisions_total\{decision="allow"\}/)).toBeGreaterThan(
      count(before, /^fraud_decisions_total\{decision="allow"\}/),
    );
  });
});
