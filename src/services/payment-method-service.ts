import type Stripe from 'stripe';
import { badRequest, notFound } from '../errors/app-error';
import type { IdempotencyScope, StripeGateway } from '../stripe/stripe-gateway';
import type { Principal } from './api-key-service';
import type { CustomerService } from './customer-service';

export interface PaymentMethodView {
  id: string;
  object: 'payment_method';
  type: string;
  card: { brand: string; last4: string; exp_month: number; exp_year: number } | null;
  is_default: boolean;
  created: number;
}

/** Payment methods (Stripe ids only, never card data) of a storefront's customer. */
export class PaymentMethodService {
  constructor(
    private readonly stripe: StripeGateway,
    private readonly customers: CustomerService,
  ) {}

  private present(pm: Stripe.PaymentMethod, defaultId: string | null): PaymentMethodView {
    return {
      id: pm.id,
      object: 'payment_method',
      type: pm.type,
      card: pm.card
        ? {
            brand: pm.card.brand,
            last4: pm.card.last4,
            exp_month: pm.card.exp_month,
            exp_year: pm.card.exp_year,
          }
        : null,
      is_default: pm.id === defaultId,
      created: pm.created,
    };
  }

  async attach(
    principal: Principal,
    customerId: string,
    input: { payment_method: string; set_default?: boolean },
    scope: IdempotencyScope,
  ): Promise<PaymentMethodView> {
    const customer = await this.customers.find(principal, customerId);
    const pm = await this.stripe.attachPaymentMethod(
      input.payment_method,
      customer.stripeCustomerId,
      scope,
    );
    if (input.set_default) await this.makeDefault(customer.id, pm.id, principal);
    const defaultId = input.set_default ? pm.id : customer.defaultPaymentMethod;
    return this.present(pm, defaultId);
  }

  async list(principal: Principal, customerId: string): Promise<PaymentMethodView[]> {
    const customer = await this.customers.find(principal, customerId);
    const methods = await this.stripe.listPaymentMethods(customer.stripeCustomerId);
    return methods.map((pm) => this.present(pm, customer.defaultPaymentMethod));
  }

  /** The payment method, when it is attached to this customer; 404 otherwise. */
  private async attached(stripeCustomerId: string, paymentMethodId: string) {
    const pm = await this.stripe.retrievePaymentMethod(paymentMethodId).catch(() => undefined);
    if (
      !pm ||
      (typeof pm.customer === 'string' ? pm.customer : pm.customer?.id) !== stripeCustomerId
    ) {
      throw notFound('No such payment method on this customer.');
    }
    return pm;
  }

  async detach(principal: Principal, customerId: string, paymentMethodId: string) {
    const customer = await this.customers.find(principal, customerId);
    await this.attached(customer.stripeCustomerId, paymentMethodId);
    const pm = await this.stripe.detachPaymentMethod(paymentMethodId);
    if (customer.defaultPaymentMethod === paymentMethodId) {
      await customer.update({ defaultPaymentMethod: null });
    }
    return { ...this.present(pm, null), detached: true };
  }

  async setDefault(principal: Principal, customerId: string, paymentMethodId: string) {
    const customer = await this.customers.find(principal, customerId);
    const pm = await this.attached(customer.stripeCustomerId, paymentMethodId);
    await this.makeDefault(customer.id, pm.id, principal);
    return this.present(pm, pm.id);
  }

  private async makeDefault(customerId: string, pmId: string, principal: Principal) {
    const customer = await this.customers.find(principal, customerId);
    if (!pmId.startsWith('pm_')) throw badRequest('parameter_invalid', 'Not a payment method id.');
    await this.stripe.updateCustomer(customer.stripeCustomerId, {
      invoice_settings: { default_payment_method: pmId },
    });
    await customer.update({ defaultPaymentMethod: pmId });
  }
}
