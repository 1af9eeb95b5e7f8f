import type { Sequelize } from 'sequelize';
import type { AppConfig } from '../config';
import type { StripeGateway } from '../stripe/stripe-gateway';
import { Keyring } from '../utils/encryption';
import { ApiKeyService } from './api-key-service';
import { CustomerService } from './customer-service';
import { IdempotencyService } from './idempotency-service';
import { PaymentMethodService } from './payment-method-service';
import { PaymentService } from './payment-service';
import { RefundService } from './refund-service';

/** The storefront payments domain, wired once per app. */
export interface PaymentsDomain {
  apiKeys: ApiKeyService;
  idempotency: IdempotencyService;
  customers: CustomerService;
  paymentMethods: PaymentMethodService;
  payments: PaymentService;
  refunds: RefundService;
}

export function buildPaymentsDomain(deps: {
  config: AppConfig;
  sequelize: Sequelize;
  stripe: StripeGateway;
  keyring: Keyring;
}): PaymentsDomain {
  const { sequelize, stripe, keyring } = deps;
  const customers = new CustomerService(stripe, keyring);
  const payments = new PaymentService(sequelize, stripe, customers, keyring);
  return {
    apiKeys: new ApiKeyService(sequelize),
    idempotency: new IdempotencyService(sequelize),
    customers,
    paymentMethods: new PaymentMethodService(stripe, customers),
    payments,
    refunds: new RefundService(sequelize, stripe, payments),
  };
}
