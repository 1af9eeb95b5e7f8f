import Joi from 'joi';
import { MAX_TRIAL_DAYS } from '../services/subscriptions/trial-rules';
import { metadata } from './payments-schemas';

const id = (prefix: string): Joi.StringSchema =>
  Joi.string().pattern(new RegExp(`^${prefix}_[A-Za-z0-9]{1,64}$`), `a ${prefix}_… id`);

/** A catalogue price: its lookup key, or its Stripe price id. */
const priceReference = Joi.string()
  .max(255)
  .pattern(/^[A-Za-z0-9_]+$/, 'a lookup key or price_… id');

const quantity = Joi.number().integer().strict().min(1).max(10_000);
const unixSecond = Joi.number().integer().strict().min(0);
const prorationBehavior = Joi.string().valid('create_prorations', 'none', 'always_invoice');

export const subscriptionIdParams = Joi.object({ id: id('subs').required() });
export const customerIdParams = Joi.object({ id: id('cust').required() });

export const createSubscriptionBody = Joi.object({
  customer: id('cust').required(),
  price: priceReference.required(),
  quantity,
  payment_method: Joi.string()
    .max(255)
    .pattern(/^pm_[A-Za-z0-9_]+$/, 'a Stripe pm_… id'),
  trial_period_days: Joi.number().integer().strict().min(0).max(MAX_TRIAL_DAYS),
  trial_end: unixSecond,
  metadata,
});

export const listSubscriptionsQuery = Joi.object({ customer: id('cust') });

export const changeSubscriptionBody = Joi.object({
  price: priceReference,
  quantity,
  proration_behavior: prorationBehavior.default('create_prorations'),
  proration_date: unixSecond,
}).or('price', 'quantity');

/** The same fields as a change, read from the query string (numbers arrive as text). */
export const previewChangeQuery = Joi.object({
  price: priceReference,
  quantity: Joi.number().integer().min(1).max(10_000),
  proration_behavior: prorationBehavior.default('create_prorations'),
  proration_date: Joi.number().integer().min(0),
}).or('price', 'quantity');

export const cancelSubscriptionBody = Joi.object({
  at_period_end: Joi.boolean().strict().default(false),
});

export const pauseCollectionBody = Joi.object({
  behavior: Joi.string().valid('void', 'keep_as_draft', 'mark_uncollectible').required(),
  resumes_at: unixSecond,
});
