import type Stripe from 'stripe';
import type { AppConfig } from '../config';
import { createStripeClient } from './client';
import { endpointFor } from './default-gateway';
import { mapStripeError } from './error-mapping';
import { stripeIdempotencyKey } from './idempotency-keys';
import type { IdempotencyScope } from './stripe-gateway';

/** A catalogue price as config/catalog.json defines it. */
export interface CatalogPriceSpec {
  lookupKey: string;
  nickname: string | null;
  currency: string;
  unitAmount: number;
  interval: 'day' | 'week' | 'month' | 'year';
  intervalCount: number;
  trialPeriodDays: number | null;
}

export interface NewSubscription {
  stripeCustomerId: string;
  stripePriceId: string;
  quantity: number;
  /** Set as the subscription's default payment method (already attached). */
  paymentMethod?: string;
  trialEnd?: number;
  metadata: Record<string, string>;
}

export type ProrationBehavior = 'create_prorations' | 'none' | 'always_invoice';

export interface ItemChange {
  stripePriceId: string;
  quantity: number;
  prorationBehavior: ProrationBehavior;
  /** The second prorations are computed at, so a preview and the change it previews agree. */
  prorationDate?: number;
}

const EXPAND_INVOICE = ['latest_invoice'];

/**
 * Every Stripe Billing call the subscriptions domain makes: the catalogue, subscriptions and
 * invoice previews. Creating calls carry an idempotency key derived from the storefront's (or,
 * for the catalogue, from the definition itself); errors leave here mapped to AppError.
 */
export class BillingGateway {
  constructor(private readonly stripe: Stripe) {}

  private async call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw mapStripeError(err, operation);
    }
  }

  private key(scope: IdempotencyScope, operation: string): { idempotencyKey: string } {
    return { idempotencyKey: stripeIdempotencyKey({ ...scope, operation }) };
  }

  /** The catalogue product with our own id, created when Stripe does not have it yet. */
  async ensureProduct(id: string, name: string): Promise<Stripe.Product> {
    const found = await this.call('products.retrieve', () =>
      this.stripe.products.retrieve(id).catch((err: { code?: string; statusCode?: number }) => {
        if (err.statusCode === 404 || err.code === 'resource_missing') return null;
        throw err;
      }),
    );
    if (found && !('deleted' in found && found.deleted)) {
      if (found.name === name && found.active) return found;
      return this.call('products.update', () =>
        this.stripe.products.update(id, { name, active: true }),
      );
    }
    return this.call('products.create', () =>
      this.stripe.products.create({ id, name }, { idempotencyKey: `catalog-product-${id}` }),
    );
  }

  findPriceByLookupKey(lookupKey: string): Promise<Stripe.Price | undefined> {
    return this.call('prices.list', async () => {
      const list = await this.stripe.prices.list({ lookup_keys: [lookupKey], limit: 1 });
      return list.data[0];
    });
  }

  /**
   * A new price carrying the lookup key (moved from any older price that had it). The
   * idempotency key is the definition itself, so a crash and rerun reuses the same price.
   */
  createPrice(productId: string, spec: CatalogPriceSpec, definitionHash: string) {
    return this.call('prices.create', () =>
      this.stripe.prices.create(
        {
          product: productId,
          currency: spec.currency,
          unit_amount: spec.unitAmount,
          nickname: spec.nickname ?? undefined,
          lookup_key: spec.lookupKey,
          transfer_lookup_key: true,
          recurring: {
            interval: spec.interval,
            interval_count: spec.intervalCount,
            trial_period_days: spec.trialPeriodDays ?? undefined,
          },
        },
        { idempotencyKey: `catalog-price-${definitionHash}` },
      ),
    );
  }

  archivePrice(priceId: string): Promise<Stripe.Price> {
    return this.call('prices.update', () => this.stripe.prices.update(priceId, { active: false }));
  }

  attachPaymentMethod(paymentMethod: string, customer: string, scope: IdempotencyScope) {
    return this.call('payment_methods.attach', () =>
      this.stripe.paymentMethods.attach(
        paymentMethod,
        { customer },
        this.key(scope, 'subscription-attach'),
      ),
    );
  }

  setDefaultPaymentMethod(customer: string, paymentMethod: string): Promise<Stripe.Customer> {
    return this.call('customers.update', () =>
      this.stripe.customers.update(customer, {
        invoice_settings: { default_payment_method: paymentMethod },
      }),
    );
  }

  /**
   * Creates a subscription with `default_incomplete`: Stripe finalizes the first invoice but
   * does not try to pay it, so the caller decides how (and whether 3-D Secure is needed).
   */
  createSubscription(
    input: NewSubscription,
    scope: IdempotencyScope,
  ): Promise<Stripe.Subscription> {
    return this.call('subscriptions.create', () =>
      this.stripe.subscriptions.create(
        {
          customer: input.stripeCustomerId,
          items: [{ price: input.stripePriceId, quantity: input.quantity }],
          payment_behavior: 'default_incomplete',
          payment_settings: { save_default_payment_method: 'on_subscription' },
          default_payment_method: input.paymentMethod,
          trial_end: input.trialEnd,
          metadata: input.metadata,
          expand: EXPAND_INVOICE,
        },
        this.key(scope, 'subscription-create'),
      ),
    );
  }

  retrieveSubscription(id: string): Promise<Stripe.Subscription> {
    return this.call('subscriptions.retrieve', () =>
      this.stripe.subscriptions.retrieve(id, { expand: EXPAND_INVOICE }),
    );
  }

  /**
   * The payment intent collecting an invoice. Current API versions list it among the invoice's
   * payments; older ones (and the sandbox) name it in `payment_intent`.
   */
  async invoicePaymentIntent(invoice: Stripe.Invoice): Promise<Stripe.PaymentIntent | null> {
    const legacy = (invoice as { payment_intent?: string | { id: string } | null }).payment_intent;
    let id = typeof legacy === 'string' ? legacy : (legacy?.id ?? null);
    if (!id && invoice.id) {
      const payments = await this.call('invoice_payments.list', () =>
        this.stripe.invoicePayments.list({ invoice: invoice.id!, limit: 1 }),
      );
      const intent = payments.data[0]?.payment.payment_intent;
      id = typeof intent === 'string' ? intent : (intent?.id ?? null);
    }
    if (!id) return null;
    return this.call('payment_intents.retrieve', () => this.stripe.paymentIntents.retrieve(id));
  }

  /**
   * Confirms the payment intent of a first invoice with the customer's payment method. A card
   * that needs 3-D Secure leaves it `requires_action`; a decline leaves it
   * `requires_payment_method`. Both are answers, not errors: the subscription stays incomplete.
   */
  async confirmInvoicePayment(
    paymentIntentId: string,
    paymentMethod: string,
    scope: IdempotencyScope,
  ): Promise<Stripe.PaymentIntent> {
    try {
      return await this.stripe.paymentIntents.confirm(
        paymentIntentId,
        { payment_method: paymentMethod, expand: ['latest_charge'] },
        this.key(scope, 'subscription-first-payment'),
      );
    } catch (err) {
      const raw = err as { type?: string; payment_intent?: Stripe.PaymentIntent };
      const left = raw.payment_intent ?? (err as { raw?: typeof raw }).raw?.payment_intent;
      if (raw.type === 'StripeCardError' && left?.id) return left;
      throw mapStripeError(err, 'payment_intents.confirm');
    }
  }

  updateItem(
    subscription: Stripe.Subscription,
    change: ItemChange,
    scope?: IdempotencyScope,
  ): Promise<Stripe.Subscription> {
    const item = subscription.items.data[0]!;
    return this.call('subscriptions.update', () =>
      this.stripe.subscriptions.update(
        subscription.id,
        {
          items: [{ id: item.id, price: change.stripePriceId, quantity: change.quantity }],
          proration_behavior: change.prorationBehavior,
          proration_date: change.prorationDate,
          expand: EXPAND_INVOICE,
        },
        scope ? this.key(scope, 'subscription-change') : undefined,
      ),
    );
  }

  /** What the change would invoice, computed by Stripe (nothing is created or charged). */
  previewChange(subscription: Stripe.Subscription, change: ItemChange): Promise<Stripe.Invoice> {
    const item = subscription.items.data[0]!;
    return this.call('invoices.create_preview', () =>
      this.stripe.invoices.createPreview({
        customer: typeof subscription.customer === 'string' ? subscription.customer : undefined,
        subscription: subscription.id,
        subscription_details: {
          items: [{ id: item.id, price: change.stripePriceId, quantity: change.quantity }],
          proration_behavior: change.prorationBehavior,
          proration_date: change.prorationDate,
        },
      }),
    );
  }

  update(id: string, params: Stripe.SubscriptionUpdateParams): Promise<Stripe.Subscription> {
    return this.call('subscriptions.update', () =>
      this.stripe.subscriptions.update(id, { ...params, expand: EXPAND_INVOICE }),
    );
  }

  cancelNow(id: string): Promise<Stripe.Subscription> {
    return this.call('subscriptions.cancel', () => this.stripe.subscriptions.cancel(id));
  }
}

/** The billing gateway for this configuration: Stripe with the key, else the sandbox. */
export function createBillingGateway(
  config: AppConfig,
  sandbox?: { host: string; port: number },
): BillingGateway {
  return new BillingGateway(createStripeClient(endpointFor(config, sandbox), config.stripe));
}

/** The billing gateway of a running process: Stripe, or the sandbox it started at `sandboxUrl`. */
export function billingGatewayFor(config: AppConfig, sandboxUrl: string | undefined) {
  const sandbox = sandboxUrl ? new URL(sandboxUrl) : undefined;
  return createBillingGateway(
    config,
    sandbox && { host: sandbox.hostname, port: Number(sandbox.port) },
  );
}
