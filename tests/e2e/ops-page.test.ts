import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { ApiKeyService, OPS_SCOPES } from '../../src/services/api-key-service';
import { attempt, randomId } from '../support/fraud-fixtures';
import { insertPayment } from '../support/ops-fixtures';
import { startTestApp, type TestContext } from '../support/test-app';
import path from 'node:path';

/** The Debian chromium package; CI installs it (.ci/run). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

jest.setTimeout(120_000);

describe('/ops page in headless Chromium', () => {
  let ctx: TestContext;
  let server: http.Server;
  let url: string;
  let browser: Browser;
  let opsKey: string;
  let reviewId: string;
  const eventId = randomId('evt');

  beforeAll(async () => {
    ctx = await startTestApp({
      RATE_LIMIT_MAX: '100000',
      FRAUD_RULES_FILE: path.resolve(__dirname, '../fixtures/fraud-rules.json'),
    });
    opsKey = (
      await new ApiKeyService(ctx.sequelize).create({
        name: 'ops',
        scopes: OPS_SCOPES,
        actor: 'test',
      })
    ).key;
    const now = new Date().toISOString();
    await insertPayment(ctx.sequelize, {
      amount: 2500,
      currency: 'usd',
      status: 'succeeded',
      createdAt: now,
    });
    await insertPayment(ctx.sequelize, {
      amount: 1200,
      currency: 'jpy',
      status: 'succeeded',
      createdAt: now,
    });
    // Authorized six days ago, so its capture deadline comes before the reviews other suites
    // leave open in the shared database, and it is among the page's first 20.
    const held = await insertPayment(ctx.sequelize, {
      amount: 7000,
      currency: 'usd',
      status: 'requires_capture',
      createdAt: new Date(Date.now() - 6 * 86_400_000).toISOString(),
      captureMethod: 'manual',
    });
    const screening = await ctx.built.fraud.screen.screen(attempt({ amount: 7000 }));
    reviewId = await ctx.built.fraud.reviews.open({
      paymentId: held,
      source: 'screen',
      screeningId: screening.id,
      reasons: screening.reasons,
    });
    await ctx.sequelize.query(
      `INSERT INTO webhook_events (id, type, stripe_created, source, raw_body, status, attempts, last_error)
       VALUES (?, 'charge.refunded', 1, 'webhook', '{}', 'failed', 8, 'handler failed')`,
      { replacements: [eventId] },
    );
    server = http.createServer(ctx.built.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    await ctx.close();
  });

  test('When ops open the page with their key, then charts, open reviews and failed events show', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));

    await page.goto(`${url}/ops`);
    expect(await page.locator('#overview').isHidden()).toBe(true);
    await page.fill('#ops-key', opsKey);
    await page.click('button[type=submit]');
    await page.waitForSelector('#overview:not([hidden])');

    const currencies = await page.$$eval('.chart', (els) =>
      els.map((e) => e.getAttribute('data-currency')),
    );
    expect(currencies).toEqual(expect.arrayContaining(['jpy', 'usd']));
    const usdBars = page.locator('.chart[data-currency="usd"] rect.bar');
    expect(await usdBars.count()).toBe(30);
    const today = await usdBars.last().getAttribute('data-gross');
    expect(Number(today)).toBeGreaterThanOrEqual(2500);
    expect(await page.locator(`tr[data-review="${reviewId}"]`).innerText()).toContain(
      'amount_threshold',
    );
    expect(await page.locator(`tr[data-event="${eventId}"]`).innerText()).toContain(
      'charge.refunded',
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  test('When the key is wrong, then the page says so and shows no data', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/ops`);
    await page.fill('#ops-key', 'psk_wrong_key');
    await page.click('button[type=submit]');
    await page.waitForSelector('#status.error');
    expect(await page.locator('#overview').isHidden()).toBe(true);
    await page.close();
  });
});
