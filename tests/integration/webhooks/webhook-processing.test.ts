import { QueryTypes } from 'sequelize';
import { Charge, Customer, Dispute, Payment, Refund } from '../../../src/models';
import {
  lifecycleIds,
  paymentLifecycle,
  shuffled,
  type LifecycleIds,
} from '../../support/payment-lifecycle';
import {
  eventBody,
  fixtureBody,
  fixtureNames,
  postSigned,
  randomId,
  TEST_WEBHOOK_SECRET,
  withEventId,
} from '../../support/stripe-events';
import { startTestApp, type TestContext } from '../../support/test-app';
import { drainEvents, eventStatus, testProcessor } from '../../support/webhook-pipeline';

describe('webhook processing', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp({ STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET });
  });
  afterAll(() => ctx.close());

  const idOf = (body: string): string => (JSON.parse(body) as { id: string }).id;

  /** Delivers each body and applies it before the next, so delivery order is apply order. */
  async function deliverInOrder(bodies: string[]): Promise<void> {
    const processor = testProcessor(ctx.sequelize);
    for (const body of bodies) {
      await postSigned(ctx.built.app, body).expect(200);
      await drainEvents(processor, [idOf(body)]);
    }
  }

  async function finalState(ids: LifecycleIds): Promise<Record<string, unknown>> {
    const payment = await Payment.findOne({ where: { stripePaymentIntentId: ids.paymentIntent } });
    const charge = await Charge.findByPk(ids.charge);
    const refund = await Refund.findOne({ where: { stripeRefundId: ids.refund } });
    const dispute = await Dispute.findByPk(ids.dispute);
    const notifications = await ctx.sequelize.query<{ type: string }>(
      'SELECT type FROM notifications WHERE object_id = $1 ORDER BY type',
      { bind: [payment?.id], type: QueryTypes.SELECT },
    );
    return {
      payment: payment && {
        status: payment.status,
        amount: payment.amount,
        amountReceived: payment.amountReceived,
        amountRefunded: payment.amountRefunded,
        amountDisputed: payment.amountDisputed,
        latestChargeId: payment.latestChargeId === ids.charge,
        metadata: payment.metadata,
        succeededAt: payment.succeededAt?.getTime(),
      },
      charge: charge && {
        status: charge.status,
        amountRefunded: charge.amountRefunded,
        disputed: charge.disputed,
        linked: charge.paymentId === payment?.id,
      },
      refund: refund && {
        status: refund.status,
        amount: refund.amount,
        linked: refund.paymentId === payment?.id,
      },
      dispute: dispute && { status: dispute.status, linked: dispute.paymentId === payment?.id },
      notifications: notifications.map((n) => n.type),
    };
  }

  test('When every real fixture event is signed and posted, then each is stored and applied', async () => {
    const names = fixtureNames();
    const ids = names.map(() => randomId('evt'));
    for (const [i, name] of names.entries()) {
      await postSigned(ctx.built.app, withEventId(fixtureBody(name), ids[i]!)).expect(200);
    }

    await drainEvents(testProcessor(ctx.sequelize), ids);

    for (const id of ids) expect(await eventStatus(ctx.sequelize, id)).toBe('processed');
    // The 2020-03-02 shapes are read: the intent's embedded charge list, the charge's refunds.
    const refundedCharge = await Charge.findByPk('ch_3Kl36gJDPojXS6LN0DCM4A8l');
    expect(refundedCharge).toMatchObject({ amountRefunded: 2500, refunded: true });
    const dashboardRefund = await Refund.findOne({
      where: { stripeRefundId: 're_3Kl36gJDPojXS6LN0eP4yPDz' },
    });
    expect(dashboardRefund).toMatchObject({ amount: 2500, status: 'succeeded' });
    expect(
      await Payment.findOne({ where: { stripePaymentIntentId: 'pi_1IqxJOJDPojXS6LN9uOebAea' } }),
    ).toMatchObject({ amount: 1000, currency: 'usd' });
    expect(await Dispute.findByPk('dp_1MLuxQJDPojXS6LNrukJCBBG')).toMatchObject({
      stripeChargeId: 'ch_1IqtGAJDPojXS6LNstgEfUji',
      amount: 1000,
    });
    const customer = await Customer.findOne({ where: { stripeCustomerId: 'cus_IhGfebO16cMIGN' } });
    expect(customer?.deletedAt).not.toBeNull();
    const [warning] = await ctx.sequelize.query(
      `SELECT * FROM early_fraud_warnings WHERE stripe_warning_id = 'issfr_1NnrwHBw2dPENLoi9lnhV3RQ'`,
      { type: QueryTypes.SELECT },
    );
    expect(warning).toMatchObject({ stripe_charge_id: 'ch_1234', fraud_type: 'misc' });
    const [review] = await ctx.sequelize.query(
      `SELECT * FROM stripe_reviews WHERE stripe_review_id = 'prv_1NVyFt2eZvKYlo2CjubqF1xm'`,
      { type: QueryTypes.SELECT },
    );
    expect(review).toMatchObject({ open: true, reason: 'rule' });
  });

  test("When a payment's events arrive in order, then it ends succeeded, partly refunded and disputed", async () => {
    const ids = lifecycleIds();
    await deliverInOrder(paymentLifecycle(ids, 1_760_000_000));

    expect(await finalState(ids)).toEqual({
      payment: {
        status: 'succeeded',
        amount: 5000,
        amountReceived: 5000,
        amountRefunded: 1500,
        amountDisputed: 3500,
        latestChargeId: true,
        metadata: { order: 'A-1' },
        succeededAt: 1_760_000_002_000,
      },
      charge: { status: 'succeeded', amountRefunded: 1500, disputed: true, linked: true },
      refund: { status: 'succeeded', amount: 1500, linked: true },
      dispute: { status: 'lost', linked: true },
      notifications: ['payment.disputed', 'payment.refunded', 'payment.succeeded'],
    });
  });

  test.each([
    ['reversed', (events: string[]) => [...events].reverse()],
    ['shuffled (seed 1)', (events: string[]) => shuffled(events, 1)],
    ['shuffled (seed 7)', (events: string[]) => shuffled(events, 7)],
    ['shuffled (seed 42)', (events: string[]) => shuffled(events, 42)],
  ])(
    'When the same events arrive %s, then the final state is the same as in order',
    async (_o, reorder) => {
      const inOrder = lifecycleIds();
      await deliverInOrder(paymentLifecycle(inOrder, 1_760_000_000));
      const other = lifecycleIds();

      await deliverInOrder(reorder(paymentLifecycle(other, 1_760_000_000)));

      expect(await finalState(other)).toEqual(await finalState(inOrder));
    },
  );

  test('When each event is delivered three times, then its effects are applied once', async () => {
    const once = lifecycleIds();
    await deliverInOrder(paymentLifecycle(once, 1_760_000_100));
    const thrice = lifecycleIds();
    const events = paymentLifecycle(thrice, 1_760_000_100);

    await deliverInOrder(events.flatMap((e) => [e, e, e]));

    expect(await finalState(thrice)).toEqual(await finalState(once));
    const [attempts] = await ctx.sequelize.query<{ n: string }>(
      `SELECT count(*) AS n FROM webhook_event_attempts WHERE event_id = ANY($1)`,
      { bind: [events.map(idOf)], type: QueryTypes.SELECT },
    );
    expect(Number(attempts!.n)).toBe(events.length);
  });

  test('When a processed event is applied again (ops replay), then nothing changes', async () => {
    const ids = lifecycleIds();
    const events = paymentLifecycle(ids, 1_760_000_200);
    await deliverInOrder(events);
    const before = await finalState(ids);

    await ctx.sequelize.query(
      `UPDATE webhook_events SET status = 'pending', attempts = 0 WHERE id = ANY($1)`,
      { bind: [events.map(idOf)] },
    );
    await drainEvents(testProcessor(ctx.sequelize), events.map(idOf));

    expect(await finalState(ids)).toEqual(before);
  });

  test('When an event names a payment the service has never stored, then the payment is created', async () => {
    const pi = randomId('pi');
    const body = eventBody(
      'payment_intent.processing',
      { id: pi, amount: 1234, currency: 'JPY', status: 'processing', created: 1_760_000_000 },
      1_760_000_001,
    );

    await deliverInOrder([body]);

    expect(await Payment.findOne({ where: { stripePaymentIntentId: pi } })).toMatchObject({
      status: 'processing',
      amount: 1234,
      currency: 'jpy',
      ownerId: null,
    });
  });

  test('When two states of a payment share one second, then the one further along wins in either order', async () => {
    const [a, b] = [randomId('pi'), randomId('pi')];
    const state = (id: string, status: string) =>
      eventBody(
        `payment_intent.${status}`,
        { id, amount: 700, currency: 'usd', status },
        1_760_000_300,
      );

    await deliverInOrder([state(a, 'processing'), state(a, 'succeeded')]);
    await deliverInOrder([state(b, 'succeeded'), state(b, 'processing')]);

    for (const id of [a, b]) {
      expect((await Payment.findOne({ where: { stripePaymentIntentId: id } }))?.status).toBe(
        'succeeded',
      );
    }
  });

  test('When an older event arrives after a newer one, then it does not overwrite the newer state', async () => {
    const pi = randomId('pi');
    const at = (status: string, created: number, amountReceived: number) =>
      eventBody(
        status === 'succeeded' ? 'payment_intent.succeeded' : 'payment_intent.payment_failed',
        { id: pi, amount: 900, currency: 'usd', status, amount_received: amountReceived },
        created,
      );

    await deliverInOrder([
      at('succeeded', 1_760_000_500, 900),
      at('requires_payment_method', 1_760_000_400, 0),
    ]);

    expect(await Payment.findOne({ where: { stripePaymentIntentId: pi } })).toMatchObject({
      status: 'succeeded',
      amountReceived: 900,
    });
  });
});
