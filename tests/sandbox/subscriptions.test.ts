import Stripe from 'stripe';
import { startHarness, stripeError, type Harness } from './sandbox-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.sandbox.close());

const DAY = 24 * 60 * 60;

async function monthlyPrice(amount = 1500) {
  const product = await h.stripe.products.create({ name: 'Sandbox plan' });
  return h.stripe.prices.create({
    product: product.id,
    unit_amount: amount,
    currency: 'usd',
    recurring: { interval: 'month' },
  });
}

async function customerWith(pm: string) {
  return h.stripe.customers.create({
    payment_method: pm,
    invoice_settings: { default_payment_method: pm },
  });
}

function periodEnd(sub: Stripe.Subscription): number {
  return sub.items.data[0].current_period_end;
}

async function advanceTo(ts: number) {
  const res = await fetch(`${h.sandbox.url}/_sandbox/time/advance`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ to: Math.max(ts, h.sandbox.now()) }),
  });
  expect(res.status).toBe(200);
}

describe('subscriptions', () => {
  test('When created for a customer with a card, then the first invoice is paid and it is active', async () => {
    const price = await monthlyPrice();
    const customer = await customerWith('pm_card_visa');
    const sub = await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      expand: ['latest_invoice'],
    });
    expect(sub.status).toBe('active');
    const invoice = sub.latest_invoice as Stripe.Invoice;
    expect(invoice.status).toBe('paid');
    expect(invoice.amount_paid).toBe(1500);
    expect(invoice.billing_reason).toBe('subscription_create');
  });

  test('When time passes a period end, then it renews with a new paid invoice', async () => {
    const price = await monthlyPrice(2000);
    const customer = await customerWith('pm_card_visa');
    const sub = await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    });
    const firstEnd = periodEnd(sub);
    await advanceTo(firstEnd + 60);
    const renewed = await h.stripe.subscriptions.retrieve(sub.id);
    expect(renewed.status).toBe('active');
    expect(renewed.items.data[0].current_period_start).toBe(firstEnd);
    const invoices = await h.stripe.invoices.list({ subscription: sub.id });
    expect(invoices.data.map((i) => [i.billing_reason, i.status, i.amount_paid])).toEqual([
      ['subscription_cycle', 'paid', 2000],
      ['subscription_create', 'paid', 2000],
    ]);
    const paid = await h.stripe.events.list({ type: 'invoice.paid', limit: 100 });
    expect(
      paid.data.filter((e) => (e.data.object as Stripe.Invoice).id === invoices.data[0].id),
    ).toHaveLength(1);
  });

  test('When the renewal card fails, then past_due, retries, and finally canceled', async () => {
    const price = await monthlyPrice();
    const customer = await h.stripe.customers.create({});
    const good = await h.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    const sub = await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_payment_method: good.id,
    });
    const bad = await h.stripe.paymentMethods.attach('pm_card_chargeCustomerFail', {
      customer: customer.id,
    });
    await h.stripe.subscriptions.update(sub.id, { default_payment_method: bad.id });
    await advanceTo(periodEnd(sub) + 60);
    const pastDue = await h.stripe.subscriptions.retrieve(sub.id, { expand: ['latest_invoice'] });
    expect(pastDue.status).toBe('past_due');
    const invoice = pastDue.latest_invoice as Stripe.Invoice;
    expect(invoice.status).toBe('open');
    expect(invoice.attempt_count).toBe(1);
    expect(invoice.next_payment_attempt).toBeGreaterThan(h.sandbox.now());
    await advanceTo(h.sandbox.now() + 20 * DAY);
    const canceled = await h.stripe.subscriptions.retrieve(sub.id);
    expect(canceled.status).toBe('canceled');
    const finalInvoice = await h.stripe.invoices.retrieve(invoice.id);
    expect(finalInvoice.attempt_count).toBe(4);
    expect(finalInvoice.next_payment_attempt).toBeNull();
  });

  test('When the final action is unpaid, then failed dunning leaves it unpaid', async () => {
    h.sandbox.setDunningFinalAction('unpaid');
    const price = await monthlyPrice();
    const customer = await h.stripe.customers.create({});
    const good = await h.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    const sub = await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_payment_method: good.id,
    });
    const bad = await h.stripe.paymentMethods.attach('pm_card_chargeCustomerFail', {
      customer: customer.id,
    });
    await h.stripe.subscriptions.update(sub.id, { default_payment_method: bad.id });
    await advanceTo(periodEnd(sub) + 25 * DAY);
    expect((await h.stripe.subscriptions.retrieve(sub.id)).status).toBe('unpaid');
    h.sandbox.setDunningFinalAction('cancel');
  });

  test('When a trial is given, then trialing, and the first charge comes when it ends', async () => {
    const price = await monthlyPrice(900);
    const customer = await customerWith('pm_card_visa');
    const sub = await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      trial_period_days: 7,
    });
    expect(sub.status).toBe('trialing');
    expect(sub.trial_end).toBe(sub.trial_start! + 7 * DAY);
    await advanceTo(sub.trial_end! + 60);
    const active = await h.stripe.subscriptions.retrieve(sub.id, { expand: ['latest_invoice'] });
    expect(active.status).toBe('active');
    expect((active.latest_invoice as Stripe.Invoice).amount_paid).toBe(900);
    const notices = await h.stripe.events.list({
      type: 'customer.subscription.trial_will_end',
      limit: 100,
    });
    expect(notices.data.some((e) => (e.data.object as Stripe.Subscription).id === sub.id)).toBe(
      true,
    );
  });

  test('When default_incomplete, then the client confirms the invoice payment intent', async () => {
    const price = await monthlyPrice();
    const customer = await h.stripe.customers.create({});
    const sub = await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      payment_behavior: 'default_incomplete',
      expand: ['latest_invoice.payment_intent'],
    });
    expect(sub.status).toBe('incomplete');
    const invoice = sub.latest_invoice as Stripe.Invoice & { payment_intent: Stripe.PaymentIntent };
    expect(invoice.payment_intent.status).toBe('requires_payment_method');
    await h.stripe.paymentIntents.confirm(invoice.payment_intent.id, {
      payment_method: 'pm_card_visa',
    });
    expect((await h.stripe.subscriptions.retrieve(sub.id)).status).toBe('active');
    expect((await h.stripe.invoices.retrieve(invoice.id)).status).toBe('paid');
  });

  test('When error_if_incomplete and the card declines, then 402 and nothing stays live', async () => {
    const price = await monthlyPrice();
    const customer = await customerWith('pm_card_chargeDeclined');
    const err = await stripeError(
      h.stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: price.id }],
        payment_behavior: 'error_if_incomplete',
      }),
    );
    expect(err.statusCode).toBe(402);
    const live = await h.stripe.subscriptions.list({ customer: customer.id });
    expect(live.data).toHaveLength(0);
  });

  test('When the customer has no payment method, then allow_incomplete is refused', async () => {
    const price = await monthlyPrice();
    const customer = await h.stripe.customers.create({});
    const err = await stripeError(
      h.stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] }),
    );
    expect(err.statusCode).toBe(400);
    const one = await h.stripe.prices.create({
      product: price.product as string,
      unit_amount: 100,
      currency: 'usd',
    });
    const once = await stripeError(
      h.stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: one.id }],
        payment_behavior: 'default_incomplete',
      }),
    );
    expect(once.param).toBe('items[0][price]');
  });

  test('When canceled at period end, then it ends at renewal; resumed before, it renews', async () => {
    const price = await monthlyPrice();
    const customer = await customerWith('pm_card_visa');
    const a = await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    });
    const b = await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    });
    const pending = await h.stripe.subscriptions.update(a.id, { cancel_at_period_end: true });
    expect(pending.cancel_at).toBe(periodEnd(a));
    await h.stripe.subscriptions.update(b.id, { cancel_at_period_end: true });
    await h.stripe.subscriptions.update(b.id, { cancel_at_period_end: false });
    await advanceTo(periodEnd(a) + 60);
    expect((await h.stripe.subscriptions.retrieve(a.id)).status).toBe('canceled');
    expect((await h.stripe.subscriptions.retrieve(b.id)).status).toBe('active');
    const now = await h.stripe.subscriptions.cancel(b.id);
    expect(now.status).toBe('canceled');
    const again = await stripeError(h.stripe.subscriptions.cancel(b.id));
    expect(again.statusCode).toBe(400);
  });

  test('When the price changes mid-period with prorations, then the next invoice carries them', async () => {
    const cheap = await monthlyPrice(1000);
    const dear = await h.stripe.prices.create({
      product: cheap.product as string,
      unit_amount: 3000,
      currency: 'usd',
      recurring: { interval: 'month' },
    });
    const customer = await customerWith('pm_card_visa');
    const sub = await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: cheap.id }],
    });
    const updated = await h.stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0].id, price: dear.id, quantity: 2 }],
      proration_behavior: 'always_invoice',
      expand: ['latest_invoice'],
    });
    expect(updated.items.data[0].price.id).toBe(dear.id);
    expect(updated.items.data[0].quantity).toBe(2);
    const invoice = updated.latest_invoice as Stripe.Invoice;
    expect(invoice.billing_reason).toBe('subscription_update');
    expect(invoice.lines.data).toHaveLength(2);
    expect(invoice.amount_due).toBeGreaterThan(4000);
    expect(invoice.amount_due).toBeLessThanOrEqual(5000);
    const none = await h.stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0].id, quantity: 1 }],
      proration_behavior: 'none',
    });
    expect(none.items.data[0].quantity).toBe(1);
    const pending = await h.stripe.invoiceItems.list({ customer: customer.id, pending: true });
    expect(pending.data).toHaveLength(0);
  });
});

describe('invoices', () => {
  test('When pending items are invoiced and paid, then invoice.paid; a failing card declines 402', async () => {
    const customer = await h.stripe.customers.create({});
    const pm = await h.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    await h.stripe.invoiceItems.create({ customer: customer.id, amount: 2000, currency: 'usd' });
    const invoice = await h.stripe.invoices.create({
      customer: customer.id,
      pending_invoice_items_behavior: 'include',
    });
    expect(invoice.status).toBe('draft');
    expect(invoice.amount_due).toBe(2000);
    const paid = await h.stripe.invoices.pay(invoice.id, { payment_method: pm.id });
    expect(paid.status).toBe('paid');
    const bad = await h.stripe.paymentMethods.attach('pm_card_chargeCustomerFail', {
      customer: customer.id,
    });
    await h.stripe.invoiceItems.create({ customer: customer.id, amount: 700, currency: 'usd' });
    const second = await h.stripe.invoices.create({
      customer: customer.id,
      pending_invoice_items_behavior: 'include',
    });
    const err = await stripeError(h.stripe.invoices.pay(second.id, { payment_method: bad.id }));
    expect(err.statusCode).toBe(402);
    const failed = await h.stripe.invoices.retrieve(second.id);
    expect(failed.status).toBe('open');
    expect(failed.attempt_count).toBe(1);
  });
});
