import type http from 'node:http';
import Stripe from 'stripe';
import { QueryTypes } from 'sequelize';
import { addressOf, listen } from '../../../src/lifecycle/http-server';
import { Payment } from '../../../src/models';
import { startSandbox } from '../../../src/sandbox';
import {
  recoverMissedEvents,
  refreshStuckPayments,
} from '../../../src/services/webhooks/reconciliation-service';
import { createEventsGateway } from '../../../src/stripe/events-gateway';
import { newId } from '../../../src/services/ids';
import { startTestApp, type TestContext } from '../../support/test-app';
import { waitFor } from '../../support/stripe-events';
import { drainEvents, testProcessor } from '../../support/webhook-pipeline';

describe('reconciliation against the sandbox', () => {
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  let ctx: TestContext;
  let server: http.Server;
  let stripe: Stripe;
  const webhookSecrets: string[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    ctx = await startTestApp({}, { webhookSecrets });
    server = await listen(ctx.built.app, 0, '127.0.0.1');
    stripe = new Stripe('sk_test_reconcile', {
      host: '127.0.0.1',
      port: sandbox.port,
      protocol: 'http',
      maxNetworkRetries: 0,
    });
    const endpoint = await stripe.webhookEndpoints.create({
      url: `http://127.0.0.1:${addressOf(server).port}/webhooks/stripe`,
      enabled_events: ['*'],
    });
    webhookSecrets.push(endpoint.secret!);
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await ctx.close();
    await sandbox.close();
  });

  const pay = (amount: number) =>
    stripe.paymentIntents.create({
      amount,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
    });

  const storedEvents = async (intent: string): Promise<{ id: string; source: string }[]> =>
    ctx.sequelize.query(
      `SELECT id, source FROM webhook_events WHERE raw_body LIKE '%' || $1 || '%'`,
      { bind: [intent], type: QueryTypes.SELECT },
    );

  test('When the sandbox drops deliveries, then reconciliation feeds the missed events into the inbox and they are applied', async () => {
    const delivered = await pay(1100);
    await waitFor(async () => (await storedEvents(delivered.id)).length >= 2, 'delivered events');
    sandbox.setWebhookFaults({ dropRate: 1 });
    const dropped = await pay(2200);
    expect(await storedEvents(dropped.id)).toHaveLength(0);
    const gateway = createEventsGateway(stripe);

    const recovered = await recoverMissedEvents(ctx.sequelize, gateway);

    const missed = await storedEvents(dropped.id);
    expect(missed.length).toBeGreaterThanOrEqual(2);
    expect(missed.every((e) => e.source === 'reconciliation')).toBe(true);
    expect(recovered).toBeGreaterThanOrEqual(missed.length);
    expect((await storedEvents(delivered.id)).every((e) => e.source === 'webhook')).toBe(true);
    await drainEvents(
      testProcessor(ctx.sequelize),
      missed.map((e) => e.id),
    );
    expect(await Payment.findOne({ where: { stripePaymentIntentId: dropped.id } })).toMatchObject({
      status: 'succeeded',
      amountReceived: 2200,
    });
    // The cursor moved: a second run finds nothing new.
    expect(await recoverMissedEvents(ctx.sequelize, gateway)).toBe(0);
    sandbox.setWebhookFaults({});
  });

  test('When a payment sits in processing past the threshold, then its state is fetched from Stripe and applied', async () => {
    const intent = await pay(3300);
    const [row] = await ctx.sequelize.query<{ id: string }>(
      `INSERT INTO payments (id, stripe_payment_intent_id, amount, currency, status,
         updated_at, stripe_event_at)
       VALUES ($1, $2, 3300, 'usd', 'processing', now() - interval '2 hours', 0)
       ON CONFLICT (stripe_payment_intent_id) DO UPDATE SET status = 'processing',
         updated_at = now() - interval '2 hours', stripe_event_at = 0
       RETURNING id`,
      { bind: [newId('pay'), intent.id], type: QueryTypes.SELECT },
    );

    const refreshed = await refreshStuckPayments(
      ctx.sequelize,
      createEventsGateway(stripe),
      3600_000,
    );

    expect(refreshed).toBeGreaterThanOrEqual(1);
    expect(await Payment.findByPk(row!.id)).toMatchObject({ status: 'succeeded' });
  });
});
