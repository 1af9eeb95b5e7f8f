import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { Subscription, SubscriptionInvoice } from '../../../src/models';
import {
  subscriptionEventHandlers,
  type BillingEventContext,
} from '../../../src/services/subscriptions/subscription-event-handlers';
import { startTestApp, type TestContext } from '../../support/test-app';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await startTestApp();
});
afterAll(() => ctx.close());

const T = 1_900_000_000;

function subscriptionObject(id: string, customer: string, status: string) {
  return {
    id,
    object: 'subscription',
    customer,
    status,
    cancel_at_period_end: false,
    items: {
      data: [
        {
          price: { id: 'price_x', currency: 'usd', unit_amount: 1500 },
          quantity: 1,
          current_period_start: T,
          current_period_end: T + 30 * 86400,
        },
      ],
    },
    metadata: {},
  };
}

function invoiceObject(sub: string, customer: string, fields: Record<string, unknown>) {
  return {
    id: `in_${sub}`,
    object: 'invoice',
    customer,
    currency: 'usd',
    amount_due: 1500,
    amount_paid: 0,
    amount_remaining: 1500,
    billing_reason: 'subscription_cycle',
    parent: { type: 'subscription_details', subscription_details: { subscription: sub } },
    created: T,
    ...fields,
  };
}

let seq = 0;
function event(type: string, object: Record<string, unknown>, created: number) {
  seq += 1;
  return { id: `evt_${seq}_${randomUUID()}`, type, created, data: { object } };
}

async function apply(events: ReturnType<typeof event>[]) {
  for (const e of events) {
    await ctx.sequelize.transaction((transaction) =>
      subscriptionEventHandlers[e.type]!({
        sequelize: ctx.sequelize,
        transaction,
        event: e as BillingEventContext['event'],
        at: e.created,
      }),
    );
  }
}

function story() {
  const sub = `sub_${randomUUID().slice(0, 8)}`;
  const customer = `cus_${randomUUID().slice(0, 8)}`;
  const open = { status: 'open', attempt_count: 1, next_payment_attempt: T + 3 * 86400 };
  const events = [
    event('customer.subscription.updated', subscriptionObject(sub, customer, 'past_due'), T),
    event('invoice.payment_action_required', invoiceObject(sub, customer, open), T),
    event('invoice.payment_failed', invoiceObject(sub, customer, open), T),
    event(
      'invoice.paid',
      invoiceObject(sub, customer, {
        status: 'paid',
        attempt_count: 2,
        amount_paid: 1500,
        amount_remaining: 0,
        next_payment_attempt: null,
      }),
      T + 60,
    ),
    event('customer.subscription.updated', subscriptionObject(sub, customer, 'active'), T + 60),
  ];
  return { sub, events };
}

async function notifications(sub: string): Promise<string[]> {
  const row = await Subscription.findOne({ where: { stripeSubscriptionId: sub } });
  const rows = await ctx.sequelize.query<{ type: string }>(
    'SELECT type FROM notifications WHERE object_id = $1 ORDER BY type',
    { bind: [row!.id], type: QueryTypes.SELECT },
  );
  return rows.map((r) => r.type);
}

describe('invoice events', () => {
  test('When a renewal needs authentication, then dunning shows it and the storefront is told', async () => {
    const { sub, events } = story();
    await apply(events.slice(0, 3));
    const invoice = (await SubscriptionInvoice.findByPk(`in_${sub}`))!;
    expect(invoice).toMatchObject({ status: 'open', attemptCount: 1, actionRequired: true });
    expect(await notifications(sub)).toEqual([
      'subscription.payment_action_required',
      'subscription.payment_failed',
    ]);
    await apply(events.slice(3));
    const paid = (await SubscriptionInvoice.findByPk(`in_${sub}`))!;
    expect(paid).toMatchObject({ status: 'paid', actionRequired: false, amountPaid: 1500 });
    expect((await Subscription.findOne({ where: { stripeSubscriptionId: sub } }))!.status).toBe(
      'active',
    );
  });

  test('When the same events arrive reversed and twice, then the rows end the same', async () => {
    const { sub, events } = story();
    await apply([...events].reverse());
    await apply(events);
    const invoice = (await SubscriptionInvoice.findByPk(`in_${sub}`))!;
    expect(invoice).toMatchObject({ status: 'paid', attemptCount: 2, actionRequired: false });
    const row = (await Subscription.findOne({ where: { stripeSubscriptionId: sub } }))!;
    expect(row.status).toBe('active');
    // The failures arrived after the payment: nothing is left for the storefront to act on.
    expect(await notifications(sub)).toEqual([]);
  });

  test('When invoice.upcoming arrives, then the next charge is kept on the subscription', async () => {
    const { sub, events } = story();
    await apply([events[0]!]);
    const upcoming = invoiceObject(sub, 'cus_x', {
      id: undefined,
      amount_due: 3000,
      next_payment_attempt: T + 30 * 86400,
    });
    await apply([event('invoice.upcoming', upcoming, T + 27 * 86400)]);
    const row = (await Subscription.findOne({ where: { stripeSubscriptionId: sub } }))!;
    expect(row.upcomingInvoice).toEqual({ amount_due: 3000, currency: 'usd', at: T + 30 * 86400 });
  });
});
