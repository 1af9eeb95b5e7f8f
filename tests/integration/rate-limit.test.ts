import { randomUUID } from 'node:crypto';
import supertest from 'supertest';
import { startTestApp, type TestContext } from '../support/test-app';

describe('rate limiting', () => {
  let a: TestContext;
  let b: TestContext;
  const prefix = `shared-${randomUUID()}:`;

  beforeAll(async () => {
    // Two app instances on one database with the same counters, as two processes would be.
    a = await startTestApp({ RATE_LIMIT_MAX: '3' }, { rateLimitPrefix: prefix });
    b = await startTestApp({ RATE_LIMIT_MAX: '3' }, { rateLimitPrefix: prefix });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  test('When the limit is spent across two instances, then the next request is 429 with Retry-After', async () => {
    const auth = `Bearer psk_test_${randomUUID()}`;
    await supertest(a.built.app).get('/v1/probe').set('Authorization', auth).expect(404);
    await supertest(b.built.app).get('/v1/probe').set('Authorization', auth).expect(404);
    await supertest(a.built.app).get('/v1/probe').set('Authorization', auth).expect(404);
    const res = await supertest(b.built.app)
      .get('/v1/probe')
      .set('Authorization', auth)
      .expect(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limited' });
  });

  test('When another client calls, then it has its own budget', async () => {
    await supertest(a.built.app)
      .get('/v1/probe')
      .set('Authorization', `Bearer psk_test_${randomUUID()}`)
      .expect(404);
  });

  test('When health is probed often, then it is never limited', async () => {
    for (let i = 0; i < 5; i += 1) await supertest(a.built.app).get('/healthz').expect(200);
  });
});
