import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { QueryTypes } from 'sequelize';
import type { NotificationSettings } from '../../../src/config';
import { deliverDueNotifications } from '../../../src/jobs/notification-deliverer';
import { Payment } from '../../../src/models';
import { ApiKeyService } from '../../../src/services/api-key-service';
import { verifyNotification } from '../../../src/services/notifications/notification-signature';
import { CountingWebhookMetrics } from '../../../src/services/webhooks/webhook-metrics';
import { api } from '../../support/contract';
import {
  eventBody,
  postSigned,
  randomId,
  TEST_WEBHOOK_SECRET,
  waitFor,
} from '../../support/stripe-events';
import { startTestApp, type TestContext } from '../../support/test-app';
import { drainEvents, testProcessor } from '../../support/webhook-pipeline';

const SECRET = 'storefront-notification-secret-1';

/** A storefront that answers each notification with the next scripted status. */
function storefront(script: number[]) {
  const received: { id: string; type: string; body: string; header: string; status: number }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const parsed = JSON.parse(body) as { id: string; type: string };
      const status = script.length > 0 ? script.shift()! : 200;
      received.push({ ...parsed, body, header: String(req.headers['payments-signature']), status });
      res.writeHead(status).end();
    });
  });
  return { server, received };
}

describe('storefront notifications', () => {
  let ctx: TestContext;
  let adminKey: string;
  beforeAll(async () => {
    ctx = await startTestApp({ STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET });
    const keys = new ApiKeyService(ctx.sequelize);
    adminKey = (await keys.create({ name: 'ops', scopes: ['admin'], actor: 'test' })).key;
  });
  afterAll(() => ctx.close());

  async function succeedPayment(): Promise<Payment> {
    const pi = randomId('pi');
    const body = eventBody(
      'payment_intent.succeeded',
      { id: pi, amount: 4200, currency: 'usd', status: 'succeeded', amount_received: 4200 },
      1_760_000_000,
    );
    await postSigned(ctx.built.app, body).expect(200);
    await drainEvents(testProcessor(ctx.sequelize), [(JSON.parse(body) as { id: string }).id]);
    return (await Payment.findOne({ where: { stripePaymentIntentId: pi } }))!;
  }

  const notificationOf = async (paymentId: string) => {
    const [row] = await ctx.sequelize.query<{ id: string; status: string }>(
      'SELECT id, status FROM notifications WHERE object_id = $1',
      { bind: [paymentId], type: QueryTypes.SELECT },
    );
    return row!;
  };

  function deliverer(url: string, maxAttempts = 4) {
    const settings: NotificationSettings & { url: string; secret: string } = {
      url,
      secret: SECRET,
      timeoutMs: 2000,
    };
    return {
      sequelize: ctx.sequelize,
      settings,
      metrics: new CountingWebhookMetrics(),
      retry: { maxAttempts, baseDelayMs: 20, maxDelayMs: 100 },
      leaseMs: 30_000,
      batchSize: 500,
    };
  }

  async function deliverUntil(
    deps: ReturnType<typeof deliverer>,
    id: string,
    statuses: string[],
  ): Promise<void> {
    await waitFor(
      async () => {
        await deliverDueNotifications(deps);
        const [row] = await ctx.sequelize.query<{ status: string }>(
          'SELECT status FROM notifications WHERE id = $1',
          { bind: [id], type: QueryTypes.SELECT },
        );
        return statuses.includes(row!.status);
      },
      `notification ${id} to reach ${statuses.join('/')}`,
    );
  }

  test('When a payment succeeds, then the storefront gets one signed notification, retried until it answers 2xx', async () => {
    const shop = storefront([]);
    await new Promise<void>((resolve) => shop.server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(shop.server.address() as AddressInfo).port}/hooks`;
    const payment = await succeedPayment();
    const { id } = await notificationOf(payment.id);
    // The storefront fails twice for this notification, then takes it.
    let failuresLeft = 2;
    shop.server.removeAllListeners('request');
    shop.server.on('request', (req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const parsed = JSON.parse(body) as { id: string; type: string };
        const mine = parsed.id === id;
        const status = mine && failuresLeft-- > 0 ? 503 : 200;
        const header = String(req.headers['payments-signature']);
        shop.received.push({ ...parsed, body, header, status });
        res.writeHead(status).end();
      });
    });

    await deliverUntil(deliverer(url), id, ['delivered']);

    const mine = shop.received.filter((r) => r.id === id);
    expect(mine.map((r) => r.status)).toEqual([503, 503, 200]);
    for (const r of mine) expect(verifyNotification(r.body, r.header, SECRET, 300)).toBe(true);
    expect(verifyNotification(mine[0]!.body, mine[0]!.header, 'another-secret-000', 300)).toBe(
      false,
    );
    expect(JSON.parse(mine[2]!.body)).toMatchObject({
      id,
      type: 'payment.succeeded',
      data: { payment: { id: payment.id, status: 'succeeded', amount: 4200, currency: 'usd' } },
    });
    const shown = await api(ctx.built.app)
      .get(`/v1/ops/notifications/${id}`)
      .set('authorization', `Bearer ${adminKey}`)
      .expect(200);
    expect(shown.body.attempt_log.map((a: { status_code: number }) => a.status_code)).toEqual([
      503, 503, 200,
    ]);
    await new Promise((resolve) => shop.server.close(resolve));
  });

  test('When the storefront is down, then the notification is parked, not lost, and an ops replay delivers it', async () => {
    const payment = await succeedPayment();
    const { id } = await notificationOf(payment.id);
    const down = storefront([]);
    await new Promise<void>((resolve) => down.server.listen(0, '127.0.0.1', resolve));
    const port = (down.server.address() as AddressInfo).port;
    await new Promise((resolve) => down.server.close(resolve));
    const url = `http://127.0.0.1:${port}/hooks`;

    await deliverUntil(deliverer(url, 2), id, ['failed']);

    const shown = await api(ctx.built.app)
      .get(`/v1/ops/notifications/${id}`)
      .set('authorization', `Bearer ${adminKey}`)
      .expect(200);
    expect(shown.body).toMatchObject({ status: 'failed', attempts: 2 });
    expect(shown.body.attempt_log[0]).toMatchObject({ status_code: null });

    const back = storefront([]);
    await new Promise<void>((resolve) => back.server.listen(port, '127.0.0.1', resolve));
    await api(ctx.built.app)
      .post(`/v1/ops/notifications/${id}/replay`)
      .set('authorization', `Bearer ${adminKey}`)
      .expect(202);
    await deliverUntil(deliverer(url), id, ['delivered']);
    expect(back.received.filter((r) => r.id === id)).toHaveLength(1);
    await new Promise((resolve) => back.server.close(resolve));
  });
});
