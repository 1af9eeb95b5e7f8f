import fs from 'node:fs';
import path from 'node:path';
import {
  isNewer,
  readSubscription,
  subscriptionRank,
} from '../../../src/services/subscriptions/subscription-snapshot';
import { invoiceRank, readInvoice } from '../../../src/services/subscriptions/invoice-snapshot';

const fixture = (name: string) =>
  JSON.parse(
    fs.readFileSync(path.join(__dirname, '../../fixtures/stripe-events', name), 'utf8'),
  ) as { data: { object: Record<string, unknown> } };

describe('readSubscription', () => {
  test('When the period is on the subscription (older API versions), then it is read there', () => {
    const snapshot = readSubscription(fixture('subscription_updated.json').data.object);
    expect(snapshot).toMatchObject({
      stripeSubscriptionId: 'sub_JLEPMp81LApOJl',
      stripeCustomerId: 'cus_IhGfebO16cMIGN',
      status: 'active',
      stripePriceId: 'price_1IDQm5JDPojXS6LNM31hxKzp',
      quantity: 1,
      currentPeriodStart: 1618980344,
      currentPeriodEnd: 1621572344,
      cancelAtPeriodEnd: false,
      latestInvoiceId: 'in_1IiXwaJDPojXS6LNS53YqhSE',
    });
  });

  test('When the period is on the item (current API versions), then the item wins', () => {
    const object = {
      id: 'sub_1',
      customer: { id: 'cus_1' },
      status: 'trialing',
      items: {
        data: [
          {
            price: { id: 'price_1', currency: 'eur', unit_amount: 1500 },
            quantity: 3,
            current_period_start: 100,
            current_period_end: 200,
          },
        ],
      },
      pause_collection: { behavior: 'void', resumes_at: null },
    };
    expect(readSubscription(object)).toMatchObject({
      stripeCustomerId: 'cus_1',
      status: 'trialing',
      stripePriceId: 'price_1',
      currency: 'eur',
      unitAmount: 1500,
      quantity: 3,
      currentPeriodStart: 100,
      currentPeriodEnd: 200,
      pauseCollection: { behavior: 'void', resumes_at: null },
    });
  });
});

describe('ordering', () => {
  const base = readSubscription(fixture('subscription_updated.json').data.object);

  test('When a later second arrives, then it applies whatever its status', () => {
    expect(isNewer({ stripeEventAt: 10, stripeRank: 99 }, { at: 11, rank: 0 })).toBe(true);
    expect(isNewer({ stripeEventAt: 11, stripeRank: 0 }, { at: 10, rank: 99 })).toBe(false);
  });

  test('When two states share a second, then the one further along its life wins', () => {
    const incomplete = subscriptionRank({ ...base, status: 'incomplete' });
    const active = subscriptionRank({ ...base, status: 'active' });
    const pastDue = subscriptionRank({ ...base, status: 'past_due' });
    expect(active).toBeGreaterThan(incomplete);
    expect(pastDue).toBeGreaterThan(active);
    expect(isNewer({ stripeEventAt: 5, stripeRank: active }, { at: 5, rank: incomplete })).toBe(
      false,
    );
  });

  test('When a renewal starts a new period in the same second, then the new period wins', () => {
    const oldPastDue = subscriptionRank({ ...base, status: 'past_due' });
    const renewed = subscriptionRank({
      ...base,
      status: 'active',
      currentPeriodStart: base.currentPeriodStart! + 30 * 86400,
    });
    expect(renewed).toBeGreaterThan(oldPastDue);
  });

  test('When an invoice is paid, then it outranks its failed attempts', () => {
    const invoice = readInvoice(fixture('invoice_paid.json').data.object);
    const failed = invoiceRank({ ...invoice, status: 'open', attemptCount: 3 });
    expect(invoiceRank({ ...invoice, status: 'paid' })).toBeGreaterThan(failed);
    expect(failed).toBeGreaterThan(invoiceRank({ ...invoice, status: 'open', attemptCount: 1 }));
  });
});
