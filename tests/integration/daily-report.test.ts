import { QueryTypes } from 'sequelize';
import { createSequelize } from '../../src/db/connection';
import { computeDailyReport } from '../../src/services/reports/daily-report-service';
import { runDailyReportSchedule } from '../../src/services/reports/daily-report-scheduler';
import { api } from '../support/contract';
import {
  createApiKey,
  insertDispute,
  insertPayment,
  insertRefund,
  isolatedDate,
  isolatedPastDate,
} from '../support/ops-fixtures';
import { startTestApp, type TestContext } from '../support/test-app';

const nextDate = (date: string): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

describe('GET /v1/reports/daily', () => {
  let ctx: TestContext;
  let auth: string;
  beforeAll(async () => {
    ctx = await startTestApp({ METRICS_TOKEN: 'test-metrics-token-0123456789' });
    auth = `Bearer ${(await createApiKey(ctx.sequelize, ['reports:read'])).secret}`;
  });
  afterAll(() => ctx.close());

  const report = (query: string) =>
    api(ctx.built.app).get(`/v1/reports/daily?${query}`).set('Authorization', auth);

  test('When a day mixes USD, JPY and BHD, then each currency adds up to the minor unit', async () => {
    const day = isolatedDate();
    const at = (time: string) => `${day}T${time}Z`;
    const usd1 = await insertPayment(ctx.sequelize, {
      amount: 1999,
      currency: 'usd',
      status: 'succeeded',
      createdAt: at('01:00:00'),
    });
    await insertPayment(ctx.sequelize, {
      amount: 500,
      currency: 'usd',
      status: 'succeeded',
      createdAt: at('02:00:00'),
    });
    await insertPayment(ctx.sequelize, {
      amount: 1000,
      currency: 'usd',
      status: 'requires_payment_method',
      failed: true,
      createdAt: at('03:00:00'),
    });
    await insertPayment(ctx.sequelize, {
      amount: 700,
      currency: 'usd',
      status: 'requires_payment_method',
      createdAt: at('04:00:00'),
    });
    await insertRefund(ctx.sequelize, {
      paymentId: usd1,
      amount: 250,
      currency: 'usd',
      createdAt: at('05:00:00'),
    });
    await insertRefund(ctx.sequelize, {
      paymentId: usd1,
      amount: 99,
      currency: 'usd',
      createdAt: at('05:30:00'),
      status: 'failed',
    });
    await insertDispute(ctx.sequelize, {
      paymentId: usd1,
      amount: 1999,
      currency: 'usd',
      createdAt: at('06:00:00'),
    });
    await insertPayment(ctx.sequelize, {
      amount: 1000,
      currency: 'jpy',
      status: 'succeeded',
      createdAt: at('07:00:00'),
    });
    await insertPayment(ctx.sequelize, {
      amount: 333,
      currency: 'jpy',
      status: 'succeeded',
      createdAt: at('08:00:00'),
    });
    const bhd = await insertPayment(ctx.sequelize, {
      amount: 12345,
      currency: 'bhd',
      status: 'succeeded',
      createdAt: at('09:00:00'),
    });
    await insertPayment(ctx.sequelize, {
      amount: 5000,
      currency: 'bhd',
      status: 'canceled',
      createdAt: at('10:00:00'),
    });
    await insertRefund(ctx.sequelize, {
      paymentId: bhd,
      amount: 1005,
      currency: 'bhd',
      createdAt: at('11:00:00'),
    });

    const res = await report(`date=${day}`).expect(200);

    expect(res.body).toMatchObject({ object: 'daily_report', date: day, time_zone: 'UTC' });
    const [bhdFig, jpyFig, usdFig] = res.body.currencies;
    expect(res.body.currencies.map((c: { currency: string }) => c.currency)).toEqual([
      'bhd',
      'jpy',
      'usd',
    ]);
    expect(usdFig).toMatchObject({
      payments_attempted: 3,
      payments_succeeded: 2,
      payments_failed: 1,
      gross_succeeded_amount: 2499,
      refunded_amount: 250,
      disputed_amount: 1999,
      net_amount: 2499 - 250 - 1999,
      success_rate: 0.6667,
      average_succeeded_amount: 1250,
      fraud_blocks: 0,
      subscriptions_new: 0,
    });
    expect(usdFig.payments_by_status).toMatchObject({ succeeded: 2, requires_payment_method: 2 });
    expect(jpyFig).toMatchObject({
      gross_succeeded_amount: 1333,
      net_amount: 1333,
      success_rate: 1,
      average_succeeded_amount: 667,
    });
    expect(bhdFig).toMatchObject({
      gross_succeeded_amount: 12345,
      refunded_amount: 1005,
      net_amount: 11340,
      payments_attempted: 1,
    });
    expect(bhdFig.payments_by_status.canceled).toBe(1);
    expect(res.body.subscriptions_source).toBe('subscriptions_table');
  });

  test('When a day has no payments, then no currency and nothing is NaN', async () => {
    const day = isolatedDate();
    const res = await report(`date=${day}`).expect(200);
    expect(res.body.currencies).toEqual([]);
    expect(res.body.webhook_events_failed).toBe(0);
    expect(JSON.stringify(res.body)).not.toMatch(/NaN|Infinity/);
  });

  test('When a currency only has a refund and a fraud block that day, then it still reports', async () => {
    const day = isolatedPastDate();
    const earlier = await insertPayment(ctx.sequelize, {
      amount: 800,
      currency: 'gbp',
      status: 'succeeded',
      createdAt: '1999-01-01T00:00:00Z',
    });
    await insertRefund(ctx.sequelize, {
      paymentId: earlier,
      amount: 300,
      currency: 'gbp',
      createdAt: `${day}T10:00:00Z`,
    });
    await ctx.sequelize.query(
      `INSERT INTO fraud_screenings (id, stage, decision, amount, currency, created_at)
       VALUES (?, 'create', 'block', 99999, 'gbp', ?)`,
      { replacements: [`fs_${day}_${Math.random().toString(36).slice(2)}`, `${day}T11:00:00Z`] },
    );
    const res = await report(`date=${day}`).expect(200);
    expect(res.body.currencies).toEqual([
      expect.objectContaining({
        currency: 'gbp',
        gross_succeeded_amount: 0,
        refunded_amount: 300,
        net_amount: -300,
        fraud_blocks: 1,
        success_rate: null,
      }),
    ]);
  });

  test('When only unconfirmed payments exist, then success_rate is null', async () => {
    const day = isolatedDate();
    await insertPayment(ctx.sequelize, {
      amount: 900,
      currency: 'usd',
      status: 'requires_payment_method',
      createdAt: `${day}T12:00:00Z`,
    });
    const res = await report(`date=${day}`).expect(200);
    expect(res.body.currencies[0]).toMatchObject({
      success_rate: null,
      average_succeeded_amount: null,
      payments_attempted: 0,
    });
  });

  test('When payments sit at 23:59:59 and 00:00:00, then each lands on its own day in UTC and Tokyo', async () => {
    const day = isolatedDate();
    const next = nextDate(day);
    await insertPayment(ctx.sequelize, {
      amount: 101,
      currency: 'usd',
      status: 'succeeded',
      createdAt: `${day}T23:59:59Z`,
    });
    await insertPayment(ctx.sequelize, {
      amount: 202,
      currency: 'usd',
      status: 'succeeded',
      createdAt: `${next}T00:00:00Z`,
    });
    // Tokyo is UTC+9 all year: its midnight is 15:00 UTC the day before.
    await insertPayment(ctx.sequelize, {
      amount: 303,
      currency: 'eur',
      status: 'succeeded',
      createdAt: `${day}T14:59:59Z`,
    });
    await insertPayment(ctx.sequelize, {
      amount: 404,
      currency: 'eur',
      status: 'succeeded',
      createdAt: `${day}T15:00:00Z`,
    });

    const utcDay = (await report(`date=${day}`).expect(200)).body;
    const utcNext = (await report(`date=${next}`).expect(200)).body;
    const tokyoDay = (await report(`date=${day}&tz=Asia/Tokyo`).expect(200)).body;
    const tokyoNext = (await report(`date=${next}&tz=Asia/Tokyo`).expect(200)).body;

    const gross = (r: { currencies: { currency: string; gross_succeeded_amount: number }[] }) =>
      Object.fromEntries(r.currencies.map((c) => [c.currency, c.gross_succeeded_amount]));
    expect(gross(utcDay)).toEqual({ usd: 101, eur: 707 });
    expect(gross(utcNext)).toEqual({ usd: 202 });
    expect(tokyoDay.time_zone).toBe('Asia/Tokyo');
    expect(gross(tokyoDay)).toEqual({ eur: 303 });
    expect(gross(tokyoNext)).toEqual({ usd: 101 + 202, eur: 404 });
  });

  test('When a finished day is recomputed, then the stored report is overwritten, not duplicated', async () => {
    const day = isolatedPastDate();
    await insertPayment(ctx.sequelize, {
      amount: 1000,
      currency: 'usd',
      status: 'succeeded',
      createdAt: `${day}T10:00:00Z`,
    });
    const first = (await report(`date=${day}`).expect(200)).body;
    await insertPayment(ctx.sequelize, {
      amount: 50,
      currency: 'usd',
      status: 'succeeded',
      createdAt: `${day}T11:00:00Z`,
    });
    await insertPayment(ctx.sequelize, {
      amount: 70,
      currency: 'gbp',
      status: 'succeeded',
      createdAt: `${day}T11:00:00Z`,
    });

    const stale = (await report(`date=${day}`).expect(200)).body;
    expect(stale).toEqual(first);
    await computeDailyReport(ctx.sequelize, { date: day, timeZone: 'UTC' });
    const fresh = (await report(`date=${day}`).expect(200)).body;

    expect(
      fresh.currencies.map((c: { gross_succeeded_amount: number }) => c.gross_succeeded_amount),
    ).toEqual([70, 1050]);
    const [{ n }] = await ctx.sequelize.query<{ n: string }>(
      `SELECT count(*) AS n FROM daily_reports WHERE report_date = ? AND time_zone = 'UTC'`,
      { type: QueryTypes.SELECT, replacements: [day] },
    );
    expect(Number(n)).toBe(2);
  });

  test('When a day still trading was stored, then a read computes it again', async () => {
    const day = isolatedDate();
    await insertPayment(ctx.sequelize, {
      amount: 100,
      currency: 'usd',
      status: 'succeeded',
      createdAt: `${day}T10:00:00Z`,
    });
    const first = (await report(`date=${day}`).expect(200)).body;
    expect(first.complete).toBe(false);
    await insertPayment(ctx.sequelize, {
      amount: 200,
      currency: 'usd',
      status: 'succeeded',
      createdAt: `${day}T11:00:00Z`,
    });
    const second = (await report(`date=${day}`).expect(200)).body;
    expect(second.currencies[0].gross_succeeded_amount).toBe(300);
  });

  test('When a range is asked, then one report per day in order', async () => {
    const day = isolatedDate();
    const res = await report(`from=${day}&to=${nextDate(nextDate(day))}`).expect(200);
    expect(res.body.object).toBe('list');
    expect(res.body.data.map((r: { date: string }) => r.date)).toEqual([
      day,
      nextDate(day),
      nextDate(nextDate(day)),
    ]);
  });

  test.each([
    ['date=2026-02-30', 'invalid_date'],
    ['date=yesterday', 'invalid_date'],
    ['date=2026-01-01&tz=Mars/Olympus', 'invalid_time_zone'],
    ['from=2026-01-01', 'invalid_query'],
    ['date=2026-01-01&from=2026-01-01&to=2026-01-02', 'invalid_query'],
    ['from=2026-03-01&to=2026-01-01', 'invalid_range'],
    ['from=2026-01-01&to=2026-12-31', 'invalid_range'],
    ['date=2026-01-01&extra=1', 'invalid_query'],
  ])('When the query is %s, then 400 %s and nothing stored', async (query, code) => {
    const res = await report(query).expect(400);
    expect(res.body.error.code).toBe(code);
  });

  test('When the key is missing or lacks reports:read, then 401 or 403', async () => {
    await api(ctx.built.app).get('/v1/reports/daily?date=2026-01-01').expect(401);
    const other = await createApiKey(ctx.sequelize, ['payments:write']);
    await api(ctx.built.app)
      .get('/v1/reports/daily?date=2026-01-01')
      .set('Authorization', `Bearer ${other.secret}`)
      .expect(403);
  });
});

describe('Daily report schedule', () => {
  test('When two instances run the schedule at once, then the day is stored once', async () => {
    const url = process.env.DATABASE_URL!;
    const a = createSequelize({ url, poolMax: 2 });
    const b = createSequelize({ url, poolMax: 2 });
    try {
      const day = isolatedPastDate();
      await insertPayment(a, {
        amount: 4242,
        currency: 'usd',
        status: 'succeeded',
        createdAt: `${day}T09:00:00Z`,
      });
      const now = () => new Date(`${nextDate(day)}T06:00:00Z`);
      const options = { timeZone: 'Europe/Paris', lookbackDays: 1, now };

      const runs = await Promise.all([
        runDailyReportSchedule(a, options),
        runDailyReportSchedule(b, options),
      ]);

      expect(runs.flatMap((r) => r.computed)).toEqual([day]);
      const rows = await a.query<{ n: string; gross: string }>(
        `SELECT count(*) AS n, max((figures->>'gross_succeeded_amount')::bigint) AS gross
         FROM daily_reports WHERE report_date = ? AND time_zone = 'Europe/Paris'`,
        { type: QueryTypes.SELECT, replacements: [day] },
      );
      expect(rows[0]).toEqual({ n: '1', gross: '4242' });
      const again = await runDailyReportSchedule(b, options);
      expect(again.computed).toEqual([]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
