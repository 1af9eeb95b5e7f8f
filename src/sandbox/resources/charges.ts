import { paginate } from '../core/list';
import { LIST_SPEC, SHIPPING, mergeMetadata, validate } from '../core/params';
import { changedFields } from '../events/event-log';
import type { Router } from '../server/router';
import type { SandboxState } from '../core/state';

/** Charges (read, list, update) and the balance transactions money movements create. */
export function registerChargeRoutes(router: Router, state: SandboxState): void {
  router.on('GET', '/v1/charges/:id', (c) => {
    validate(c.form, {});
    return state.store.get('charge', c.pathParams.id);
  });
  router.on('POST', '/v1/charges/:id', (c) => {
    const p = validate(c.form, {
      description: 'string',
      metadata: 'metadata',
      receipt_email: 'string',
      shipping: SHIPPING,
      fraud_details: { object: { user_report: { enum: ['fraudulent', 'safe'] } } },
    });
    const charge = state.store.get('charge', c.pathParams.id);
    const before = structuredClone(charge);
    for (const f of ['description', 'receipt_email', 'shipping', 'fraud_details']) {
      if (p[f] !== undefined) charge[f] = p[f] ?? (f === 'fraud_details' ? {} : null);
    }
    charge.metadata = mergeMetadata(charge.metadata as Record<string, string>, p.metadata);
    state.emit('charge.updated', charge, c.meta, changedFields(before, charge));
    return charge;
  });
  router.on('GET', '/v1/charges', (c) => {
    const p = validate(c.form, {
      ...LIST_SPEC,
      customer: 'string',
      payment_intent: 'string',
      transfer_group: 'string',
    });
    return paginate(
      state.store,
      'charge',
      p,
      '/v1/charges',
      (o) =>
        (!p.customer || o.customer === p.customer) &&
        (!p.payment_intent || o.payment_intent === p.payment_intent) &&
        (!p.transfer_group || o.transfer_group === p.transfer_group),
    );
  });
  router.on('GET', '/v1/charges/:id/refunds', (c) => {
    const p = validate(c.form, LIST_SPEC);
    state.store.get('charge', c.pathParams.id);
    const url = `/v1/charges/${c.pathParams.id}/refunds`;
    return paginate(state.store, 'refund', p, url, (o) => o.charge === c.pathParams.id);
  });
  router.on('GET', '/v1/balance_transactions/:id', (c) => {
    validate(c.form, {});
    return state.store.get('balance_transaction', c.pathParams.id);
  });
  router.on('GET', '/v1/balance_transactions', (c) => {
    const p = validate(c.form, {
      ...LIST_SPEC,
      source: 'string',
      type: 'string',
      currency: 'string',
    });
    return paginate(
      state.store,
      'balance_transaction',
      p,
      '/v1/balance_transactions',
      (o) =>
        (!p.source || o.source === p.source) &&
        (!p.type || o.type === p.type) &&
        (!p.currency || o.currency === p.currency),
    );
  });
}
