import { QueryTypes } from 'sequelize';
import { Subscription, SubscriptionInvoice } from '../../../src/models';
import {
  advance,
  applyEvents,
  auth,
  billingEventsOf,
  createCustomer,
  DAY,
  once,
  shuffledWithDuplicates,
  startSubscriptionHarness,
  type SubscriptionHarness,
} from './subscription-harness';

let h: SubscriptionHarness;
beforeAll(async () => {
  h = await startSubscriptionHarness({ SUBSCRIPTION_GRACE_PERIOD_DAYS: '7' });
});
afterAll(() => h.close());

interface Story {
  id: string;
  customer: string;
  stripeSubscriptionId: string;
  stripeCustomerId: string;
}

async function trialWithCard(): Promise<Story> {
  const customer = await createCustomer(h);
  const res = await h.http
    .post('/v1/subscriptions')
    .set(auth(h))
    .set(once())
    .send({
      customer,
      price: 'membership_monthly',
      trial_period_days: 14,
      payment_method: 'pm_card_visa',
    })
    .expect(201);
  const row = (await Subscription.findByPk(res.body.id))!;
  return {
    id: row.id,
    customer,
    stripeSubscriptionId: row.stripeSubscriptionId,
    stripeCustomerId: row.stripeCustomerId,
  };
}

async function sync(story: Story) {
  await applyEvents(h, await billingEventsOf(h, story.stripeCustomerId));
}

async function view(story: Story) {
  await sync(story);
  const sub = await h.http.get(`/v1/subscriptions/${story.id}`).set(auth(h)).expect(200);
  const access = await h.http
    .get(`/v1/customers/${story.customer}/entitlements`)
    .set(auth(h))
    .expect(200);
  return { sub: sub.body, access: access.body };
}

/** The card starts failing: what `pm_card_chargeCustomerFail` does after it is attached. */
async function cardStartsFailing(story: Story) {
  const failing = await h.stripe.paymentMethods.attach('pm_card_chargeCustomerFail', {
    customer: story.stripeCustomerId,
  });
  await h.stripe.subscriptions.update(story.stripeSubscriptionId, {
    default_payment_method: failing.id,
  });
}

async function notificationsOf(story: Story): Promise<string[]> {
  const rows = await h.ctx.sequelize.query<{ type: string }>(
    'SELECT type FROM notifications WHERE object_id = $1 ORDER BY created_at, id',
    { bind: [story.id], type: QueryTypes.SELECT },
  );
  return rows.map((r) => r.type);
}

function advanceTo(at: number) {
  advance(h, Math.max(0, at - h.sandbox.now()) + 60);
}

async function finalState(story: Story) {
  const row = (await Subscription.findByPk(story.id))!;
  const invoices = await SubscriptionInvoice.findAll({
    where: { stripeSubscriptionId: story.stripeSubscriptionId },
    order: [['stripeInvoiceId', 'ASC']],
  });
  return {
    status: row.status,
    period: [row.currentPeriodStart, row.currentPeriodEnd],
    endedAt: row.endedAt,
    invoices: invoices.map((i) => [
      i.stripeInvoiceId,
      i.status,
      i.attemptCount,
      i.nextPaymentAttempt,
      i.amountPaid,
      i.lastFailureAt,
    ]),
  };
}

async function expectOrderIndependent(story: Story) {
  const events = await billingEventsOf(h, story.stripeCustomerId);
  await applyEvents(h, events);
  const expected = await finalState(story);
  for (const seed of [3, 99]) {
    await Subscription.update({ stripeEventAt: 0, stripeRank: 0 }, { where: { id: story.id } });
    await SubscriptionInvoice.update(
      { stripeEventAt: 0, stripeRank: 0, lastFailureAt: null },
      { where: { stripeSubscriptionId: story.stripeSubscriptionId } },
    );
    await applyEvents(h, shuffledWithDuplicates(events, seed));
    expect(await finalState(story)).toEqual(expected);
  }
}

describe('a membership driven by the sandbox clock', () => {
  test('trial → active → renewal paid → renewal failed → past_due with grace → canceled', async () => {
    const story = await trialWithCard();
    let now = await view(story);
    expect(now.sub.status).toBe('trialing');
    expect(now.access.has_access).toBe(true);

    // The trial ends: the first paid period starts.
    advanceTo(now.sub.trial_end);
    now = await view(story);
    expect(now.sub.status).toBe('active');
    expect(now.sub.dunning).toBeNull();
    const firstPeriodEnd = now.sub.current_period_end as number;
    expect(now.access).toMatchObject({ has_access: true, access_until: firstPeriodEnd });

    // A renewal that is paid.
    advanceTo(firstPeriodEnd);
    now = await view(story);
    expect(now.sub).toMatchObject({ status: 'active', current_period_start: firstPeriodEnd });
    const secondPeriodEnd = now.sub.current_period_end as number;

    // A renewal that fails: past_due, visible dunning, the storefront notified, still access.
    await cardStartsFailing(story);
    advanceTo(secondPeriodEnd);
    now = await view(story);
    expect(now.sub.status).toBe('past_due');
    expect(now.sub.dunning).toMatchObject({
      amount_due: 1500,
      currency: 'usd',
      attempt_count: 1,
      next_payment_attempt: expect.any(Number),
      action_required: false,
    });
    expect(now.access).toMatchObject({
      has_access: true,
      access_until: secondPeriodEnd + 7 * DAY,
      subscriptions: [expect.objectContaining({ reason: 'grace_period' })],
    });
    expect(await notificationsOf(story)).toContain('subscription.payment_failed');

    // Stripe retries; after the grace period there is no access although it is still past_due.
    advanceTo(now.sub.dunning.next_payment_attempt);
    now = await view(story);
    expect(now.sub.dunning.attempt_count).toBe(2);
    advanceTo(now.sub.dunning.next_payment_attempt);
    now = await view(story);
    expect(now.sub.status).toBe('past_due');
    expect(now.sub.dunning.attempt_count).toBe(3);
    expect(now.access).toMatchObject({
      has_access: false,
      subscriptions: [expect.objectContaining({ reason: 'grace_period_over' })],
    });

    // The last retry fails: Stripe cancels it.
    advanceTo(now.sub.dunning.next_payment_attempt);
    now = await view(story);
    expect(now.sub.status).toBe('canceled');
    expect(now.access.has_access).toBe(false);
    const failures = (await notificationsOf(story)).filter(
      (t) => t === 'subscription.payment_failed',
    );
    expect(failures).toHaveLength(4);
    const notified = await notificationsOf(story);
    await expectOrderIndependent(story);
    // Replayed, shuffled and duplicated events never notify twice.
    expect(await notificationsOf(story)).toEqual(notified);
  });

  test('When retries end with the unpaid setting, then it is unpaid without access', async () => {
    h.sandbox.setDunningFinalAction('unpaid');
    try {
      const story = await trialWithCard();
      await cardStartsFailing(story);
      let now = await view(story);
      advanceTo(now.sub.trial_end);
      now = await view(story);
      expect(now.sub.status).toBe('past_due');
      for (let i = 0; i < 3; i++) {
        advanceTo(now.sub.dunning.next_payment_attempt);
        now = await view(story);
      }
      expect(now.sub.status).toBe('unpaid');
      expect(now.sub.dunning).toMatchObject({ attempt_count: 4, next_payment_attempt: null });
      expect(now.access).toMatchObject({
        has_access: false,
        subscriptions: [expect.objectContaining({ reason: 'unpaid' })],
      });
      await expectOrderIndependent(story);
    } finally {
      h.sandbox.setDunningFinalAction('cancel');
    }
  });

  test('When a trial is about to end, then the storefront is notified once', async () => {
    const story = await trialWithCard();
    const { sub } = await view(story);
    advanceTo(sub.trial_end - 3 * DAY);
    await sync(story);
    await sync(story);
    expect(await notificationsOf(story)).toEqual(['subscription.trial_will_end']);
  });
});
