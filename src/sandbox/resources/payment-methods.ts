import { createHash } from 'node:crypto';
import { invalidParam, noSuch } from '../core/errors';
import { newId } from '../core/ids';
import { paginate } from '../core/list';
import { ADDRESS, LIST_SPEC, mergeMetadata, requireParams, validate } from '../core/params';
import { getCustomer } from './lookups';
import { TEST_CARDS, isTestCardId, type TestCard } from '../payments/test-cards';
import type { RequestMeta } from '../events/event-log';
import type { Router } from '../server/router';
import type { SandboxState } from '../core/state';
import type { StripeObject } from '../core/store';

const BILLING_DETAILS = {
  object: { address: ADDRESS, email: 'string', name: 'string', phone: 'string', tax_id: 'string' },
} as const;

function fingerprint(card: TestCard): string {
  return createHash('sha256')
    .update(`${card.brand}${card.last4}`)
    .digest('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 16);
}

/** A new card payment method with the test card's brand, last4, expiry and country. */
function createFromTestCard(state: SandboxState, card: TestCard): StripeObject {
  const year = new Date(state.now() * 1000).getUTCFullYear();
  const pm: StripeObject = {
    id: newId('pm'),
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: {
      address: {
        city: null,
        country: null,
        line1: null,
        line2: null,
        postal_code: null,
        state: null,
      },
      email: null,
      name: null,
      phone: null,
      tax_id: null,
    },
    card: {
      brand: card.brand,
      checks: {
        address_line1_check: null,
        address_postal_code_check: null,
        cvc_check: 'unchecked',
      },
      country: card.country,
      display_brand: card.brand === 'amex' ? 'american_express' : card.brand,
      exp_month: 12,
      exp_year: year + 3,
      fingerprint: fingerprint(card),
      funding: card.funding,
      generated_from: null,
      last4: card.last4,
      networks: { available: [card.brand], preferred: null },
      regulated_status: 'unregulated',
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created: state.now(),
    customer: null,
    customer_account: null,
    livemode: false,
    metadata: {},
    type: 'card',
  };
  state.setCard(pm, card);
  return state.store.insert(pm);
}

/**
 * A payment method by id: a test id (`pm_card_visa`) makes a new `pm_…` each time it is used,
 * as in Stripe's test mode; any other id must exist.
 */
export function resolvePaymentMethod(state: SandboxState, id: string, param: string): StripeObject {
  if (isTestCardId(id)) return createFromTestCard(state, TEST_CARDS[id]);
  const pm = state.store.find(id);
  if (!pm || pm.object !== 'payment_method') throw noSuch('PaymentMethod', id, param);
  return pm;
}

export function attachPaymentMethod(
  state: SandboxState,
  pm: StripeObject,
  customer: StripeObject,
  meta: RequestMeta,
): void {
  if (pm.customer === customer.id) return;
  if (pm.customer) {
    throw invalidParam(
      'payment_method',
      `The payment method you provided has already been attached to a customer.`,
    );
  }
  pm.customer = customer.id;
  state.emit('payment_method.attached', pm, meta);
}

export function registerPaymentMethodRoutes(router: Router, state: SandboxState): void {
  router.on('GET', '/v1/payment_methods/:id', (c) => {
    validate(c.form, {});
    return resolvePaymentMethod(state, c.pathParams.id, 'payment_method');
  });
  router.on('POST', '/v1/payment_methods/:id', (c) => {
    const p = validate(c.form, { billing_details: BILLING_DETAILS, metadata: 'metadata' });
    const pm = resolvePaymentMethod(state, c.pathParams.id, 'payment_method');
    const before = structuredClone(pm);
    if (p.billing_details) {
      pm.billing_details = { ...(pm.billing_details as object), ...(p.billing_details as object) };
    }
    pm.metadata = mergeMetadata(pm.metadata as Record<string, string>, p.metadata);
    const previous: Record<string, unknown> = {};
    for (const k of ['billing_details', 'metadata']) {
      if (JSON.stringify(before[k]) !== JSON.stringify(pm[k])) previous[k] = before[k];
    }
    state.emit('payment_method.updated', pm, c.meta, previous);
    return pm;
  });
  router.on('POST', '/v1/payment_methods/:id/attach', (c) => {
    const p = validate(c.form, { customer: 'string' });
    requireParams(p, ['customer']);
    const customer = getCustomer(state, p.customer as string);
    const pm = resolvePaymentMethod(state, c.pathParams.id, 'payment_method');
    attachPaymentMethod(state, pm, customer, c.meta);
    return pm;
  });
  router.on('POST', '/v1/payment_methods/:id/detach', (c) => {
    validate(c.form, {});
    const pm = resolvePaymentMethod(state, c.pathParams.id, 'payment_method');
    if (!pm.customer) {
      throw invalidParam(
        'payment_method',
        'The payment method you provided is not attached to a customer so detachment is impossible.',
      );
    }
    const previous = { customer: pm.customer };
    pm.customer = null;
    state.emit('payment_method.detached', pm, c.meta, previous);
    return pm;
  });
  router.on('GET', '/v1/payment_methods', (c) => {
    const p = validate(c.form, { ...LIST_SPEC, customer: 'string', type: 'string' });
    return listForCustomer(state, p, '/v1/payment_methods');
  });
  router.on('GET', '/v1/customers/:id/payment_methods', (c) => {
    const p = validate(c.form, { ...LIST_SPEC, type: 'string', allow_redisplay: 'string' });
    const url = `/v1/customers/${c.pathParams.id}/payment_methods`;
    return listForCustomer(state, { ...p, customer: c.pathParams.id }, url);
  });
}

function listForCustomer(state: SandboxState, p: Record<string, unknown>, url: string) {
  if (p.customer) state.store.get('customer', p.customer as string, 'customer');
  return paginate(
    state.store,
    'payment_method',
    p,
    url,
    (o) => (p.customer ? o.customer === p.customer : true) && (!p.type || o.type === p.type),
  );
}
