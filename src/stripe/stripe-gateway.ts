import type Stripe from 'stripe';
import { observeStripeCall } from '../metrics/registry';
import { mapStripeError } from './error-mapping';
import { stripeIdempotencyKey } from './idempotency-keys';

/** Who asked, so the key sent to Stripe is derived from the storefront's own. */
export interface IdempotencyScope {
  apiKeyId: string;
  idempotencyKey: string;
}

/** A declined confirmation: Stripe's error plus the payment intent it left behind. */
export class DeclinedPayment extends Error {
  constructor(
    readonly paymentIntent: Stripe.PaymentIntent,
    override readonly cause: unknown,
  ) {
    super('payment declined');
    this.name = 'DeclinedPayment';
  }
}

export interface CustomerFields {
  email?: string | null;
  name?: string | null;
  phone?: string | null;
  address?: Stripe.AddressParam | null;
  metadata?: Record<string, string>;
}

/**
 * Every Stripe call the payments domain makes. Creating calls carry an idempotency key derived
 * from the storefront's; errors leave here already mapped to AppError, except a decline on
 * confirmation, which also carries the payment intent so it can be recorded.
 */
export class StripeGateway {
  constructor(private readonly stripe: Stripe) {}

  private key(scope: IdempotencyScope, operation: string): { idempotencyKey: string } {
    return { idempotencyKey: stripeIdempotencyKey({ ...scope, operation }) };
  }

  private async call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await observeStripeCall(operation, fn);
    } catch (err) {
      throw mapStripeError(err, operation);
    }
  }

  /** Like call, but a card error that left a payment intent becomes a DeclinedPayment. */
  private async callConfirming(
    operation: string,
    fn: () => Promise<Stripe.PaymentIntent>,
  ): Promise<Stripe.PaymentIntent> {
    try {
      return await observeStripeCall(operation, fn);
    } catch (err) {
      const intent = (err as { payment_intent?: Stripe.PaymentIntent }).payment_intent;
      const raw = (err as { raw?: { payment_intent?: Stripe.PaymentIntent } }).raw;
      const left = intent ?? raw?.payment_intent;
      if ((err as { type?: string }).type === 'StripeCardError' && left?.id) {
        throw new DeclinedPayment(left, mapStripeError(err, operation));
      }
      throw mapStripeError(err, operation);
    }
  }

  createCustomer(fields: CustomerFields, scope: IdempotencyScope): Promise<Stripe.Customer> {
    return this.call('customers.create', () =>
      this.stripe.customers.create(fields as Stripe.CustomerCreateParams, this.key(scope, 'c')),
    );
  }

  updateCustomer(id: string, params: Stripe.CustomerUpdateParams): Promise<Stripe.Customer> {
    return this.call('customers.update', () => this.stripe.customers.update(id, params));
  }

  attachPaymentMethod(
    paymentMethodId: string,
    customerId: string,
    scope: IdempotencyScope,
  ): Promise<Stripe.PaymentMethod> {
    return this.call('payment_methods.attach', () =>
      this.stripe.paymentMethods.attach(
        paymentMethodId,
        { customer: customerId },
        this.key(scope, 'pm.attach'),
      ),
    );
  }

  retrievePaymentMethod(id: string): Promise<Stripe.PaymentMethod> {
    return this.call('payment_methods.retrieve', () => this.stripe.paymentMethods.retrieve(id));
  }

  async listPaymentMethods(customerId: string): Promise<Stripe.PaymentMethod[]> {
    return this.call('payment_methods.list', async () => {
      const page = await this.stripe.paymentMethods.list({ customer: customerId, limit: 100 });
      return page.data;
    });
  }

  detachPaymentMethod(id: string): Promise<Stripe.PaymentMethod> {
    return this.call('payment_methods.detach', () => this.stripe.paymentMethods.detach(id));
  }

  createPaymentIntent(
    params: Stripe.PaymentIntentCreateParams,
    scope: IdempotencyScope,
  ): Promise<Stripe.PaymentIntent> {
    return this.callConfirming('payment_intents.create', () =>
      this.stripe.paymentIntents.create(params, this.key(scope, 'pi.create')),
    );
  }

  confirmPaymentIntent(
    id: string,
    params: Stripe.PaymentIntentConfirmParams,
    scope: IdempotencyScope,
  ): Promise<Stripe.PaymentIntent> {
    return this.callConfirming('payment_intents.confirm', () =>
      this.stripe.paymentIntents.confirm(id, params, this.key(scope, `pi.confirm:${id}`)),
    );
  }

  capturePaymentIntent(
    id: string,
    params: Stripe.PaymentIntentCaptureParams,
    scope: IdempotencyScope,
  ): Promise<Stripe.PaymentIntent> {
    return this.call('payment_intents.capture', () =>
      this.stripe.paymentIntents.capture(id, params, this.key(scope, `pi.capture:${id}`)),
    );
  }

  cancelPaymentIntent(
    id: string,
    params: Stripe.PaymentIntentCancelParams,
    scope: IdempotencyScope,
  ): Promise<Stripe.PaymentIntent> {
    return this.call('payment_intents.cancel', () =>
      this.stripe.paymentIntents.cancel(id, params, this.key(scope, `pi.cancel:${id}`)),
    );
  }

  retrievePaymentIntent(id: string): Promise<Stripe.PaymentIntent> {
    return this.call('payment_intents.retrieve', () => this.stripe.paymentIntents.retrieve(id));
  }

  createRefund(params: Stripe.RefundCreateParams, scope: IdempotencyScope): Promise<Stripe.Refund> {
    return this.call('refunds.create', () =>
      this.stripe.refunds.create(params, this.key(scope, 'refund.create')),
    );
  }
}
