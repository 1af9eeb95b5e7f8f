import type { Sequelize } from 'sequelize';
import { ApiKey } from './api-key';
import { AuditEvent } from './audit-event';
import { CatalogPrice } from './catalog-price';
import { Charge } from './charge';
import { Customer } from './customer';
import { Dispute } from './dispute';
import { IdempotencyRecord } from './idempotency-record';
import { Payment } from './payment';
import { Refund } from './refund';
import { Subscription } from './subscription';
import { SubscriptionInvoice } from './subscription-invoice';

/** Binds every model to the process's Sequelize instance. Call once after connecting. */
export function initModels(sequelize: Sequelize): void {
  for (const model of [
    ApiKey,
    AuditEvent,
    Charge,
    Customer,
    Dispute,
    IdempotencyRecord,
    Payment,
    Refund,
    CatalogPrice,
    Subscription,
    SubscriptionInvoice,
  ]) {
    model.initModel(sequelize);
  }
}

export { ApiKey, AuditEvent, Charge, Customer, Dispute, IdempotencyRecord, Payment, Refund };
export { CatalogPrice, Subscription, SubscriptionInvoice };
