import Stripe from 'stripe';
import { startSandbox } from '../../src/sandbox';
import { ObjectStore } from '../../src/sandbox/core/store';
import { startHarness, stripeError, type Harness } from './sandbox-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.sandbox.close());

describe('Connect', () => {
  test('When onboarding completes through the control, then charges_enabled turns true', async () => {
    const account = await h.stripe.accounts.create({ type: 'express', country: 'US' });
    expect(account.charges_enabled).toBe(false);
    expect(account.requirements?.currently_due?.length).toBeGreaterThan(0);
    const link = await h.stripe.accountLinks.create({
      account: account.id,
      type: 'account_onboarding',
      refresh_url: 'https://example.com/refresh',
      return_url: 'https://example.com/return',
    });
    expect(link.url).toContain(account.id);
    const res = await fetch(
      `${h.sandbox.url}/_sandbox/accounts/${account.id}/complete_onboarding`,
      {
        method: 'POST',
      },
    );
    expect(res.status).toBe(200);
    const done = await h.stripe.accounts.retrieve(account.id);
    expect(done).toMatchObject({
      charges_enabled: true,
      payouts_enabled: true,
      details_submitted: true,
    });
    const events = await h.stripe.events.list({ type: 'account.updated' });
    expect(events.data.some((e) => (e.data.object as Stripe.Account).id === account.id)).toBe(true);
  });

  test('When the account link is followed, then onboarding completes and it redirects back', async () => {
    const account = await h.stripe.accounts.create({ type: 'express' });
    const link = await h.stripe.accountLinks.create({
      account: account.id,
      type: 'account_onboarding',
      return_url: 'https://example.com/return',
    });
    const res = await fetch(link.url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://example.com/return');
    expect((await h.stripe.accounts.retrieve(account.id)).charges_enabled).toBe(true);
  });

  test('When a destination charge carries a fee, then a transfer and an application fee follow', async () => {
    const account = await h.stripe.accounts.create({ type: 'express' });
    h.sandbox.completeOnboarding(account.id);
    const pi = await h.stripe.paymentIntents.create({
      amount: 10000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
      application_fee_amount: 1230,
      transfer_data: { destination: account.id },
      expand: ['latest_charge.application_fee', 'latest_charge.transfer'],
    });
    const charge = pi.latest_charge as Stripe.Charge;
    const fee = charge.application_fee as Stripe.ApplicationFee;
    expect(fee).toMatchObject({ amount: 1230, account: account.id, charge: charge.id });
    const transfer = charge.transfer as Stripe.Transfer;
    expect(transfer).toMatchObject({
      amount: 8770,
      destination: account.id,
      source_transaction: charge.id,
    });
    const fees = await h.stripe.applicationFees.list({ charge: charge.id });
    expect(fees.data.map((f) => f.id)).toEqual([fee.id]);
  });

  test('When a fee is asked without a destination, then 400 names application_fee_amount', async () => {
    const err = await stripeError(
      h.stripe.paymentIntents.create({ amount: 1000, currency: 'usd', application_fee_amount: 10 }),
    );
    expect(err.param).toBe('application_fee_amount');
    const missing = await stripeError(
      h.stripe.paymentIntents.create({
        amount: 1000,
        currency: 'usd',
        transfer_data: { destination: 'acct_missing' },
      }),
    );
    expect(missing.statusCode).toBe(404);
  });

  test('When a transfer is made, then it is listed for its destination and emits transfer.created', async () => {
    const account = await h.stripe.accounts.create({ type: 'custom', country: 'US' });
    const transfer = await h.stripe.transfers.create({
      amount: 500,
      currency: 'usd',
      destination: account.id,
    });
    expect(transfer.amount).toBe(500);
    const list = await h.stripe.transfers.list({ destination: account.id });
    expect(list.data.map((t) => t.id)).toEqual([transfer.id]);
    const bad = await stripeError(
      h.stripe.transfers.create({ amount: 500, currency: 'usd' } as never),
    );
    expect(bad.param).toBe('destination');
  });
});

describe('memory bounds', () => {
  test('When a kind exceeds its cap, then the oldest objects are evicted first', () => {
    const store = new ObjectStore(3);
    for (let i = 0; i < 5; i++) store.insert({ id: `cus_${i}`, object: 'customer' });
    store.insert({ id: 'pi_0', object: 'payment_intent' });
    expect([...store.newestFirst('customer')].map((o) => o.id)).toEqual([
      'cus_4',
      'cus_3',
      'cus_2',
    ]);
    expect(store.find('cus_0')).toBeUndefined();
    expect(store.find('pi_0')).toBeDefined();
    expect(store.count()).toBe(4);
  });

  test('When the sandbox evicts, then an evicted id answers 404 like any unknown id', async () => {
    const small = await startSandbox({ port: 0, maxObjectsPerKind: 2 });
    const stripe = new Stripe('sk_test_small', {
      host: '127.0.0.1',
      port: small.port,
      protocol: 'http',
    });
    try {
      const first = await stripe.customers.create({});
      await stripe.customers.create({});
      await stripe.customers.create({});
      const err = await stripeError(stripe.customers.retrieve(first.id));
      expect(err.statusCode).toBe(404);
    } finally {
      await small.close();
    }
  });
});
