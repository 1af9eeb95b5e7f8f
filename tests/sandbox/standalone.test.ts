import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import Stripe from 'stripe';
import { API_VERSION, waitFor } from './sandbox-harness';

/** `npm run sandbox` as a separate process, driven only over HTTP by the official SDK. */
let child: ChildProcess;
let url: string;
let stripe: Stripe;

beforeAll(async () => {
  const main = path.join(__dirname, '../../src/sandbox/main.ts');
  child = spawn(process.execPath, ['--import', 'tsx', main, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  const port = await waitFor(
    () => /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1],
    30000,
  );
  url = `http://127.0.0.1:${port}`;
  stripe = new Stripe('sk_test_standalone', {
    host: '127.0.0.1',
    port: Number(port),
    protocol: 'http',
    apiVersion: API_VERSION as Stripe.LatestApiVersion,
  });
}, 40000);

afterAll(async () => {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
});

test('When run alone, then the SDK completes a payment, a refund and a renewal', async () => {
  const pi = await stripe.paymentIntents.create({
    amount: 4200,
    currency: 'usd',
    payment_method: 'pm_card_visa',
    confirm: true,
  });
  expect(pi.status).toBe('succeeded');
  const refund = await stripe.refunds.create({ payment_intent: pi.id, amount: 200 });
  expect(refund.status).toBe('succeeded');

  const customer = await stripe.customers.create({
    payment_method: 'pm_card_visa',
    invoice_settings: { default_payment_method: 'pm_card_visa' },
  });
  const price = await stripe.prices.create({
    product_data: { name: 'Standalone plan' },
    unit_amount: 1500,
    currency: 'usd',
    recurring: { interval: 'month' },
  });
  const sub = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }],
  });
  const res = await fetch(`${url}/_sandbox/time/advance`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ to: sub.items.data[0].current_period_end + 60 }),
  });
  expect(res.status).toBe(200);
  const invoices = await stripe.invoices.list({ subscription: sub.id });
  expect(invoices.data.map((i) => [i.billing_reason, i.status])).toEqual([
    ['subscription_cycle', 'paid'],
    ['subscription_create', 'paid'],
  ]);
});
