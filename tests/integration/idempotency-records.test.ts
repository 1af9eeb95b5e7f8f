import { randomUUID } from 'node:crypto';
import { IdempotencyRecord } from '../../src/models';
import { IdempotencyService, IDEMPOTENCY_TTL_MS } from '../../src/services/idempotency-service';
import { startTestApp, type TestContext } from '../support/test-app';

describe('idempotency records', () => {
  let ctx: TestContext;
  let service: IdempotencyService;
  beforeAll(async () => {
    ctx = await startTestApp();
    service = new IdempotencyService(ctx.sequelize);
  });
  afterAll(() => ctx.close());

  const input = (key: string, body: unknown = { amount: 1 }) => ({
    apiKeyId: 'key_test',
    idempotencyKey: key,
    method: 'POST',
    path: '/v1/payments',
    body,
  });

  test('When claimed, then a second claim waits, and after completion it replays', async () => {
    const key = randomUUID();
    const first = await service.claim(input(key));
    expect(first.kind).toBe('claimed');
    expect((await service.claim(input(key))).kind).toBe('in_progress');
    await service.complete((first as { recordId: number }).recordId, 201, { id: 'pay_1' });
    expect(await service.claim(input(key))).toEqual({
      kind: 'replay',
      status: 201,
      body: { id: 'pay_1' },
    });
    // The same content with keys in another order is the same request.
    expect((await service.claim(input(key, { amount: 1 }))).kind).toBe('replay');
    expect((await service.claim(input(key, { amount: 2 }))).kind).toBe('mismatch');
  });

  test('When kept, then the record lives at least 24 hours', async () => {
    const key = randomUUID();
    await service.claim(input(key));
    const row = await IdempotencyRecord.findOne({ where: { idempotencyKey: key } });
    expect(row!.expiresAt.getTime() - Date.now()).toBeGreaterThan(IDEMPOTENCY_TTL_MS - 60_000);
  });

  test('When the holder crashed (lock expired), then one retry takes the record over', async () => {
    const key = randomUUID();
    await service.claim(input(key));
    await IdempotencyRecord.update(
      { lockedUntil: new Date(Date.now() - 1000) },
      { where: { idempotencyKey: key } },
    );
    const [a, b] = await Promise.all([service.claim(input(key)), service.claim(input(key))]);
    expect([a.kind, b.kind].sort()).toEqual(['claimed', 'in_progress']);
  });

  test('When released after a retryable failure, then the key can run again', async () => {
    const key = randomUUID();
    const first = (await service.claim(input(key))) as { recordId: number };
    await service.release(first.recordId);
    expect((await service.claim(input(key))).kind).toBe('claimed');
  });

  test('When expired, then the record is purged and the key is new again', async () => {
    const key = randomUUID();
    await service.claim(input(key));
    await IdempotencyRecord.update(
      { expiresAt: new Date(Date.now() - 1000) },
      { where: { idempotencyKey: key } },
    );
    expect((await service.claim(input(key, { other: true }))).kind).toBe('claimed');
    await IdempotencyRecord.update(
      { expiresAt: new Date(Date.now() - 1000) },
      { where: { idempotencyKey: key } },
    );
    expect(await service.purgeExpired()).toBeGreaterThanOrEqual(1);
    expect(await IdempotencyRecord.count({ where: { idempotencyKey: key } })).toBe(0);
  });
});
