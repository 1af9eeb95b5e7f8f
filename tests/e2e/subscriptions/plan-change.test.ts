import Stripe from 'stripe';
import { Subscription } from '../../../src/models';
import {
  advance,
  applyEvents,
  auth,
  billingEventsOf,
  createCustomer,
  DAY,
  once,
  startSubscriptionHarness,
  type SubscriptionHarness,
} from './subscription-harness';

let h: SubscriptionHarness;
beforeAll(async () => {
  h = await startSubscriptionHarness();
});
afterAll(() => h.close());

interface Member {
  id: string;
  stripeSubscriptionId: string;
  stripeCustomerId: string;
  periodEnd: number;
}

async function monthlyMember(): Promise<Member> {
  const customer = await createCustomer(h);
  const res = await h.http
    .post('/v1/subscriptions')
    .set(auth(h))
    .set(once())
    .send({ customer, price: 'membership_monthly', payment_method: 'pm_card_visa' })
    .expect(201);
  const row = (await Subscription.findByPk(res.body.id))!;
  return {
    id: row.id,
    stripeSubscriptionId: row.stripeSubscriptionId,
    stripeCustomerId: row.stripeCustomerId,
    periodEnd: res.body.current_period_end,
  };
}

async function invoicesOf(member: Member): Promise<Stripe.Invoice[]> {
  const list = await h.stripe.invoices.list({ subscription: member.stripeSubscriptionId });
  return list.data;
}

function change(member: Member, body: Record<string, unknown>) {
  return h.http.post(`/v1/subscriptions/${member.id}`).set(auth(h)).set(once()).send(body);
}

describe('POST /v1/subscriptions/{id} (change)', () => {
  test('When upgraded with always_invoice halfway, then the prorated difference is charged now', async () => {
    const member = await monthlyMember();
    advance(h, 15 * DAY);
    const before = await invoicesOf(member);
    const res = await change(member, {
      price: 'membership_plus_monthly',
      proration_behavior: 'always_invoice',
    }).expect(200);
    expect(res.body.price).not.toBeNull();
    const after = await invoicesOf(member);
    expect(after).toHaveLength(before.length + 1);
    const charged = after[0]!;
    expect(charged.billing_reason).toBe('subscription_update');
    expect(charged.status).toBe('paid');
    // Half a month of the 15.00 → 30.00 difference, computed by Stripe; never 0, never 15.00.
    expect(charged.amount_paid).toBeGreaterThan(0);
    expect(charged.amount_paid).toBeLessThan(1500);
    await applyEvents(h, await billingEventsOf(h, member.stripeCustomerId));
    const row = (await Subscription.findByPk(member.id))!;
    expect(row.unitAmount).toBe(3000);
  });

  test('When changed with proration none, then nothing is invoiced until the renewal', async () => {
    const member = await monthlyMember();
    advance(h, 10 * DAY);
    const before = await invoicesOf(member);
    await change(member, { price: 'membership_plus_monthly', proration_behavior: 'none' }).expect(
      200,
    );
    expect(await invoicesOf(member)).toHaveLength(before.length);
    advance(h, member.periodEnd - h.sandbox.now() + 60);
    const renewal = (await invoicesOf(member))[0]!;
    expect(renewal.billing_reason).toBe('subscription_cycle');
    expect(renewal.amount_paid).toBe(3000);
  });

  test('When the quantity changes with create_prorations, then the renewal carries them', async () => {
    const member = await monthlyMember();
    advance(h, 10 * DAY);
    const res = await change(member, { quantity: 2 }).expect(200);
    expect(res.body.quantity).toBe(2);
    advance(h, member.periodEnd - h.sandbox.now() + 60);
    const renewal = (await invoicesOf(member))[0]!;
    // The new period at 2 × 15.00 plus the prorated extra seat for the rest of the old one.
    expect(renewal.amount_paid).toBeGreaterThan(3000);
    expect(renewal.amount_paid).toBeLessThan(4500);
  });

  test('When neither price nor quantity is given, then 400 and nothing changes', async () => {
    const member = await monthlyMember();
    await change(member, { proration_behavior: 'none' }).expect(400);
    const row = (await Subscription.findByPk(member.id))!;
    expect(row.quantity).toBe(1);
  });

  test('When the proration behaviour is unknown, then 400 naming it', async () => {
    const member = await monthlyMember();
    const res = await change(member, { quantity: 2, proration_behavior: 'sometimes' }).expect(400);
    expect(res.body.error.details[0].field).toBe('proration_behavior');
  });

  test('When previewed then changed with always_invoice, then the charge matches the preview', async () => {
    const member = await monthlyMember();
    advance(h, 12 * DAY);
    const preview = await h.http
      .get(
        `/v1/subscriptions/${member.id}/preview` +
          '?price=membership_plus_monthly&proration_behavior=always_invoice',
      )
      .set(auth(h))
      .expect(200);
    expect(preview.body.amount_due).toBeGreaterThan(0);
    expect(preview.body.proration_amount).toBe(preview.body.amount_due);
    expect(preview.body.lines.every((l: { proration: boolean }) => l.proration)).toBe(true);
    advance(h, 3600);
    await change(member, {
      price: 'membership_plus_monthly',
      proration_behavior: 'always_invoice',
      proration_date: preview.body.proration_date,
    }).expect(200);
    const charged = (await invoicesOf(member))[0]!;
    expect(charged.amount_paid).toBe(preview.body.amount_due);
  });

  test('When previewed with create_prorations, then it is the next renewal invoice', async () => {
    const member = await monthlyMember();
    advance(h, 20 * DAY);
    const preview = await h.http
      .get(`/v1/subscriptions/${member.id}/preview?quantity=3`)
      .set(auth(h))
      .expect(200);
    expect(preview.body.proration_behavior).toBe('create_prorations');
    await change(member, { quantity: 3, proration_date: preview.body.proration_date }).expect(200);
    advance(h, member.periodEnd - h.sandbox.now() + 60);
    const renewal = (await invoicesOf(member))[0]!;
    expect(renewal.amount_paid).toBe(preview.body.amount_due);
  });

  test('When previewed with proration none, then only the next period at the new price shows', async () => {
    const member = await monthlyMember();
    const preview = await h.http
      .get(
        `/v1/subscriptions/${member.id}/preview?price=membership_plus_monthly&proration_behavior=none`,
      )
      .set(auth(h))
      .expect(200);
    expect(preview.body).toMatchObject({ amount_due: 3000, proration_amount: 0 });
    // A preview changes nothing.
    const row = (await Subscription.findByPk(member.id))!;
    expect(row.unitAmount).toBe(1500);
  });
});
