import type Stripe from 'stripe';
import { Op, type Sequelize } from 'sequelize';
import { badRequest, conflict, notFound } from '../../errors/app-error';
import { Customer, Subscription, SubscriptionInvoice } from '../../models';
import type { BillingGateway, ItemChange, ProrationBehavior } from '../../stripe/billing-gateway';
import type { IdempotencyScope } from '../../stripe/stripe-gateway';
import { logger } from '../../utils/logger';
import { findPrice } from './catalog-service';
import { presentDunning, presentSubscription } from './subscription-presenter';
import { recordApiState } from './subscription-store';
import { readSubscription, type StripeFields } from './subscription-snapshot';
import { trialEndFor, type TrialInput } from './trial-rules';

/** Who asks: the storefront owning the objects, and its key for idempotency. */
export interface Caller {
  ownerId: string;
  scope?: IdempotencyScope;
}

export interface CreateSubscriptionInput extends TrialInput {
  customer: string;
  price: string;
  quantity?: number;
  payment_method?: string;
  metadata?: Record<string, string>;
}

/** What the first payment still needs, when the subscription is not active yet. */
export interface PendingPayment {
  payment_intent: string;
  status: string;
  /** For Stripe.js `confirmCardPayment`, when the customer must authenticate (3-D Secure). */
  client_secret: string | null;
  decline_code: string | null;
}

export interface ChangeInput {
  price?: string;
  quantity?: number;
  proration_behavior: ProrationBehavior;
  proration_date?: number;
}

/**
 * The subscription use cases. Stripe is called first and the local row written after, in a
 * short transaction; the row then follows Stripe's events. The service never computes or
 * charges an amount itself: prorations and invoices are Stripe's.
 */
export class SubscriptionService {
  constructor(
    private readonly sequelize: Sequelize,
    private readonly billing: BillingGateway,
    private readonly now: () => number,
  ) {}

  private async customerOf(caller: Caller, id: string): Promise<Customer> {
    const customer = await Customer.findOne({ where: { id, ownerId: caller.ownerId } });
    if (!customer || customer.deletedAt) {
      throw badRequest('resource_missing', 'No such customer.', [
        { field: 'customer', message: 'does not exist' },
      ]);
    }
    return customer;
  }

  private async activePrice(reference: string, field = 'price') {
    const price = await findPrice(reference);
    if (!price || !price.active) {
      throw badRequest('resource_missing', 'No such price in the catalogue.', [
        { field, message: 'is not a price on offer (see GET /v1/prices)' },
      ]);
    }
    return price;
  }

  async find(caller: Caller, id: string): Promise<Subscription> {
    const row = await Subscription.findOne({ where: { id, ownerId: caller.ownerId } });
    if (!row) throw notFound('No such subscription.');
    return row;
  }

  // Limitation: the list answers the newest 100 without pagination, because a storefront lists
  // one customer's few subscriptions; cursor pagination like the customers list would lift it.
  list(caller: Caller, customerId?: string): Promise<Subscription[]> {
    return Subscription.findAll({
      where: { ownerId: caller.ownerId, ...(customerId ? { customerId } : {}) },
      order: [
        ['createdAt', 'DESC'],
        ['id', 'DESC'],
      ],
      limit: 100,
    });
  }

  /** The newest unsettled invoice that failed or waits for the customer, if any. */
  dunningOf(row: Subscription): Promise<SubscriptionInvoice | null> {
    return SubscriptionInvoice.findOne({
      where: {
        stripeSubscriptionId: row.stripeSubscriptionId,
        status: ['open', 'uncollectible'],
        [Op.or]: [{ attemptCount: { [Op.gt]: 0 } }, { actionRequired: true }],
      },
      order: [
        ['stripeCreated', 'DESC'],
        ['stripeInvoiceId', 'DESC'],
      ],
    });
  }

  /** A subscription as answered to the storefront, with where its collection stands. */
  async view(row: Subscription): Promise<Record<string, unknown>> {
    return { ...presentSubscription(row), dunning: presentDunning(await this.dunningOf(row)) };
  }

  private async record(
    subscription: Stripe.Subscription,
    owner: { ownerId: string; customerId: string },
  ): Promise<Subscription> {
    const snapshot = readSubscription(subscription as unknown as StripeFields);
    return this.sequelize.transaction((transaction) =>
      recordApiState(snapshot, transaction, owner),
    );
  }

  /**
   * Creates a subscription. The first invoice is paid here with the given payment method; a
   * card needing 3-D Secure answers with the client secret, and the subscription becomes
   * active only when Stripe reports the payment (through its events).
   */
  async create(
    caller: Caller,
    input: CreateSubscriptionInput,
  ): Promise<{ row: Subscription; pendingPayment: PendingPayment | null }> {
    const customer = await this.customerOf(caller, input.customer);
    const price = await this.activePrice(input.price);
    const trialEnd = trialEndFor(input, this.now());
    const scope = caller.scope!;
    const paymentMethod = input.payment_method
      ? await this.attachAsDefault(customer, input.payment_method, scope)
      : undefined;
    let subscription = await this.billing.createSubscription(
      {
        stripeCustomerId: customer.stripeCustomerId,
        stripePriceId: price.stripePriceId,
        quantity: input.quantity ?? 1,
        paymentMethod,
        trialEnd,
        metadata: input.metadata ?? {},
      },
      scope,
    );
    const pendingPayment = await this.payFirstInvoice(subscription, paymentMethod, scope);
    if (pendingPayment?.status === 'succeeded' || pendingPayment === null) {
      subscription = await this.billing.retrieveSubscription(subscription.id);
    }
    const row = await this.record(subscription, {
      ownerId: caller.ownerId,
      customerId: customer.id,
    });
    logger.info('subscription created', {
      subscriptionId: row.id,
      stripeSubscriptionId: subscription.id,
      status: subscription.status,
    });
    return {
      row,
      pendingPayment: pendingPayment?.status === 'succeeded' ? null : pendingPayment,
    };
  }

  /**
   * Attaches the payment method and makes it the customer's default. Attaching a test token
   * (`pm_card_visa`) makes a new payment method, so the returned id is the one used after.
   */
  private async attachAsDefault(
    customer: Customer,
    paymentMethod: string,
    scope: IdempotencyScope,
  ): Promise<string> {
    const attached = await this.billing.attachPaymentMethod(
      paymentMethod,
      customer.stripeCustomerId,
      scope,
    );
    await this.billing.setDefaultPaymentMethod(customer.stripeCustomerId, attached.id);
    return attached.id;
  }

  private async payFirstInvoice(
    subscription: Stripe.Subscription,
    paymentMethod: string | undefined,
    scope: IdempotencyScope,
  ): Promise<PendingPayment | null> {
    const invoice = subscription.latest_invoice;
    if (subscription.status !== 'incomplete' || !invoice || typeof invoice === 'string') {
      return null;
    }
    let intent = await this.billing.invoicePaymentIntent(invoice);
    if (!intent) return null;
    if (paymentMethod && intent.status === 'requires_payment_method') {
      intent = await this.billing.confirmInvoicePayment(intent.id, paymentMethod, scope);
    }
    const secret = invoice.confirmation_secret?.client_secret ?? intent.client_secret;
    return {
      payment_intent: intent.id,
      status: intent.status,
      client_secret: intent.status === 'succeeded' ? null : secret,
      decline_code: intent.last_payment_error?.decline_code ?? null,
    };
  }

  private async itemChange(row: Subscription, input: ChangeInput): Promise<ItemChange> {
    const price = input.price ? await this.activePrice(input.price) : null;
    const stripePriceId = price?.stripePriceId ?? row.stripePriceId;
    if (!stripePriceId)
      throw conflict('subscription_not_ready', 'The subscription has no price yet.');
    if (!price && input.quantity === undefined) {
      throw badRequest('parameter_missing', 'Give a new price or quantity.', [
        { field: 'price', message: 'price or quantity is required' },
      ]);
    }
    return {
      stripePriceId,
      quantity: input.quantity ?? row.quantity,
      prorationBehavior: input.proration_behavior,
      prorationDate: input.proration_date,
    };
  }

  private assertChangeable(row: Subscription): void {
    if (['canceled', 'incomplete_expired'].includes(row.status)) {
      throw conflict('subscription_ended', `The subscription is ${row.status}.`);
    }
  }

  /** What Stripe would invoice for the change, without making it. */
  async previewChange(caller: Caller, id: string, input: ChangeInput) {
    const row = await this.find(caller, id);
    this.assertChangeable(row);
    const change = await this.itemChange(row, {
      ...input,
      proration_date: input.proration_date ?? this.now(),
    });
    const subscription = await this.billing.retrieveSubscription(row.stripeSubscriptionId);
    const invoice = await this.billing.previewChange(subscription, change);
    return { row, change, invoice };
  }

  async change(caller: Caller, id: string, input: ChangeInput): Promise<Subscription> {
    const row = await this.find(caller, id);
    this.assertChangeable(row);
    const change = await this.itemChange(row, input);
    const subscription = await this.billing.retrieveSubscription(row.stripeSubscriptionId);
    const updated = await this.billing.updateItem(subscription, change, caller.scope);
    return this.record(updated, this.ownerOf(row, caller));
  }

  private ownerOf(row: Subscription, caller: Caller) {
    return { ownerId: caller.ownerId, customerId: row.customerId ?? '' };
  }

  async cancel(caller: Caller, id: string, atPeriodEnd: boolean): Promise<Subscription> {
    const row = await this.find(caller, id);
    this.assertChangeable(row);
    const updated = atPeriodEnd
      ? await this.billing.update(row.stripeSubscriptionId, { cancel_at_period_end: true })
      : await this.billing.cancelNow(row.stripeSubscriptionId);
    return this.record(updated, this.ownerOf(row, caller));
  }

  /** Undoes a scheduled cancellation before the period ends. */
  async resume(caller: Caller, id: string): Promise<Subscription> {
    const row = await this.find(caller, id);
    this.assertChangeable(row);
    if (!row.cancelAtPeriodEnd && row.cancelAt === null) {
      throw conflict('subscription_not_canceling', 'The subscription is not set to cancel.');
    }
    const updated = await this.billing.update(row.stripeSubscriptionId, {
      cancel_at_period_end: false,
    });
    return this.record(updated, this.ownerOf(row, caller));
  }

  async pauseCollection(
    caller: Caller,
    id: string,
    pause: { behavior: 'void' | 'keep_as_draft' | 'mark_uncollectible'; resumes_at?: number },
  ): Promise<Subscription> {
    const row = await this.find(caller, id);
    this.assertChangeable(row);
    if (pause.resumes_at !== undefined && pause.resumes_at <= this.now()) {
      throw badRequest('parameter_invalid', 'resumes_at must be in the future.', [
        { field: 'resumes_at', message: 'is in the past' },
      ]);
    }
    const updated = await this.billing.update(row.stripeSubscriptionId, {
      pause_collection: pause,
    });
    return this.record(updated, this.ownerOf(row, caller));
  }

  async resumeCollection(caller: Caller, id: string): Promise<Subscription> {
    const row = await this.find(caller, id);
    this.assertChangeable(row);
    if (!row.pauseCollection) {
      throw conflict('collection_not_paused', 'Collection of this subscription is not paused.');
    }
    const updated = await this.billing.update(row.stripeSubscriptionId, { pause_collection: '' });
    return this.record(updated, this.ownerOf(row, caller));
  }
}
