import type Stripe from 'stripe';
import type { Harness } from './sandbox-harness';

/** SDK type name for each Stripe object kind the sandbox returns. */
export const SDK_TYPES: Record<string, string> = {
  account: 'Stripe.Account',
  account_link: 'Stripe.AccountLink',
  application_fee: 'Stripe.ApplicationFee',
  balance: 'Stripe.Balance',
  balance_transaction: 'Stripe.BalanceTransaction',
  charge: 'Stripe.Charge',
  customer: 'Stripe.Customer',
  deleted_customer: 'Stripe.DeletedCustomer',
  deleted_product: 'Stripe.DeletedProduct',
  deleted_webhook_endpoint: 'Stripe.DeletedWebhookEndpoint',
  dispute: 'Stripe.Dispute',
  event: 'Stripe.Event',
  invoice: 'Stripe.Invoice',
  invoiceitem: 'Stripe.InvoiceItem',
  line_item: 'Stripe.InvoiceLineItem',
  payment_intent: 'Stripe.PaymentIntent',
  payment_method: 'Stripe.PaymentMethod',
  price: 'Stripe.Price',
  product: 'Stripe.Product',
  refund: 'Stripe.Refund',
  subscription: 'Stripe.Subscription',
  subscription_item: 'Stripe.SubscriptionItem',
  transfer: 'Stripe.Transfer',
  webhook_endpoint: 'Stripe.WebhookEndpoint',
};

function plain<T>(value: T): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

/** One object of every kind, as JSON the sandbox answered, in several states where it matters. */
export async function collectSamples(
  h: Harness,
): Promise<Array<[string, Record<string, unknown>]>> {
  const s = h.stripe;
  const out: Array<[string, Record<string, unknown>]> = [];
  const add = (kind: string, obj: unknown) => out.push([kind, plain(obj)]);

  const account = await s.accounts.create({ type: 'express', email: 'seller@example.com' });
  add('account', account);
  add(
    'account_link',
    await s.accountLinks.create({
      account: account.id,
      type: 'account_onboarding',
      refresh_url: 'https://example.com/r',
      return_url: 'https://example.com/ok',
    }),
  );
  add('account', h.sandbox.completeOnboarding(account.id));

  const customer = await s.customers.create({ email: 'f@example.com', name: 'Fidelity' });
  add('customer', customer);
  const pm = await s.paymentMethods.attach('pm_card_visa', { customer: customer.id });
  add('payment_method', pm);
  add(
    'customer',
    await s.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } }),
  );

  const challenged = await s.paymentIntents.create({
    amount: 1000,
    currency: 'usd',
    payment_method: 'pm_card_authenticationRequired',
    confirm: true,
  });
  h.sandbox.completeThreeDSecure(challenged.id, 'pass');
  add(
    'charge',
    await s.charges.retrieve(
      (await s.paymentIntents.retrieve(challenged.id)).latest_charge as string,
    ),
  );
  add('payment_intent', await s.paymentIntents.create({ amount: 1000, currency: 'usd' }));
  const paid = await s.paymentIntents.create({
    amount: 5000,
    currency: 'usd',
    customer: customer.id,
    payment_method: pm.id,
    confirm: true,
    application_fee_amount: 300,
    transfer_data: { destination: account.id },
  });
  add('payment_intent', paid);
  const charge = await s.charges.retrieve(paid.latest_charge as string);
  add('charge', charge);
  add(
    'balance_transaction',
    await s.balanceTransactions.retrieve(charge.balance_transaction as string),
  );
  add('application_fee', await s.applicationFees.retrieve(charge.application_fee as string));
  add('transfer', (await s.transfers.list({ destination: account.id })).data[0]);
  add('refund', await s.refunds.create({ payment_intent: paid.id, amount: 100 }));
  add('charge', await s.charges.retrieve(charge.id));
  add(
    'payment_intent',
    await s.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      payment_method: 'pm_card_threeDSecure2Required',
      confirm: true,
    }),
  );
  const declined = (await s.paymentIntents
    .create({
      amount: 1000,
      currency: 'usd',
      payment_method: 'pm_card_chargeDeclined',
      confirm: true,
    })
    .catch((e: Stripe.errors.StripeCardError) => e.raw)) as {
    payment_intent: Stripe.PaymentIntent;
  };
  add('payment_intent', declined.payment_intent);
  add('charge', await s.charges.retrieve(declined.payment_intent.latest_charge as string));

  const disputed = await s.paymentIntents.create({
    amount: 2000,
    currency: 'usd',
    payment_method: 'pm_card_createDispute',
    confirm: true,
  });
  add('dispute', (await s.disputes.list({ payment_intent: disputed.id })).data[0]);

  const product = await s.products.create({ name: 'Fidelity plan' });
  add('product', product);
  const price = await s.prices.create({
    product: product.id,
    unit_amount: 1500,
    currency: 'usd',
    recurring: { interval: 'month' },
  });
  add('price', price);
  add('price', await s.prices.create({ product: product.id, unit_amount: 700, currency: 'usd' }));
  const sub = await s.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
  add('subscription', sub);
  add('subscription_item', sub.items.data[0]);
  const invoice = await s.invoices.retrieve(sub.latest_invoice as string);
  add('invoice', invoice);
  add('line_item', invoice.lines.data[0]);
  add(
    'invoiceitem',
    await s.invoiceItems.create({ customer: customer.id, amount: 500, currency: 'usd' }),
  );
  add(
    'subscription',
    await s.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      trial_period_days: 10,
    }),
  );

  const endpoint = await s.webhookEndpoints.create({
    url: 'https://example.com/hook',
    enabled_events: ['*'],
  });
  add('webhook_endpoint', endpoint);
  add('event', (await s.events.list({ limit: 1 })).data[0]);
  add('event', (await s.events.list({ type: 'customer.updated', limit: 1 })).data[0]);
  add('balance', await s.balance.retrieve());

  const gone = await s.customers.create({});
  add('deleted_customer', await s.customers.del(gone.id));
  const lone = await s.products.create({ name: 'Gone' });
  add('deleted_product', await s.products.del(lone.id));
  add('deleted_webhook_endpoint', await s.webhookEndpoints.del(endpoint.id));
  return out;
}
