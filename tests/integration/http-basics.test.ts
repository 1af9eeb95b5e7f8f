import express from 'express';
import supertest from 'supertest';
import { errorHandler } from '../../src/middleware/error-handler';
import { requestId } from '../../src/middleware/request-id';
import { registeredRoutes } from '../../src/routes/route-table';
import { captureLogs } from '../support/log-capture';
import { api, documentedOperations } from '../support/contract';
import { startTestApp, type TestContext } from '../support/test-app';

const ERROR_SHAPE = {
  error: {
    type: expect.any(String),
    code: expect.any(String),
    message: expect.any(String),
    request_id: expect.any(String),
  },
};

describe('HTTP basics', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp({ BODY_LIMIT: '1kb' });
  });
  afterAll(() => ctx.close());

  test('When GET /healthz, then 200 ok', async () => {
    await api(ctx.built.app).get('/healthz').expect(200, { status: 'ok' });
  });

  test('When GET /readyz with the database up, then 200 ready', async () => {
    const res = await api(ctx.built.app).get('/readyz').expect(200);
    expect(res.body).toEqual({ status: 'ready', checks: { database: 'ok' } });
  });

  test('When the body is malformed JSON, then 400 in the error shape', async () => {
    const res = await supertest(ctx.built.app)
      .post('/v1/anything')
      .set('Content-Type', 'application/json')
      .send('{"amount": 10,')
      .expect(400);
    expect(res.body).toMatchObject(ERROR_SHAPE);
    expect(res.body.error.code).toBe('invalid_json');
  });

  test('When the body is over the limit, then 413 in the error shape', async () => {
    const res = await supertest(ctx.built.app)
      .post('/v1/anything')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ pad: 'x'.repeat(4000) }))
      .expect(413);
    expect(res.body).toMatchObject(ERROR_SHAPE);
    expect(res.body.error.code).toBe('body_too_large');
  });

  test('When a path holds a broken percent-escape, then 400 in the error shape', async () => {
    const res = await supertest(ctx.built.app).get('/v1/payments/%E0%A4%A').expect(400);
    expect(res.body).toMatchObject(ERROR_SHAPE);
    expect(JSON.stringify(res.body)).not.toMatch(/decode|URIError/);
  });

  test('When the body claims gzip but is not, then 400 in the error shape', async () => {
    const res = await supertest(ctx.built.app)
      .post('/v1/anything')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .send('{"amount": 10}')
      .expect(400);
    expect(res.body).toMatchObject(ERROR_SHAPE);
    expect(JSON.stringify(res.body)).not.toMatch(/header check|zlib/);
  });

  test.each([
    ['text/plain', '{"amount": 10}'],
    ['application/x-www-form-urlencoded', 'amount=10&currency=usd'],
  ])('When a body is sent as %s, then 415 in the error shape', async (type, body) => {
    const res = await supertest(ctx.built.app)
      .post('/v1/payments')
      .set('Content-Type', type)
      .send(body)
      .expect(415);
    expect(res.body).toMatchObject(ERROR_SHAPE);
    expect(res.body.error.code).toBe('unsupported_media_type');
  });

  test('When the route is unknown, then 404 in the error shape', async () => {
    const res = await supertest(ctx.built.app).get('/no/such/route').expect(404);
    expect(res.body).toMatchObject(ERROR_SHAPE);
  });

  test('When the method is wrong for a known path, then 405 with Allow', async () => {
    const res = await supertest(ctx.built.app).delete('/healthz').expect(405);
    expect(res.headers.allow).toBe('GET');
    expect(res.body).toMatchObject(ERROR_SHAPE);
    expect(res.body.error.code).toBe('method_not_allowed');
  });

  test('When a sane X-Request-Id is sent, then it is returned and used in the error body', async () => {
    const res = await supertest(ctx.built.app)
      .get('/nope')
      .set('X-Request-Id', 'abc-123')
      .expect(404);
    expect(res.headers['x-request-id']).toBe('abc-123');
    expect(res.body.error.request_id).toBe('abc-123');
  });

  test('When an unsafe X-Request-Id is sent, then a new one is generated', async () => {
    const res = await supertest(ctx.built.app)
      .get('/healthz')
      .set('X-Request-Id', 'bad id\twith "quotes" and {json}')
      .expect(200);
    expect(res.headers['x-request-id']).toMatch(/^req_[0-9a-f]{32}$/);
  });

  test('When a request is served, then its access line carries the request id and route', async () => {
    const capture = captureLogs('info');
    await supertest(ctx.built.app).get('/healthz').set('X-Request-Id', 'trace-77').expect(200);
    capture.stop();
    const line = capture.lines().find((l) => l.message === 'http request');
    expect(line).toMatchObject({
      requestId: 'trace-77',
      route: '/healthz',
      status: 200,
      method: 'GET',
    });
    expect(typeof line?.durationMs).toBe('number');
  });

  test('When every route is compared with docs/openapi.yaml, then both list the same operations', () => {
    const inApp = registeredRoutes(ctx.built.app)
      .map((r) => `${r.method.toUpperCase()} ${r.path}`)
      .sort();
    expect(inApp).toEqual(documentedOperations());
  });

  test('When /openapi.json and /docs are fetched, then the document and its UI are served', async () => {
    const res = await api(ctx.built.app).get('/openapi.json').expect(200);
    expect(res.body.openapi).toBe('3.1.0');
    const ui = await supertest(ctx.built.app).get('/docs/').expect(200);
    expect(ui.text).toContain('swagger-ui');
  });
});

describe('error handler', () => {
  test('When a handler throws an unexpected error, then 500 without internal detail', async () => {
    const app = express();
    app.use(requestId);
    app.get('/boom', () => {
      throw new Error('connection to 10.0.0.5 refused: password=hunter2');
    });
    app.use(errorHandler);
    const res = await supertest(app).get('/boom').expect(500);
    expect(res.body).toMatchObject(ERROR_SHAPE);
    expect(res.body.error.code).toBe('internal_error');
    expect(JSON.stringify(res.body)).not.toMatch(/hunter2|10\.0\.0\.5|stack|at /);
  });
});
