import Joi from 'joi';
import { PAYMENT_STATUSES } from '../models/payment';

/**
 * Stripe's metadata limits: 50 keys, keys up to 40 characters without square brackets (Stripe
 * refuses them: they would read as nested form keys), values up to 500.
 */
export const metadata = Joi.object()
  .pattern(
    Joi.string()
      .min(1)
      .max(40)
      .pattern(/^[^[\]]+$/, 'a key without square brackets'),
    Joi.string().allow('').max(500),
  )
  .max(50);

/** An integer of minor units; strings ("19.99") and floats are refused, not converted. */
const amount = Joi.number().integer().strict();

const id = (prefix: string): Joi.StringSchema =>
  Joi.string().pattern(new RegExp(`^${prefix}_[A-Za-z0-9]{1,64}$`), `a ${prefix}_… id`);

const stripeId = (prefix: string): Joi.StringSchema =>
  Joi.string()
    .max(255)
    .pattern(new RegExp(`^${prefix}_[A-Za-z0-9_]+$`), `a Stripe ${prefix}_… id`);

const email = Joi.string().trim().lowercase().email({ tlds: false }).max(254);
const text = (max: number) => Joi.string().trim().min(1).max(max);

const address = Joi.object({
  line1: text(200),
  line2: text(200),
  city: text(100),
  state: text(100),
  postal_code: text(20),
  country: Joi.string()
    .trim()
    .uppercase()
    .pattern(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code'),
});

const customerFields = {
  email: email.allow(null),
  name: text(200).allow(null),
  phone: Joi.string()
    .trim()
    .pattern(/^\+?[0-9 ()-]{4,20}$/, 'a phone number')
    .allow(null),
  address: address.allow(null),
};

export const customerIdParams = Joi.object({ id: id('cust').required() });
export const paymentIdParams = Joi.object({ id: id('pay').required() });
export const paymentMethodParams = Joi.object({
  id: id('cust').required(),
  pm: stripeId('pm').required(),
});

export const createCustomerBody = Joi.object(customerFields);
export const updateCustomerBody = Joi.object(customerFields).min(1);

const pageQuery = {
  limit: Joi.number().integer().min(1).max(100).default(10),
  cursor: Joi.string()
    .max(512)
    .pattern(/^[A-Za-z0-9_-]+$/),
};
export const listQuery = Joi.object(pageQuery);

export const attachPaymentMethodBody = Joi.object({
  payment_method: stripeId('pm').required(),
  set_default: Joi.boolean().strict(),
});

const returnUrl = Joi.string()
  .uri({ scheme: ['https', 'http'] })
  .max(2048);

export const createPaymentBody = Joi.object({
  amount: amount.required(),
  currency: Joi.string()
    .lowercase()
    .pattern(/^[a-z]{3}$/, 'a three-letter ISO currency code')
    .required(),
  customer: id('cust'),
  payment_method: stripeId('pm'),
  confirm: Joi.boolean().strict(),
  capture_method: Joi.string().valid('automatic', 'manual'),
  description: text(1000),
  receipt_email: email,
  metadata,
  return_url: returnUrl,
});

export const confirmPaymentBody = Joi.object({
  payment_method: stripeId('pm'),
  return_url: returnUrl,
});

export const capturePaymentBody = Joi.object({ amount_to_capture: amount });

export const cancelPaymentBody = Joi.object({
  cancellation_reason: Joi.string().valid(
    'duplicate',
    'fraudulent',
    'requested_by_customer',
    'abandoned',
  ),
});

const unixSeconds = Joi.number().integer().min(0);
export const listPaymentsQuery = Joi.object({
  ...pageQuery,
  status: Joi.string().valid(...PAYMENT_STATUSES),
  customer: id('cust'),
  created: Joi.object({ gte: unixSeconds, gt: unixSeconds, lte: unixSeconds, lt: unixSeconds }),
});

export const createRefundBody = Joi.object({
  amount,
  reason: Joi.string().valid('duplicate', 'fraudulent', 'requested_by_customer'),
  metadata,
});

export const listAuditQuery = Joi.object({
  limit: Joi.number().integer().min(1).max(100).default(50),
  cursor: Joi.string().pattern(/^[0-9]{1,18}$/, 'a cursor returned by this API'),
  action: Joi.string()
    .max(64)
    .pattern(/^[a-z_.]+$/),
  target_id: Joi.string()
    .max(64)
    .pattern(/^[A-Za-z0-9_]+$/),
});
