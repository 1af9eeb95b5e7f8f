import { observeStripeCall } from '../../src/metrics/registry';
import { api } from '../support/contract';
import { insertPayment } from '../support/ops-fixtures';
import { startTestApp, type TestContext } from '../support/test-app';

const TOKEN = 'test-metrics-token-0123456789';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A strict reader of the Prometheus text format: every line is a comment or a sample. */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || /^# (HELP|TYPE) [a-zA-Z_:][\w:]* .+$/.test(line)) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (-?[\d.e+-]+|NaN|\+Inf|-Inf)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').match(/\w+="(?:[^"\\]|\\.)*"/g) ?? []) {
      const eq = pair.indexOf('=');
      labels[pair.slice(0, eq)] = pair.slice(eq + 2, -1);
    }
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

const value = (samples: Sample[], name: string, labels: Record<string, string> = {}): number =>
  samples
    .filter((s) => s.name === name)
    .filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);

describe('GET /metrics', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp({ METRICS_TOKEN: TOKEN });
  });
  afterAll(() => ctx.close());

  const scrape = async (): Promise<Sample[]> => {
    const res = await api(ctx.built.app)
      .get('/metrics')
      .set('Authorization', `Bearer ${TOKEN}`)
      .expect(200)
      .expect('Content-Type', /text\/plain/);
    return parseExposition(res.text);
  };

  test('When no token or a wrong one is sent, then 401 and no metrics', async () => {
    const none = await api(ctx.built.app).get('/metrics').expect(401);
    expect(none.body.error.code).toBe('invalid_metrics_token');
    const wrong = await api(ctx.built.app)
      .get('/metrics')
      .set('Authorization', `Bearer ${TOKEN}x`)
      .expect(401);
    expect(wrong.text).not.toContain('http_requests_total');
  });

  test('When scraped, then the text parses and names every documented metric', async () => {
    const samples = await scrape();
    const names = new Set(samples.map((s) => s.name.replace(/_(bucket|sum|count)$/, '')));
    for (const name of [
      'http_request_duration_seconds',
      'payments_last_24h',
      'webhook_inbox_depth',
      'webhook_inbox_oldest_pending_age_seconds',
      'webhook_events_failed_current',
      'notifications_current',
      'fraud_reviews_open',
    ]) {
      expect(names).toContain(name);
    }
  });

  test('When payments are made, then the payment and HTTP figures move', async () => {
    const before = await scrape();
    const now = new Date().toISOString();
    await insertPayment(ctx.sequelize, {
      amount: 1200,
      currency: 'usd',
      status: 'succeeded',
      createdAt: now,
    });
    await insertPayment(ctx.sequelize, {
      amount: 900,
      currency: 'jpy',
      status: 'requires_capture',
      createdAt: now,
    });
    await api(ctx.built.app).get('/healthz').expect(200);

    const after = await scrape();

    const usd = { status: 'succeeded', currency: 'usd' };
    expect(value(after, 'payments_last_24h', usd)).toBe(
      value(before, 'payments_last_24h', usd) + 1,
    );
    const jpy = { status: 'requires_capture', currency: 'jpy' };
    expect(value(after, 'payments_last_24h', jpy)).toBe(
      value(before, 'payments_last_24h', jpy) + 1,
    );
    const health = { route: '/healthz', status: '200', method: 'GET' };
    expect(value(after, 'http_requests_total', health)).toBe(
      value(before, 'http_requests_total', health) + 1,
    );
    expect(value(after, 'http_request_duration_seconds_count', health)).toBeGreaterThan(0);
  });

  test('When a Stripe call is observed, then its outcome and latency are counted', async () => {
    await observeStripeCall('payment_intents.create', async () => 'ok');
    await expect(
      observeStripeCall('payment_intents.create', async () => {
        throw Object.assign(new Error('declined'), { type: 'StripeCardError' });
      }),
    ).rejects.toThrow('declined');
    const samples = await scrape();
    const op = { operation: 'payment_intents.create' };
    expect(
      value(samples, 'stripe_api_calls_total', { ...op, outcome: 'success' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      value(samples, 'stripe_api_calls_total', { ...op, outcome: 'StripeCardError' }),
    ).toBeGreaterThanOrEqual(1);
    expect(value(samples, 'stripe_api_call_duration_seconds_count', op)).toBeGreaterThanOrEqual(2);
  });
});
