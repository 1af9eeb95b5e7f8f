import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { QueryTypes } from 'sequelize';
import { processDueEvents } from '../../../src/jobs/webhook-processor';
import { Subscription } from '../../../src/models';
import { testProcessor } from '../../support/webhook-pipeline';
import {
  auth,
  createCustomer,
  once,
  startSubscriptionHarness,
  type SubscriptionHarness,
} from './subscription-harness';

let h: SubscriptionHarness;
let server: http.Server;
beforeAll(async () => {
  h = await startSubscriptionHarness({ RATE_LIMIT_MAX: '100000' });
  server = http.createServer(h.ctx.built.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = await h.stripe.webhookEndpoints.create({
    url: `http://127.0.0.1:${port}/webhooks/stripe`,
    enabled_events: ['*'],
  });
  h.webhookSecrets.push(endpoint.secret!);
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await h.close();
});

/** Runs the worker until the inbox holds nothing pending. */
async function drainInbox(): Promise<void> {
  await h.sandbox.waitForWebhooks(20_000);
  const deps = testProcessor(h.ctx.sequelize);
  for (let i = 0; i < 200; i++) {
    await processDueEvents(deps);
    const [row] = await h.ctx.sequelize.query<{ open: string }>(
      `SELECT count(*) AS open FROM webhook_events WHERE status IN ('pending', 'processing')`,
      { type: QueryTypes.SELECT },
    );
    if (Number(row!.open) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the inbox did not drain');
}

describe('subscription events through signed webhook delivery', () => {
  test('When deliveries are shuffled and duplicated, then 3-D Secure ends active with access', async () => {
    h.sandbox.setWebhookFaults({ duplicateRate: 0.5, shuffleWindowMs: 200 });
    try {
      const customer = await createCustomer(h);
      const res = await h.http
        .post('/v1/subscriptions')
        .set(auth(h))
        .set(once())
        .send({
          customer,
          price: 'membership_monthly',
          payment_method: 'pm_card_threeDSecure2Required',
        })
        .expect(201);
      expect(res.body.status).toBe('incomplete');
      h.sandbox.completeThreeDSecure(res.body.pending_payment.payment_intent, 'pass');
      await drainInbox();

      const row = (await Subscription.findByPk(res.body.id))!;
      expect(row.status).toBe('active');
      expect(row.stripeEventAt).toBeGreaterThan(0);
      const access = await h.http
        .get(`/v1/customers/${customer}/entitlements`)
        .set(auth(h))
        .expect(200);
      expect(access.body.has_access).toBe(true);
    } finally {
      h.sandbox.clearFaults();
    }
  });
});
