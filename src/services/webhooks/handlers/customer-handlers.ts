import { Customer } from '../../../models';
import { shouldApply } from '../ordering';
import { newId } from '../../ids';
import { idOf, obj, str, type StripeObject } from '../stripe-object';
import { objectOf, type EventHandler, type HandlerContext } from './handler-context';

// Limitation: a customer created from a webhook keeps no email, name or address, because the
// at-rest encryption of personal data belongs to the customers service; once it offers a
// write path, the customer handler should store the encrypted fields too.

async function findCustomer(
  ctx: HandlerContext,
  stripeCustomerId: string,
): Promise<Customer | null> {
  return Customer.findOne({
    where: { stripeCustomerId },
    transaction: ctx.transaction,
    lock: ctx.transaction.LOCK.UPDATE,
  });
}

/** A customer row for a Stripe customer, created with only its id when not stored yet. */
export async function ensureCustomer(
  ctx: HandlerContext,
  stripeCustomerId: string,
): Promise<Customer> {
  const found = await findCustomer(ctx, stripeCustomerId);
  if (found) return found;
  return Customer.create(
    { id: newId('cust'), stripeCustomerId, stripeEventAt: 0 },
    { transaction: ctx.transaction },
  );
}

function defaultPaymentMethod(customer: StripeObject): string | null {
  const settings = obj(customer, 'invoice_settings') ?? {};
  return idOf(settings, 'default_payment_method') ?? idOf(customer, 'default_source');
}

const onCustomer: EventHandler = async (ctx) => {
  const object = objectOf(ctx);
  const deleted = ctx.event.type === 'customer.deleted' || object.deleted === true;
  const customer = await ensureCustomer(ctx, str(object, 'id')!);
  // A deleted customer stays deleted: deletion ranks above every other state of the second.
  const rank = (isDeleted: boolean): number => (isDeleted ? 1 : 0);
  if (
    !shouldApply(
      { stripeEventAt: customer.stripeEventAt, rank: rank(customer.deletedAt !== null) },
      { at: ctx.at, rank: rank(deleted) },
    )
  ) {
    return;
  }
  await customer.update(
    {
      defaultPaymentMethod: defaultPaymentMethod(object),
      deletedAt: deleted ? (customer.deletedAt ?? new Date(ctx.at * 1000)) : null,
      stripeEventAt: ctx.at,
    },
    { transaction: ctx.transaction },
  );
};

/**
 * Payment methods are not stored here; what matters is that the customer exists and that a
 * detached method is no longer its default. These events leave the customer's ordering stamp
 * alone: they are not customer states.
 */
const onPaymentMethodAttached: EventHandler = async (ctx) => {
  const stripeCustomerId = idOf(objectOf(ctx), 'customer');
  if (stripeCustomerId) await ensureCustomer(ctx, stripeCustomerId);
};

const onPaymentMethodDetached: EventHandler = async (ctx) => {
  const paymentMethodId = str(objectOf(ctx), 'id');
  await Customer.update(
    { defaultPaymentMethod: null },
    { where: { defaultPaymentMethod: paymentMethodId }, transaction: ctx.transaction },
  );
};

export const customerHandlers: Record<string, EventHandler> = {
  'customer.created': onCustomer,
  'customer.updated': onCustomer,
  'customer.deleted': onCustomer,
  'payment_method.attached': onPaymentMethodAttached,
  'payment_method.detached': onPaymentMethodDetached,
};
