import { Subscription } from '../../../src/models';
import { ApiKeyService, STOREFRONT_SCOPES } from '../../../src/services/api-key-service';
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
  h = await startSubscriptionHarness();
});
afterAll(() => h.close());

interface SubscriptionBody {
  id: string;
  status: string;
  stripe_subscription_id: string;
  current_period_end: number;
  cancel_at_period_end: boolean;
  pending_payment: { payment_intent: string; status: string; client_secret: string | null };
}

async function subscribe(body: Record<string, unknown>): Promise<SubscriptionBody> {
  const customer = await createCustomer(h);
  const res = await h.http
    .post('/v1/subscriptions')
    .set(auth(h))
    .set(once())
    .send({ customer, price: 'membership_monthly', ...body })
    .expect(201);
  return { ...res.body, customer } as SubscriptionBody & { customer: string };
}

async function eventsOf(sub: SubscriptionBody) {
  const row = await Subscription.findByPk(sub.id);
  return billingEventsOf(h, row!.stripeCustomerId);
}

async function sync(sub: SubscriptionBody) {
  await applyEvents(h, await eventsOf(sub));
}

async function retrieve(id: string) {
  return (await h.http.get(`/v1/subscriptions/${id}`).set(auth(h)).expect(200)).body;
}

async function accessOf(sub: SubscriptionBody) {
  const row = await Subscription.findByPk(sub.id);
  const res = await h.http
    .get(`/v1/customers/${row!.customerId}/entitlements`)
    .set(auth(h))
    .expect(200);
  return res.body as { has_access: boolean; access_until: number | null };
}

/** The fields that must end the same whatever order the events arrive in. */
async function stateOf(id: string) {
  const row = (await Subscription.findByPk(id))!;
  return {
    status: row.status,
    price: row.stripePriceId,
    quantity: row.quantity,
    period: [row.currentPeriodStart, row.currentPeriodEnd],
    cancelAtPeriodEnd: row.cancelAtPeriodEnd,
    endedAt: row.endedAt,
  };
}

/** Replays a story's events shuffled and duplicated, and checks the row ends the same. */
async function expectOrderIndependent(sub: SubscriptionBody): Promise<void> {
  const events = await eventsOf(sub);
  await applyEvents(h, events);
  const expected = await stateOf(sub.id);
  for (const seed of [7, 42, 1234]) {
    await Subscription.update({ stripeEventAt: 0, stripeRank: 0 }, { where: { id: sub.id } });
    await applyEvents(h, shuffledWithDuplicates(events, seed));
    expect(await stateOf(sub.id)).toEqual(expected);
  }
}

describe('3-D Secure on the first invoice', () => {
  test('When the customer completes it, then the subscription becomes active', async () => {
    const sub = await subscribe({ payment_method: 'pm_card_threeDSecure2Required' });
    expect(sub.status).toBe('incomplete');
    expect(sub.pending_payment).toMatchObject({ status: 'requires_action' });
    expect(sub.pending_payment.client_secret).toMatch(/^pi_.+_secret_/);
    await sync(sub);
    expect((await accessOf(sub)).has_access).toBe(false);

    h.sandbox.completeThreeDSecure(sub.pending_payment.payment_intent, 'pass');
    await sync(sub);
    expect((await retrieve(sub.id)).status).toBe('active');
    expect(await accessOf(sub)).toMatchObject({ has_access: true });
    await expectOrderIndependent(sub);
  });

  test('When the customer abandons it, then it expires as incomplete_expired without access', async () => {
    const sub = await subscribe({ payment_method: 'pm_card_threeDSecure2Required' });
    advance(h, DAY);
    await sync(sub);
    expect((await retrieve(sub.id)).status).toBe('incomplete_expired');
    expect((await accessOf(sub)).has_access).toBe(false);
    await expectOrderIndependent(sub);
  });

  test('When the first payment is declined, then it stays incomplete with the decline code', async () => {
    const sub = await subscribe({ payment_method: 'pm_card_chargeDeclinedInsufficientFunds' });
    expect(sub.status).toBe('incomplete');
    expect(sub.pending_payment).toMatchObject({
      status: 'requires_payment_method',
      decline_code: 'insufficient_funds',
    });
  });
});

describe('cancellation', () => {
  test('When canceled at period end then resumed, then access never stops and it renews', async () => {
    const sub = await subscribe({ payment_method: 'pm_card_visa' });
    advance(h, 60);
    const canceling = await h.http
      .post(`/v1/subscriptions/${sub.id}/cancel`)
      .set(auth(h))
      .send({ at_period_end: true })
      .expect(200);
    expect(canceling.body).toMatchObject({ status: 'active', cancel_at_period_end: true });
    await sync(sub);
    expect(await accessOf(sub)).toMatchObject({
      has_access: true,
      access_until: sub.current_period_end,
    });

    advance(h, 60);
    const resumed = await h.http
      .post(`/v1/subscriptions/${sub.id}/resume`)
      .set(auth(h))
      .expect(200);
    expect(resumed.body.cancel_at_period_end).toBe(false);
    advance(h, sub.current_period_end - h.sandbox.now() + 60);
    await sync(sub);
    const renewed = await retrieve(sub.id);
    expect(renewed.status).toBe('active');
    expect(renewed.current_period_start).toBe(sub.current_period_end);
    await expectOrderIndependent(sub);
  });

  test('When canceled at period end and the period ends, then it is canceled without access', async () => {
    const sub = await subscribe({ payment_method: 'pm_card_visa' });
    await h.http
      .post(`/v1/subscriptions/${sub.id}/cancel`)
      .set(auth(h))
      .send({ at_period_end: true })
      .expect(200);
    advance(h, sub.current_period_end - h.sandbox.now() + 60);
    await sync(sub);
    expect((await retrieve(sub.id)).status).toBe('canceled');
    expect((await accessOf(sub)).has_access).toBe(false);
    await expectOrderIndependent(sub);
  });

  test('When canceled now, then access ends at once and it cannot be resumed', async () => {
    const sub = await subscribe({ payment_method: 'pm_card_visa' });
    const res = await h.http
      .post(`/v1/subscriptions/${sub.id}/cancel`)
      .set(auth(h))
      .send({})
      .expect(200);
    expect(res.body.status).toBe('canceled');
    await sync(sub);
    expect((await accessOf(sub)).has_access).toBe(false);
    await h.http.post(`/v1/subscriptions/${sub.id}/resume`).set(auth(h)).expect(409);
  });

  test('When resume is asked of a subscription not set to cancel, then 409', async () => {
    const sub = await subscribe({ payment_method: 'pm_card_visa' });
    const res = await h.http.post(`/v1/subscriptions/${sub.id}/resume`).set(auth(h)).expect(409);
    expect(res.body.error.code).toBe('subscription_not_canceling');
  });
});

describe('GET /v1/subscriptions', () => {
  test('When listing by customer, then only that customer’s subscriptions come back', async () => {
    const sub = await subscribe({ payment_method: 'pm_card_visa' });
    const row = await Subscription.findByPk(sub.id);
    const res = await h.http
      .get(`/v1/subscriptions?customer=${row!.customerId}`)
      .set(auth(h))
      .expect(200);
    expect(res.body.data.map((s: { id: string }) => s.id)).toEqual([sub.id]);
  });

  test('When another storefront asks for a subscription, then 404', async () => {
    const sub = await subscribe({ payment_method: 'pm_card_visa' });
    const other = await new ApiKeyService(h.ctx.sequelize).create({
      name: 'other',
      scopes: STOREFRONT_SCOPES,
    });
    await h.http
      .get(`/v1/subscriptions/${sub.id}`)
      .set({ authorization: `Bearer ${other.key}` })
      .expect(404);
  });
});

describe('pause and resume collection', () => {
  test('When collection is paused, then the renewal is voided; resumed, the next one is paid', async () => {
    const sub = await subscribe({ payment_method: 'pm_card_visa' });
    const paused = await h.http
      .post(`/v1/subscriptions/${sub.id}/pause-collection`)
      .set(auth(h))
      .send({ behavior: 'void' })
      .expect(200);
    expect(paused.body.pause_collection).toEqual({ behavior: 'void', resumes_at: null });
    expect(paused.body.status).toBe('active');

    advance(h, sub.current_period_end - h.sandbox.now() + 60);
    const row = (await Subscription.findByPk(sub.id))!;
    const voided = await h.stripe.invoices.list({ subscription: row.stripeSubscriptionId });
    expect(voided.data[0]).toMatchObject({ status: 'void', billing_reason: 'subscription_cycle' });

    const resumed = await h.http
      .post(`/v1/subscriptions/${sub.id}/resume-collection`)
      .set(auth(h))
      .expect(200);
    expect(resumed.body.pause_collection).toBeNull();
    await sync(sub);
    const current = await retrieve(sub.id);
    advance(h, current.current_period_end - h.sandbox.now() + 60);
    const invoices = await h.stripe.invoices.list({ subscription: row.stripeSubscriptionId });
    expect(invoices.data[0]).toMatchObject({ status: 'paid', amount_paid: 1500 });
    await expectOrderIndependent(sub);
  });

  test('When collection is not paused, then resume-collection is 409', async () => {
    const sub = await subscribe({ payment_method: 'pm_card_visa' });
    const res = await h.http
      .post(`/v1/subscriptions/${sub.id}/resume-collection`)
      .set(auth(h))
      .expect(409);
    expect(res.body.error.code).toBe('collection_not_paused');
  });

  test('When resumes_at is in the past, then 400 naming it', async () => {
    const sub = await subscribe({ payment_method: 'pm_card_visa' });
    const res = await h.http
      .post(`/v1/subscriptions/${sub.id}/pause-collection`)
      .set(auth(h))
      .send({ behavior: 'void', resumes_at: 1_000_000_000 })
      .expect(400);
    expect(res.body.error.details[0].field).toBe('resumes_at');
  });
});
