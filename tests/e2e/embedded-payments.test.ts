import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Stripe from 'stripe';
import { spawnService } from '../support/spawn-service';

/**
 * `npm start` with nothing configured: the sandbox starts on loopback, the app registers its
 * webhook endpoint there, and the first start of a data folder prints two API keys once.
 */
describe('embedded default mode: payments', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'payments-embedded-pay-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  test('When started fresh, then keys are printed once and a payment goes through the sandbox', async () => {
    const first = await spawnService({ DATA_DIR: dataDir }, 120_000);
    let storefront: string;
    try {
      const out = first.output();
      storefront = /storefront key[^:]*: +(psk_\w+)/.exec(out)![1]!;
      const ops = /ops key[^:]*: +(psk_\w+)/.exec(out)![1]!;
      const sandboxUrl = /built-in Stripe sandbox at (http:\/\/[\d.]+:\d+)/.exec(out)![1]!;

      const sdk = new Stripe('sk_test_observer', {
        host: '127.0.0.1',
        port: Number(new URL(sandboxUrl).port),
        protocol: 'http',
      });
      const endpoints = await sdk.webhookEndpoints.list();
      expect(endpoints.data).toHaveLength(1);
      expect(endpoints.data[0]).toMatchObject({
        url: `${first.url}/webhooks/stripe`,
        enabled_events: ['*'],
      });

      const res = await fetch(`${first.url}/v1/payments`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${storefront}`,
          'content-type': 'application/json',
          'idempotency-key': 'embedded-1',
        },
        body: JSON.stringify({
          amount: 1999,
          currency: 'usd',
          payment_method: 'pm_card_visa',
          confirm: true,
        }),
      });
      expect(res.status).toBe(201);
      const payment = (await res.json()) as { status: string; stripe_payment_intent_id: string };
      expect(payment.status).toBe('succeeded');
      expect((await sdk.paymentIntents.retrieve(payment.stripe_payment_intent_id)).status).toBe(
        'succeeded',
      );
      const audit = await fetch(`${first.url}/v1/audit`, {
        headers: { authorization: `Bearer ${ops}` },
      });
      expect(audit.status).toBe(200);
      // Keys never reach the logs, only the banner.
      const logLines = out.split('\n').filter((l) => l.startsWith('{'));
      expect(logLines.join('\n')).not.toContain(storefront);
    } finally {
      expect(await first.stop()).toBe(0);
    }

    const second = await spawnService({ DATA_DIR: dataDir }, 120_000);
    try {
      expect(second.output()).not.toMatch(/psk_/);
      const res = await fetch(`${second.url}/v1/payments`, {
        headers: { authorization: `Bearer ${storefront}` },
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { data: unknown[] };
      expect(body.data).toHaveLength(1);
    } finally {
      expect(await second.stop()).toBe(0);
    }
  }, 300_000);

  test('When 150 payments are created at once, then every one is answered 201', async () => {
    const burstDir = fs.mkdtempSync(path.join(os.tmpdir(), 'payments-embedded-burst-'));
    const service = await spawnService({ DATA_DIR: burstDir });
    try {
      const storefront = /storefront key[^:]*: +(psk_\w+)/.exec(service.output())![1]!;
      const create = (i: number) =>
        fetch(`${service.url}/v1/payments`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${storefront}`,
            'content-type': 'application/json',
            'idempotency-key': `burst-${i}`,
          },
          body: JSON.stringify({ amount: 1000 + i, currency: 'usd' }),
        }).then((res) => res.status);

      const statuses = await Promise.all(Array.from({ length: 150 }, (_, i) => create(i)));

      expect(statuses.filter((status) => status !== 201)).toEqual([]);
      expect(service.output()).not.toMatch(/prepared statement|portal|"level":"error"/);
    } finally {
      expect(await service.stop()).toBe(0);
      fs.rmSync(burstDir, { recursive: true, force: true });
    }
  }, 300_000);
});
