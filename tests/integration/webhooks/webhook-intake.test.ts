import { QueryTypes } from 'sequelize';
import { CountingWebhookMetrics } from '../../../src/services/webhooks/webhook-metrics';
import { signPayloadForTest } from '../../../src/stripe/webhook-signature';
import { api } from '../../support/contract';
import {
  eventBody,
  fixtureBody,
  postSigned,
  randomId,
  TEST_WEBHOOK_SECRET,
  withEventId,
} from '../../support/stripe-events';
import { startTestApp, type TestContext } from '../../support/test-app';

const ROTATED_SECRET = 'whsec_rotatedsecretforwebhooks02';
const CONNECT_SECRET = 'whsec_connectsecretforwebhooks03';

describe('POST /webhooks/stripe', () => {
  let ctx: TestContext;
  const metrics = new CountingWebhookMetrics();
  const sandboxSecrets: string[] = [];

  beforeAll(async () => {
    ctx = await startTestApp(
      {
        STRIPE_WEBHOOK_SECRET: `${TEST_WEBHOOK_SECRET},${ROTATED_SECRET}`,
        STRIPE_CONNECT_WEBHOOK_SECRET: CONNECT_SECRET,
      },
      { webhookMetrics: metrics, webhookSecrets: sandboxSecrets },
    );
  });
  afterAll(() => ctx.close());

  const stored = async (id: string): Promise<Record<string, unknown>[]> =>
    ctx.sequelize.query('SELECT * FROM webhook_events WHERE id = $1', {
      bind: [id],
      type: QueryTypes.SELECT,
    });

  test('When a real event is signed and posted, then it is stored once with its envelope and raw bytes', async () => {
    const id = randomId('evt');
    const body = withEventId(fixtureBody('charge_succeeded'), id);

    const res = await postSigned(ctx.built.app, body).expect(200);

    expect(res.body).toEqual({ received: true, duplicate: false });
    const [row] = await stored(id);
    expect(row).toMatchObject({
      type: 'charge.succeeded',
      api_version: '2020-03-02',
      account: null,
      source: 'webhook',
      status: 'pending',
      raw_body: body,
    });
    expect(Number(row!.stripe_created)).toBe(1619701111);
  });

  test('When the same event is delivered three times, then it is stored once and every delivery gets 200', async () => {
    const id = randomId('evt');
    const body = withEventId(fixtureBody('refund_created'), id);
    const before = metrics.count('duplicate');

    for (let i = 0; i < 3; i += 1) await postSigned(ctx.built.app, body).expect(200);

    expect(await stored(id)).toHaveLength(1);
    expect(metrics.count('duplicate') - before).toBe(2);
  });

  test('When the event is signed with a rotated or a runtime-added secret, then it is accepted', async () => {
    const rotated = randomId('evt');
    const rotatedBody = eventBody('customer.created', { id: randomId('cus') }, 1700000000, rotated);
    await postSigned(ctx.built.app, rotatedBody, { secret: ROTATED_SECRET }).expect(200);
    const late = 'whsec_sandboxsecretaddedafterstart';
    sandboxSecrets.push(late);
    const runtime = randomId('evt');
    const body = eventBody('customer.created', { id: randomId('cus') }, 1700000000, runtime);

    await postSigned(ctx.built.app, body, { secret: late }).expect(200);

    expect(await stored(runtime)).toHaveLength(1);
    expect(await stored(rotated)).toHaveLength(1);
  });

  test('When an event type is not handled by the service, then it is stored and acknowledged', async () => {
    const id = randomId('evt');
    const body = eventBody('issuing_card.created', { id: 'ic_1' }, 1700000000, id);

    await postSigned(ctx.built.app, body).expect(200);

    expect(await stored(id)).toHaveLength(1);
  });

  const tamper = (b: string): string => {
    const changed = b.replace('"amount": 3000', '"amount": 9000');
    if (changed === b) throw new Error('fixture has no amount to tamper with');
    return changed;
  };
  const now = (): number => Math.floor(Date.now() / 1000);
  const refusals: [string, (body: string) => { header?: string; body: string }][] = [
    [
      'the body was tampered with',
      (b) => ({
        header: signPayloadForTest(b, TEST_WEBHOOK_SECRET),
        body: tamper(b),
      }),
    ],
    [
      'it is signed with a wrong secret',
      (b) => ({
        header: signPayloadForTest(b, 'whsec_notoursnotours'),
        body: b,
      }),
    ],
    [
      'the timestamp is older than the tolerance',
      (b) => ({
        header: signPayloadForTest(b, TEST_WEBHOOK_SECRET, now() - 301),
        body: b,
      }),
    ],
    [
      'the timestamp is in the future beyond the tolerance',
      (b) => ({
        header: signPayloadForTest(b, TEST_WEBHOOK_SECRET, now() + 301),
        body: b,
      }),
    ],
    ['there is no Stripe-Signature header', (b) => ({ body: b })],
    ['the header is garbage', (b) => ({ header: 'v1=deadbeef', body: b })],
  ];

  test.each(refusals)(
    'When %s, then 400 without detail, nothing stored, rejected counted',
    async (_what, build) => {
      const id = randomId('evt');
      const original = withEventId(fixtureBody('charge_succeeded'), id);
      const { header, body } = build(original);
      const before = metrics.count('rejected');

      let request = api(ctx.built.app)
        .post('/webhooks/stripe')
        .set('content-type', 'application/json');
      if (header) request = request.set('stripe-signature', header);
      const res = await request.send(body).expect(400);

      expect(res.body.error).toMatchObject({
        code: 'webhook_rejected',
        message: 'Webhook rejected.',
      });
      expect(JSON.stringify(res.body)).not.toMatch(/signature|timestamp|secret|tolerance/i);
      expect(await stored(id)).toHaveLength(0);
      expect(metrics.count('rejected')).toBe(before + 1);
    },
  );

  test('When a correctly signed body is not a Stripe event, then 400 and nothing stored', async () => {
    const before = metrics.count('rejected', { reason: 'malformed_body' });
    for (const body of ['{not json', '{"id":"evt_x"}', '[]', '']) {
      await postSigned(ctx.built.app, body).expect(400);
    }
    expect(metrics.count('rejected', { reason: 'malformed_body' })).toBe(before + 4);
  });

  test('When a Connect event arrives on the Connect endpoint, then it is verified with the Connect secret and keeps its account', async () => {
    const id = randomId('evt');
    const body = JSON.stringify({
      ...JSON.parse(eventBody('payment_intent.created', { id: 'pi_c' }, 1700000000, id)),
      account: 'acct_123',
    });

    await postSigned(ctx.built.app, body, { path: '/webhooks/stripe/connect' }).expect(400);
    await postSigned(ctx.built.app, body, {
      path: '/webhooks/stripe/connect',
      secret: CONNECT_SECRET,
    }).expect(200);

    const [row] = await stored(id);
    expect(row).toMatchObject({ source: 'connect', account: 'acct_123' });
  });
});
