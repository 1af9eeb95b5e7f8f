import { QueryTypes } from 'sequelize';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { processDueEvents } from '../../../src/jobs/webhook-processor';
import { Payment } from '../../../src/models';
import { ApiKeyService } from '../../../src/services/api-key-service';
import { eventHandlers, type EventHandler } from '../../../src/services/webhooks/handlers';
import { CountingWebhookMetrics } from '../../../src/services/webhooks/webhook-metrics';
import { api } from '../../support/contract';
import { eventBody, postSigned, randomId, TEST_WEBHOOK_SECRET } from '../../support/stripe-events';
import { startTestApp, type TestContext } from '../../support/test-app';
import { drainEvents, eventStatus, testProcessor } from '../../support/webhook-pipeline';

// One process (no tsx launcher in between), so SIGKILL hits the worker itself.
const ROOT = path.resolve(__dirname, '../../..');

describe('webhook worker', () => {
  let ctx: TestContext;
  let adminKey: string;
  let readKey: string;
  beforeAll(async () => {
    ctx = await startTestApp({ STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET });
    const keys = new ApiKeyService(ctx.sequelize);
    adminKey = (await keys.create({ name: 'ops', scopes: ['admin'], actor: 'test' })).key;
    readKey = (await keys.create({ name: 'ro', scopes: ['payments:read'], actor: 'test' })).key;
  });
  afterAll(() => ctx.close());

  const idOf = (body: string): string => (JSON.parse(body) as { id: string }).id;

  test('When a handler keeps throwing, then the event is retried with backoff, parked, and an ops replay applies it', async () => {
    let broken = true;
    const flaky: EventHandler = async (hctx) => {
      if (broken && hctx.event.id === id) throw new Error('downstream unavailable');
      await eventHandlers['payment_intent.succeeded']!(hctx);
    };
    const metrics = new CountingWebhookMetrics();
    const processor = testProcessor(ctx.sequelize, {
      metrics,
      handlers: { ...eventHandlers, 'payment_intent.succeeded': flaky },
      retry: { maxAttempts: 3, baseDelayMs: 400, maxDelayMs: 2000 },
    });
    const pi = randomId('pi');
    const body = eventBody(
      'payment_intent.succeeded',
      { id: pi, amount: 2500, currency: 'usd', status: 'succeeded', amount_received: 2500 },
      1_760_000_000,
    );
    const id = idOf(body);
    await postSigned(ctx.built.app, body).expect(200);

    await processDueEvents(processor);
    // Backing off: not due again at once.
    expect(await eventStatus(ctx.sequelize, id)).toBe('pending');
    const [due] = await ctx.sequelize.query<{ later: boolean }>(
      `SELECT next_attempt_at > now() + interval '100 milliseconds' AS later
       FROM webhook_events WHERE id = $1`,
      { bind: [id], type: QueryTypes.SELECT },
    );
    expect(due!.later).toBe(true);
    await drainEvents(processor, [id]);

    expect(await eventStatus(ctx.sequelize, id)).toBe('failed');
    expect(metrics.count('retried')).toBe(2);
    expect(metrics.count('failed')).toBe(1);
    expect(await Payment.findOne({ where: { stripePaymentIntentId: pi } })).toBeNull();
    const shown = await api(ctx.built.app)
      .get(`/v1/ops/webhook-events/${id}`)
      .set('authorization', `Bearer ${adminKey}`)
      .expect(200);
    expect(shown.body).toMatchObject({
      status: 'failed',
      attempts: 3,
      last_error: 'downstream unavailable',
    });
    expect(shown.body.attempt_log.map((a: { outcome: string }) => a.outcome)).toEqual([
      'failed',
      'failed',
      'failed',
    ]);
    const [first, second, third] = shown.body.attempt_log.map((a: { started_at: string }) =>
      Date.parse(a.started_at),
    );
    expect(second - first).toBeGreaterThanOrEqual(200);
    expect(third - second).toBeGreaterThanOrEqual(400);

    broken = false;
    const replay = await api(ctx.built.app)
      .post(`/v1/ops/webhook-events/${id}/replay`)
      .set('authorization', `Bearer ${adminKey}`)
      .expect(202);
    expect(replay.body).toEqual({ replayed: [id] });
    await drainEvents(processor, [id]);

    expect(await eventStatus(ctx.sequelize, id)).toBe('processed');
    expect(await Payment.findOne({ where: { stripePaymentIntentId: pi } })).toMatchObject({
      status: 'succeeded',
      amountReceived: 2500,
    });
  });

  test('When ops list failed events and replay them by filter, then only matching events are replayed', async () => {
    const type = `test.ops_${randomId('t').slice(2, 10)}`;
    const bodies = [1, 2].map((n) => eventBody(type, { id: `obj_${n}` }, 1_760_000_000));
    for (const b of bodies) await postSigned(ctx.built.app, b).expect(200);
    await ctx.sequelize.query(
      `UPDATE webhook_events SET status = 'failed', attempts = 8 WHERE id = ANY($1)`,
      { bind: [bodies.map(idOf)] },
    );
    const auth = `Bearer ${adminKey}`;

    const listed = await api(ctx.built.app)
      .get(`/v1/ops/webhook-events?status=failed&type=${type}&limit=1`)
      .set('authorization', auth)
      .expect(200);
    expect(listed.body.data).toHaveLength(1);
    expect(listed.body.has_more).toBe(true);
    const next = await api(ctx.built.app)
      .get(`/v1/ops/webhook-events?type=${type}&starting_after=${listed.body.data[0].id}`)
      .set('authorization', auth)
      .expect(200);
    expect(next.body.data).toHaveLength(1);
    expect(next.body.data[0].id).not.toBe(listed.body.data[0].id);

    const replayed = await api(ctx.built.app)
      .post('/v1/ops/webhook-events/replay')
      .set('authorization', auth)
      .send({ status: 'failed', type })
      .expect(202);
    expect([...replayed.body.replayed].sort()).toEqual(bodies.map(idOf).sort());
    await drainEvents(testProcessor(ctx.sequelize), bodies.map(idOf));
  });

  test('When the ops routes are called without the admin scope or a filter, then they refuse', async () => {
    await api(ctx.built.app).get('/v1/ops/webhook-events').expect(401);
    await api(ctx.built.app)
      .get('/v1/ops/webhook-events')
      .set('authorization', `Bearer ${readKey}`)
      .expect(403);
    await api(ctx.built.app)
      .post('/v1/ops/webhook-events/replay')
      .set('authorization', `Bearer ${adminKey}`)
      .send({})
      .expect(400);
    await api(ctx.built.app)
      .get('/v1/ops/webhook-events/evt_doesnotexist')
      .set('authorization', `Bearer ${adminKey}`)
      .expect(404);
  });

  test('When a worker dies mid-event, then another worker processes the event once after the lease runs out', async () => {
    const pi = randomId('pi');
    const body = eventBody(
      'payment_intent.succeeded',
      { id: pi, amount: 800, currency: 'eur', status: 'succeeded', amount_received: 800 },
      1_760_000_000,
    );
    await postSigned(ctx.built.app, body).expect(200);
    const id = idOf(body);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, '../../support/doomed-worker.ts'), id],
      { cwd: ROOT, env: { ...process.env }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (c: Buffer) => c.toString().includes('inside') && resolve());
      child.once('exit', () => reject(new Error('doomed worker exited early')));
    });

    // The process dies inside the transaction; PostgreSQL rolls it back when its socket goes.
    child.kill('SIGKILL');
    await exited;
    const survivor = testProcessor(ctx.sequelize, { workerId: 'survivor' });
    await drainEvents(survivor, [id]);

    expect(await eventStatus(ctx.sequelize, id)).toBe('processed');
    const attempts = await ctx.sequelize.query<{ worker: string; outcome: string }>(
      'SELECT worker, outcome FROM webhook_event_attempts WHERE event_id = $1',
      { bind: [id], type: QueryTypes.SELECT },
    );
    expect(attempts).toEqual([{ worker: 'survivor', outcome: 'processed' }]);
    const payments = await Payment.findAll({ where: { stripePaymentIntentId: pi } });
    expect(payments).toHaveLength(1);
    const [notified] = await ctx.sequelize.query<{ n: string }>(
      'SELECT count(*) AS n FROM notifications WHERE object_id = $1',
      { bind: [payments[0]!.id], type: QueryTypes.SELECT },
    );
    expect(Number(notified!.n)).toBe(1);
  });
});
