import { invalidParam } from '../core/errors';
import { getCustomer } from './lookups';
import { newId, randomToken } from '../core/ids';
import { paginate } from '../core/list';
import { ADDRESS, LIST_SPEC, SHIPPING, mergeMetadata, validate, type Spec } from '../core/params';
import { changedFields, type RequestMeta } from '../events/event-log';
import { attachPaymentMethod, resolvePaymentMethod } from './payment-methods';
import type { Router } from '../server/router';
import type { SandboxState } from '../core/state';
import type { StripeObject } from '../core/store';

const INVOICE_SETTINGS = {
  object: { default_payment_method: 'string', footer: 'string', custom_fields: 'any' },
} as const;

const WRITE_SPEC: Spec = {
  address: ADDRESS,
  balance: 'integer',
  description: 'string',
  email: 'string',
  invoice_settings: INVOICE_SETTINGS,
  metadata: 'metadata',
  name: 'string',
  phone: 'string',
  preferred_locales: 'strings',
  shipping: SHIPPING,
  tax_exempt: { enum: ['none', 'exempt', 'reverse'] },
};

const CREATE_SPEC: Spec = { ...WRITE_SPEC, payment_method: 'string', invoice_prefix: 'string' };

const SETTABLE = [
  'address',
  'balance',
  'description',
  'email',
  'name',
  'phone',
  'preferred_locales',
  'shipping',
  'tax_exempt',
] as const;

function createCustomer(state: SandboxState, form: Record<string, unknown>, meta: RequestMeta) {
  const p = validate(form as never, CREATE_SPEC);
  const id = newId('cus');
  const customer: StripeObject = {
    id,
    object: 'customer',
    address: null,
    balance: 0,
    created: state.now(),
    currency: null,
    customer_account: null,
    default_source: null,
    delinquent: false,
    description: null,
    discount: null,
    email: null,
    invoice_prefix: (p.invoice_prefix as string) ?? randomToken(8).toUpperCase(),
    invoice_settings: {
      custom_fields: null,
      default_payment_method: null,
      footer: null,
      rendering_options: null,
    },
    livemode: false,
    metadata: mergeMetadata({}, p.metadata),
    name: null,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  };
  for (const f of SETTABLE) if (p[f] !== undefined) customer[f] = p[f];
  state.store.insert(customer);
  state.emit('customer.created', customer, meta);
  let attached: string | null = null;
  if (p.payment_method) {
    const pm = resolvePaymentMethod(state, p.payment_method as string, 'payment_method');
    attachPaymentMethod(state, pm, customer, meta);
    attached = pm.id;
  }
  applyInvoiceSettings(state, customer, p, meta, { [String(p.payment_method)]: attached });
  return customer;
}

/**
 * Sets `invoice_settings`; the default payment method must be attached to the customer. A
 * test id equal to the `payment_method` just attached names that attached copy, as in Stripe.
 */
function applyInvoiceSettings(
  state: SandboxState,
  customer: StripeObject,
  p: Record<string, unknown>,
  meta: RequestMeta,
  aliases: Record<string, string | null> = {},
): void {
  const settings = p.invoice_settings as Record<string, unknown> | undefined | null;
  if (!settings) return;
  const current = customer.invoice_settings as Record<string, unknown>;
  if (settings.footer !== undefined) current.footer = settings.footer;
  const requested = settings.default_payment_method as string | null | undefined;
  if (requested === undefined) return;
  if (requested === null) {
    current.default_payment_method = null;
    return;
  }
  const param = 'invoice_settings[default_payment_method]';
  let pmId = aliases[requested] ?? requested;
  if (!state.store.find(pmId)) {
    const pm = resolvePaymentMethod(state, pmId, param);
    if (pm.customer !== customer.id) attachPaymentMethod(state, pm, customer, meta);
    pmId = pm.id;
  }
  const pm = state.store.get('payment_method', pmId, param);
  if (pm.customer !== customer.id) {
    throw invalidParam(
      param,
      `The customer does not have a payment method with the ID ${pmId}. The payment method ` +
        'must be attached to the customer.',
    );
  }
  current.default_payment_method = pmId;
}

function updateCustomer(state: SandboxState, id: string, form: never, meta: RequestMeta) {
  const customer = getCustomer(state, id, 'id');
  const p = validate(form, WRITE_SPEC);
  const before = structuredClone(customer);
  for (const f of SETTABLE) if (p[f] !== undefined) customer[f] = p[f];
  customer.metadata = mergeMetadata(customer.metadata as Record<string, string>, p.metadata);
  applyInvoiceSettings(state, customer, p, meta);
  const previous = changedFields(before, customer);
  if (Object.keys(previous).length > 0) state.emit('customer.updated', customer, meta, previous);
  return customer;
}

function deleteCustomer(state: SandboxState, id: string, meta: RequestMeta) {
  const customer = getCustomer(state, id, 'id');
  customer.deleted = true;
  const snapshot = { ...customer };
  delete snapshot.deleted;
  state.emit('customer.deleted', snapshot as StripeObject, meta);
  for (const sub of state.store.newestFirst('subscription')) {
    if (sub.customer === id && sub.status !== 'canceled') {
      sub.status = 'canceled';
      sub.canceled_at = state.now();
      sub.ended_at = state.now();
      state.emit('customer.subscription.deleted', sub, meta);
    }
  }
  return { id, object: 'customer', deleted: true };
}

export function registerCustomerRoutes(router: Router, state: SandboxState): void {
  router.on('POST', '/v1/customers', (c) => createCustomer(state, c.form, c.meta));
  router.on('GET', '/v1/customers/:id', (c) => {
    validate(c.form, {});
    const found = state.store.find(c.pathParams.id);
    if (found?.object === 'customer' && found.deleted) {
      return { id: found.id, object: 'customer', deleted: true };
    }
    return getCustomer(state, c.pathParams.id, 'id');
  });
  router.on('POST', '/v1/customers/:id', (c) =>
    updateCustomer(state, c.pathParams.id, c.form as never, c.meta),
  );
  router.on('DELETE', '/v1/customers/:id', (c) => {
    validate(c.form, {});
    return deleteCustomer(state, c.pathParams.id, c.meta);
  });
  router.on('GET', '/v1/customers', (c) => {
    const p = validate(c.form, { ...LIST_SPEC, email: 'string', test_clock: 'string' });
    return paginate(
      state.store,
      'customer',
      p,
      '/v1/customers',
      (o) => !o.deleted && (p.email === undefined || o.email === p.email),
    );
  });
}
