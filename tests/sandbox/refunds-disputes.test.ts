import Stripe from 'stripe';
import { startHarness, stripeError, waitFor, type Harness } from './sandbox-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ refundFailDelayMs: 10 });
});
afterAll(() => h.sandbox.close());

async function paid(pm = 'pm_card_visa', amount = 2000) {
  return h.stripe.paymentIntents.create({
    amount,
    currency: 'usd',
    payment_method: pm,
    confirm: true,
  });
}

describe('refunds', () => {
  test('When refunded in parts, then never more than what remains', async () => {
    const pi = await paid();
    const a = await h.stripe.refunds.create({
      payment_intent: pi.id,
      amount: 500,
      reason: 'requested_by_customer',
    });
    expect(a).toMatchObject({ status: 'succeeded', amount: 500, reason: 'requested_by_customer' });
    const b = await h.stripe.refunds.create({ charge: pi.latest_charge as string, amount: 1500 });
    expect(b.amount).toBe(1500);
    const charge = await h.stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge.amount_refunded).toBe(2000);
    expect(charge.refunded).toBe(true);
    const again = await stripeError(h.stripe.refunds.create({ payment_intent: pi.id, amount: 1 }));
    expect(again.code).toBe('charge_already_refunded');
    const listed = await h.stripe.refunds.list({ payment_intent: pi.id });
    expect(listed.data.map((r) => r.id)).toEqual([b.id, a.id]);
  });

  test('When the amount exceeds the remainder, then 400 amount_too_large and nothing changes', async () => {
    const pi = await paid();
    await h.stripe.refunds.create({ payment_intent: pi.id, amount: 1000 });
    const err = await stripeError(h.stripe.refunds.create({ payment_intent: pi.id, amount: 1001 }));
    expect(err.code).toBe('amount_too_large');
    expect(err.param).toBe('amount');
    const charge = await h.stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge.amount_refunded).toBe(1000);
  });

  test('When nothing names the charge, then 400; when it is not captured, then refused', async () => {
    const none = await stripeError(h.stripe.refunds.create({}));
    expect(none.statusCode).toBe(400);
    const auth = await h.stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
      capture_method: 'manual',
    });
    const err = await stripeError(
      h.stripe.refunds.create({ charge: auth.latest_charge as string }),
    );
    expect(err.statusCode).toBe(400);
  });

  test('When the card is pm_card_refundFail, then the refund fails later and money returns', async () => {
    const pi = await paid('pm_card_refundFail');
    const refund = await h.stripe.refunds.create({ payment_intent: pi.id });
    expect(refund.status).toBe('succeeded');
    const failed = await waitFor(async () => {
      const r = await h.stripe.refunds.retrieve(refund.id);
      return r.status === 'failed' ? r : null;
    });
    expect(failed.failure_reason).toBe('expired_or_canceled_card');
    const charge = await h.stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge.amount_refunded).toBe(0);
    const events = await h.stripe.events.list({ type: 'refund.failed' });
    expect(events.data.some((e) => (e.data.object as Stripe.Refund).id === refund.id)).toBe(true);
  });
});

describe('disputes', () => {
  test('When pm_card_createDispute is charged, then a dispute opens; closing it won emits closed', async () => {
    const pi = await paid('pm_card_createDispute');
    const disputes = await h.stripe.disputes.list({ payment_intent: pi.id });
    expect(disputes.data).toHaveLength(1);
    const dispute = disputes.data[0];
    expect(dispute).toMatchObject({ status: 'needs_response', reason: 'fraudulent', amount: 2000 });
    const charge = await h.stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge.disputed).toBe(true);
    const refund = await stripeError(h.stripe.refunds.create({ payment_intent: pi.id }));
    expect(refund.code).toBe('charge_disputed');
    const res = await fetch(`${h.sandbox.url}/_sandbox/disputes/${dispute.id}/close`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ outcome: 'won' }),
    });
    expect(res.status).toBe(200);
    const closed = await h.stripe.disputes.retrieve(dispute.id);
    expect(closed.status).toBe('won');
    const events = await h.stripe.events.list({ type: 'charge.dispute.closed' });
    expect(events.data.some((e) => (e.data.object as Stripe.Dispute).id === dispute.id)).toBe(true);
    const twice = await fetch(`${h.sandbox.url}/_sandbox/disputes/${dispute.id}/close`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ outcome: 'lost' }),
    });
    expect(twice.status).toBe(400);
  });

  test('When the merchant accepts a dispute, then it is lost', async () => {
    const pi = await paid('pm_card_createDispute');
    const [dispute] = (await h.stripe.disputes.list({ payment_intent: pi.id })).data;
    const closed = await h.stripe.disputes.close(dispute.id);
    expect(closed.status).toBe('lost');
  });
});
