import Stripe from 'stripe';
import { cardError, startHarness, stripeError, type Harness } from './sandbox-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.sandbox.close());

describe('payment intents', () => {
  test('When confirmed with pm_card_visa, then it succeeds with a captured charge', async () => {
    const pi = await h.stripe.paymentIntents.create({
      amount: 2000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
      expand: ['latest_charge.balance_transaction'],
    });
    const charge = pi.latest_charge as Stripe.Charge;
    expect(pi.status).toBe('succeeded');
    expect(pi.amount_received).toBe(2000);
    expect(pi.payment_method).toMatch(/^pm_/);
    expect(charge.captured).toBe(true);
    expect(charge.outcome?.risk_level).toBe('normal');
    expect(charge.payment_method_details?.card?.last4).toBe('4242');
    const txn = charge.balance_transaction as Stripe.BalanceTransaction;
    expect(txn.amount).toBe(2000);
    expect(txn.fee).toBe(88);
    expect(txn.net).toBe(1912);
  });

  test('When created without confirm, then it walks the state machine to succeeded', async () => {
    const pi = await h.stripe.paymentIntents.create({ amount: 1500, currency: 'eur' });
    expect(pi.status).toBe('requires_payment_method');
    expect(pi.client_secret).toMatch(new RegExp(`^${pi.id}_secret_`));
    const updated = await h.stripe.paymentIntents.update(pi.id, {
      payment_method: 'pm_card_mastercard',
    });
    expect(updated.status).toBe('requires_confirmation');
    const confirmed = await h.stripe.paymentIntents.confirm(pi.id);
    expect(confirmed.status).toBe('succeeded');
    const again = await stripeError(h.stripe.paymentIntents.confirm(pi.id));
    expect(again.code).toBe('payment_intent_unexpected_state');
  });

  test.each([
    ['pm_card_chargeDeclined', 'card_declined', 'generic_decline'],
    ['pm_card_chargeDeclinedInsufficientFunds', 'card_declined', 'insufficient_funds'],
    ['pm_card_chargeDeclinedFraudulent', 'card_declined', 'fraudulent'],
    ['pm_card_chargeDeclinedExpiredCard', 'expired_card', 'expired_card'],
    ['pm_card_chargeDeclinedIncorrectCvc', 'incorrect_cvc', 'incorrect_cvc'],
    ['pm_card_chargeCustomerFail', 'card_declined', 'generic_decline'],
    ['pm_card_riskLevelHighest', 'card_declined', 'fraudulent'],
  ])('When %s is charged, then a 402 card error carries %s / %s', async (pm, code, decline) => {
    const err = await cardError(
      h.stripe.paymentIntents.create({
        amount: 1000,
        currency: 'usd',
        payment_method: pm,
        confirm: true,
      }),
    );
    expect(err.statusCode).toBe(402);
    expect(err.code).toBe(code);
    expect(err.decline_code).toBe(decline);
    const raw = err.raw as { payment_intent: Stripe.PaymentIntent; charge: string };
    const pi = await h.stripe.paymentIntents.retrieve(raw.payment_intent.id);
    expect(pi.status).toBe('requires_payment_method');
    expect(pi.last_payment_error?.code).toBe(code);
    expect(pi.last_payment_error?.decline_code).toBe(decline);
    const charge = await h.stripe.charges.retrieve(raw.charge);
    expect(charge.status).toBe('failed');
    expect(charge.failure_code).toBe(code);
  });

  test('When the risk is elevated, then the charge succeeds with risk_level elevated', async () => {
    const pi = await h.stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      payment_method: 'pm_card_riskLevelElevated',
      confirm: true,
      expand: ['latest_charge'],
    });
    expect((pi.latest_charge as Stripe.Charge).outcome?.risk_level).toBe('elevated');
  });

  test.each(['pm_card_threeDSecure2Required', 'pm_card_authenticationRequired'])(
    'When %s passes 3-D Secure, then it succeeds; when it fails, it needs a new method',
    async (pm) => {
      const a = await h.stripe.paymentIntents.create({
        amount: 1000,
        currency: 'usd',
        payment_method: pm,
        confirm: true,
      });
      expect(a.status).toBe('requires_action');
      expect(a.next_action?.type).toBe('use_stripe_sdk');
      expect(h.sandbox.completeThreeDSecure(a.id, 'pass').status).toBe('succeeded');
      const charge = await h.stripe.charges.retrieve(
        (await h.stripe.paymentIntents.retrieve(a.id)).latest_charge as string,
      );
      expect(charge.payment_method_details?.card?.three_d_secure?.result).toBe('authenticated');
      const b = await h.stripe.paymentIntents.create({
        amount: 1000,
        currency: 'usd',
        payment_method: pm,
        confirm: true,
      });
      const res = await fetch(`${h.sandbox.url}/_sandbox/payment_intents/${b.id}/three_d_secure`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ outcome: 'fail' }),
      });
      expect(res.status).toBe(200);
      const failed = await h.stripe.paymentIntents.retrieve(b.id);
      expect(failed.status).toBe('requires_payment_method');
      expect(failed.last_payment_error?.code).toBe('payment_intent_authentication_failure');
      expect(failed.latest_charge).toBeNull();
    },
  );

  test('When 3-D Secure is required off-session, then it declines with authentication_required', async () => {
    const err = await cardError(
      h.stripe.paymentIntents.create({
        amount: 1000,
        currency: 'usd',
        payment_method: 'pm_card_authenticationRequired',
        confirm: true,
        off_session: true,
      }),
    );
    expect(err.code).toBe('authentication_required');
  });

  test('When captured manually for less, then only that is received and refundable', async () => {
    const pi = await h.stripe.paymentIntents.create({
      amount: 5000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      capture_method: 'manual',
      confirm: true,
    });
    expect(pi.status).toBe('requires_capture');
    expect(pi.amount_capturable).toBe(5000);
    const tooMuch = await stripeError(
      h.stripe.paymentIntents.capture(pi.id, { amount_to_capture: 6000 }),
    );
    expect(tooMuch.code).toBe('amount_too_large');
    const captured = await h.stripe.paymentIntents.capture(pi.id, { amount_to_capture: 3000 });
    expect(captured.status).toBe('succeeded');
    expect(captured.amount_received).toBe(3000);
    expect(captured.amount_capturable).toBe(0);
    const charge = await h.stripe.charges.retrieve(captured.latest_charge as string);
    expect(charge.amount_captured).toBe(3000);
    const over = await stripeError(
      h.stripe.refunds.create({ payment_intent: pi.id, amount: 3001 }),
    );
    expect(over.code).toBe('amount_too_large');
    const refund = await h.stripe.refunds.create({ payment_intent: pi.id });
    expect(refund.amount).toBe(3000);
  });

  test('When canceled, then an authorization is released; a succeeded one cannot be', async () => {
    const pi = await h.stripe.paymentIntents.create({
      amount: 5000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      capture_method: 'manual',
      confirm: true,
    });
    const canceled = await h.stripe.paymentIntents.cancel(pi.id, {
      cancellation_reason: 'abandoned',
    });
    expect(canceled.status).toBe('canceled');
    expect(canceled.cancellation_reason).toBe('abandoned');
    const charge = await h.stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge.refunded).toBe(true);
    const done = await h.stripe.paymentIntents.create({
      amount: 900,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    const err = await stripeError(h.stripe.paymentIntents.cancel(done.id));
    expect(err.code).toBe('payment_intent_unexpected_state');
  });

  test('When confirming with no payment method, then a 400 names payment_method', async () => {
    const pi = await h.stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    const err = await stripeError(h.stripe.paymentIntents.confirm(pi.id));
    expect(err.statusCode).toBe(400);
    expect(err.param).toBe('payment_method');
  });
});

describe('amount rules', () => {
  test.each([
    [49, 'usd', 'amount_too_small'],
    [100_000_000, 'usd', 'amount_too_large'],
    [29, 'gbp', 'amount_too_small'],
  ])('When amount %d %s, then %s', async (amount, currency, code) => {
    const err = await stripeError(h.stripe.paymentIntents.create({ amount, currency }));
    expect(err.code).toBe(code);
    expect(err.param).toBe('amount');
  });

  test('When the currency is zero-decimal, then the amount is whole yen', async () => {
    const pi = await h.stripe.paymentIntents.create({
      amount: 50,
      currency: 'jpy',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    expect(pi.amount_received).toBe(50);
    const err = await stripeError(h.stripe.paymentIntents.create({ amount: 49, currency: 'jpy' }));
    expect(err.message).toContain('50 jpy');
  });

  test('When the currency is unknown, then a 400 names currency', async () => {
    const err = await stripeError(
      h.stripe.paymentIntents.create({ amount: 1000, currency: 'xyz' }),
    );
    expect(err.param).toBe('currency');
  });
});
