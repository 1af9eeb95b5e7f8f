import { SandboxError, invalidParam, unexpectedState } from '../core/errors';
import { newId } from '../core/ids';
import { paginate } from '../core/list';
import {
  LIST_SPEC,
  mergeMetadata,
  requireParams,
  validate,
  type Params,
  type Spec,
} from '../core/params';
import { changedFields, type RequestMeta } from '../events/event-log';
import {
  attemptPayment,
  createInvoice,
  endSubscription,
  finalizeInvoice,
  paymentIntentFor,
} from '../payments/invoice-service';
import {
  billPeriod,
  hasPaymentMethod,
  itemsOf,
  newSubscriptionItem,
  periodLines,
  productName,
  setPeriod,
  trialNoticeSent,
} from '../payments/subscription-service';
import { createInvoiceItem } from './invoices';
import { attachPaymentMethod, resolvePaymentMethod } from './payment-methods';
import { getCustomer } from './lookups';
import type { Router } from '../server/router';
import type { SandboxState } from '../core/state';
import type { StripeObject } from '../core/store';

const DAY = 24 * 60 * 60;
const TRIAL_NOTICE = 3 * DAY;

const ITEM = {
  object: {
    id: 'string',
    price: 'string',
    quantity: 'integer',
    metadata: 'metadata',
    deleted: 'boolean',
    clear_usage: 'boolean',
  },
} as const;

const COMMON: Spec = {
  items: { array: ITEM },
  default_payment_method: 'string',
  metadata: 'metadata',
  description: 'string',
  cancel_at_period_end: 'boolean',
  cancel_at: 'timestamp',
  trial_end: 'timestamp',
  proration_behavior: { enum: ['create_prorations', 'none', 'always_invoice'] },
  payment_behavior: {
    enum: [
      'allow_incomplete',
      'default_incomplete',
      'error_if_incomplete',
      'pending_if_incomplete',
    ],
  },
  collection_method: { enum: ['charge_automatically', 'send_invoice'] },
  days_until_due: 'integer',
  off_session: 'boolean',
  trial_settings: {
    object: {
      end_behavior: {
        object: { missing_payment_method: { enum: ['cancel', 'create_invoice', 'pause'] } },
      },
    },
  },
  payment_settings: 'any',
  automatic_tax: 'any',
  proration_date: 'integer',
};

const CREATE_SPEC: Spec = {
  ...COMMON,
  customer: 'string',
  trial_period_days: 'integer',
  currency: 'string',
  billing_cycle_anchor: 'integer',
};

type ItemParam = {
  id?: string;
  price?: string;
  quantity?: number;
  metadata?: Record<string, string>;
  deleted?: boolean;
};

function recurringPrice(state: SandboxState, id: string, param: string): StripeObject {
  const price = state.store.get('price', id, param);
  if (price.type !== 'recurring') {
    throw invalidParam(
      param,
      'The price specified is set to `type=one_time` but this field only accepts prices with ' +
        '`type=recurring`.',
    );
  }
  if (!price.active) throw invalidParam(param, `The price specified is inactive.`);
  return price;
}

function checkSameCycle(prices: StripeObject[]): void {
  const key = (p: StripeObject) => {
    const r = p.recurring as { interval: string; interval_count: number };
    return `${p.currency as string}/${r.interval}/${r.interval_count}`;
  };
  if (new Set(prices.map(key)).size > 1) {
    throw invalidParam(
      'items',
      'All prices on a subscription must have the same currency and recurring interval.',
    );
  }
}

function defaultPaymentMethod(
  state: SandboxState,
  customer: StripeObject,
  id: string,
  meta: RequestMeta,
) {
  const pm = resolvePaymentMethod(state, id, 'default_payment_method');
  if (!pm.customer) attachPaymentMethod(state, pm, customer, meta);
  if (pm.customer !== customer.id) {
    throw invalidParam(
      'default_payment_method',
      'The payment method must be attached to the customer.',
    );
  }
  return pm.id;
}

function trialEndFrom(state: SandboxState, p: Params): number | null {
  const now = state.now();
  if (p.trial_end === 'now') return null;
  if (typeof p.trial_end === 'number') {
    if (p.trial_end <= now) throw invalidParam('trial_end', 'trial_end must be in the future.');
    return p.trial_end;
  }
  if (p.trial_period_days != null) {
    const days = p.trial_period_days as number;
    if (days < 0 || days > 730)
      throw invalidParam('trial_period_days', 'trial_period_days must be between 0 and 730.');
    return days === 0 ? null : now + days * DAY;
  }
  return null;
}

/** Fields of a new subscription that never depend on its parameters. */
const SUBSCRIPTION_DEFAULTS = () => ({
  application: null,
  application_fee_percent: null,
  automatic_tax: { disabled_reason: null, enabled: false, liability: null },
  billing_cycle_anchor_config: null,
  billing_schedules: [],
  billing_thresholds: null,
  cancel_at: null,
  cancel_at_period_end: false,
  canceled_at: null,
  cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
  customer_account: null,
  default_payment_method: null,
  default_source: null,
  default_tax_rates: [],
  discounts: [],
  ended_at: null,
  invoice_settings: {
    account_tax_ids: null,
    custom_fields: null,
    description: null,
    footer: null,
    issuer: { type: 'self' },
  },
  latest_invoice: null,
  livemode: false,
  managed_payments: null,
  next_pending_invoice_item_invoice: null,
  on_behalf_of: null,
  pause_collection: null,
  payment_settings: {
    payment_method_options: null,
    payment_method_types: null,
    save_default_payment_method: 'off',
  },
  pending_invoice_item_interval: null,
  pending_setup_intent: null,
  pending_update: null,
  schedule: null,
  status: 'incomplete',
  test_clock: null,
  transfer_data: null,
  trial_end: null,
  trial_start: null,
});

function buildSubscription(
  state: SandboxState,
  p: Params,
  customer: StripeObject,
  prices: StripeObject[],
) {
  const id = newId('sub');
  const now = state.now();
  const items = (p.items as ItemParam[]).map((it, i) =>
    newSubscriptionItem(state, id, prices[i], it.quantity ?? 1, mergeMetadata({}, it.metadata)),
  );
  const missing = (p.trial_settings as { end_behavior?: { missing_payment_method?: string } })
    ?.end_behavior?.missing_payment_method;
  return {
    id,
    object: 'subscription',
    ...SUBSCRIPTION_DEFAULTS(),
    billing_cycle_anchor: now,
    billing_mode: { flexible: null, type: 'classic', updated_at: now },
    collection_method: p.collection_method ?? 'charge_automatically',
    created: now,
    currency: prices[0].currency,
    customer: customer.id,
    days_until_due: p.days_until_due ?? null,
    description: p.description ?? null,
    items: {
      object: 'list',
      data: items,
      has_more: false,
      url: `/v1/subscription_items?subscription=${id}`,
    },
    metadata: mergeMetadata({}, p.metadata),
    start_date: now,
    trial_settings: {
      end_behavior: {
        billing_cycle_anchor: null,
        missing_payment_method: missing ?? 'create_invoice',
      },
    },
  } as StripeObject;
}

function startTrial(state: SandboxState, sub: StripeObject, trialEnd: number, meta: RequestMeta) {
  const now = state.now();
  sub.status = 'trialing';
  sub.trial_start = now;
  sub.trial_end = trialEnd;
  for (const item of itemsOf(sub)) {
    item.current_period_start = now;
    item.current_period_end = trialEnd;
  }
  state.store.insert(sub);
  state.emit('customer.subscription.created', sub, meta);
  const customer = state.store.get('customer', sub.customer as string);
  const lines = periodLines(state, sub).map((l) => ({
    ...l,
    amount: 0,
    description: `Trial period for ${productName(state, l.price!)}`,
  }));
  const invoice = createInvoice(
    state,
    {
      customer,
      currency: sub.currency as string,
      lines,
      billingReason: 'subscription_create',
      subscription: sub,
    },
    meta,
  );
  sub.latest_invoice = invoice.id;
  finalizeInvoice(state, invoice, meta);
  if (trialEnd - now <= TRIAL_NOTICE) {
    trialNoticeSent(sub);
    state.emit('customer.subscription.trial_will_end', sub, meta);
  }
}

/** The first invoice: how its payment is attempted follows `payment_behavior`. */
function startPaid(state: SandboxState, sub: StripeObject, behavior: string, meta: RequestMeta) {
  setPeriod(sub, sub.created as number);
  if (sub.collection_method === 'send_invoice') sub.status = 'active';
  state.store.insert(sub);
  state.emit('customer.subscription.created', sub, meta);
  if (behavior !== 'default_incomplete' || sub.collection_method === 'send_invoice') {
    try {
      billPeriodStrict(state, sub, behavior === 'error_if_incomplete', meta);
    } catch (err) {
      if (err instanceof SandboxError) expireFailedStart(state, sub, meta);
      throw err;
    }
    return;
  }
  const customer = state.store.get('customer', sub.customer as string);
  const invoice = createInvoice(
    state,
    {
      customer,
      currency: sub.currency as string,
      lines: periodLines(state, sub),
      billingReason: 'subscription_create',
      subscription: sub,
    },
    meta,
  );
  sub.latest_invoice = invoice.id;
  finalizeInvoice(state, invoice, meta);
  if (invoice.status === 'open') paymentIntentFor(state, invoice, meta);
}

function billPeriodStrict(
  state: SandboxState,
  sub: StripeObject,
  strict: boolean,
  meta: RequestMeta,
) {
  if (!strict) {
    billPeriod(state, sub, 'subscription_create', meta);
    return;
  }
  const customer = state.store.get('customer', sub.customer as string);
  const invoice = createInvoice(
    state,
    {
      customer,
      currency: sub.currency as string,
      lines: periodLines(state, sub),
      billingReason: 'subscription_create',
      subscription: sub,
    },
    meta,
  );
  sub.latest_invoice = invoice.id;
  attemptPayment(state, invoice, meta, { throwOnDecline: true });
}

/**
 * error_if_incomplete: a failed first payment leaves no live subscription behind.
 * Limitation: the subscription stays retrievable as `incomplete_expired`, because its
 * creation events already went out; Stripe creates nothing, which charging before recording
 * would reproduce.
 */
function expireFailedStart(state: SandboxState, sub: StripeObject, meta: RequestMeta) {
  const previous = { status: sub.status };
  sub.status = 'incomplete_expired';
  sub.ended_at = state.now();
  const invoice = sub.latest_invoice ? state.store.find(sub.latest_invoice as string) : null;
  if (invoice?.status === 'open') {
    invoice.status = 'void';
    state.emit('invoice.voided', invoice, meta);
  }
  state.emit('customer.subscription.updated', sub, meta, previous);
}

function createSubscription(state: SandboxState, form: never, meta: RequestMeta) {
  const p = validate(form, CREATE_SPEC);
  requireParams(p, ['customer', 'items']);
  const customer = getCustomer(state, p.customer as string);
  const itemParams = p.items as ItemParam[];
  if (itemParams.length === 0)
    throw invalidParam('items', 'Missing required param: items.', 'parameter_missing');
  const prices = itemParams.map((it, i) => {
    if (!it.price)
      throw invalidParam(
        `items[${i}][price]`,
        `Missing required param: items[${i}][price].`,
        'parameter_missing',
      );
    return recurringPrice(state, it.price, `items[${i}][price]`);
  });
  checkSameCycle(prices);
  if (p.payment_behavior === 'pending_if_incomplete') {
    throw invalidParam('payment_behavior', 'pending_if_incomplete is only supported for updates.');
  }
  if (p.collection_method === 'send_invoice' && p.days_until_due == null) {
    throw invalidParam(
      'days_until_due',
      'Missing required param: days_until_due.',
      'parameter_missing',
    );
  }
  const sub = buildSubscription(state, p, customer, prices);
  if (p.default_payment_method) {
    sub.default_payment_method = defaultPaymentMethod(
      state,
      customer,
      p.default_payment_method as string,
      meta,
    );
  }
  const trialEnd = trialEndFrom(state, p);
  const behavior = (p.payment_behavior as string | undefined) ?? 'allow_incomplete';
  const needsMethod =
    !trialEnd &&
    behavior !== 'default_incomplete' &&
    sub.collection_method === 'charge_automatically';
  if (needsMethod && !hasPaymentMethod(state, sub)) {
    throw invalidParam(
      'default_payment_method',
      'This customer has no attached payment source or default payment method. Please consider ' +
        'adding a default payment method.',
      'resource_missing',
    );
  }
  if (p.cancel_at_period_end) sub.cancel_at_period_end = true;
  if (typeof p.cancel_at === 'number') sub.cancel_at = p.cancel_at;
  if (trialEnd) startTrial(state, sub, trialEnd, meta);
  else startPaid(state, sub, behavior, meta);
  if (sub.cancel_at_period_end) sub.cancel_at = itemsOf(sub)[0].current_period_end;
  return sub;
}

/** Prorations for a price or quantity change, for the rest of the current period. */
function prorate(
  state: SandboxState,
  sub: StripeObject,
  changes: Array<{
    item: StripeObject;
    old: number;
    next: number;
    oldName: string;
    newName: string;
  }>,
  meta: RequestMeta,
  at: number,
) {
  const now = at;
  const created: StripeObject[] = [];
  for (const ch of changes) {
    const start = ch.item.current_period_start as number;
    const end = ch.item.current_period_end as number;
    const fraction = Math.min(1, Math.max(0, (end - now) / Math.max(1, end - start)));
    const period = { start: now, end };
    const common = {
      customer: sub.customer as string,
      currency: sub.currency as string,
      subscription: sub.id,
      subscriptionItem: ch.item.id,
      proration: true,
      period,
    };
    if (ch.old > 0) {
      created.push(
        createInvoiceItem(
          state,
          {
            ...common,
            amount: -Math.round(ch.old * fraction),
            description: `Unused time on ${ch.oldName}`,
          },
          meta,
        ),
      );
    }
    if (ch.next > 0) {
      created.push(
        createInvoiceItem(
          state,
          {
            ...common,
            amount: Math.round(ch.next * fraction),
            description: `Remaining time on ${ch.newName}`,
          },
          meta,
        ),
      );
    }
  }
  return created;
}

function applyItems(
  state: SandboxState,
  sub: StripeObject,
  params: ItemParam[],
  behavior: string,
  meta: RequestMeta,
  prorationDate?: number,
) {
  const items = itemsOf(sub);
  const changes: Parameters<typeof prorate>[2] = [];
  params.forEach((it, i) => {
    const existing = it.id ? items.find((x) => x.id === it.id) : undefined;
    if (it.id && !existing)
      throw invalidParam(
        `items[${i}][id]`,
        `No such subscription item: '${it.id}'`,
        'resource_missing',
      );
    if (existing && it.deleted) {
      changes.push({
        item: existing,
        old: (existing.price.unit_amount as number) * existing.quantity,
        next: 0,
        oldName: productName(state, existing.price),
        newName: '',
      });
      items.splice(items.indexOf(existing), 1);
      return;
    }
    const price = it.price
      ? recurringPrice(state, it.price, `items[${i}][price]`)
      : existing?.price;
    if (!price)
      throw invalidParam(
        `items[${i}][price]`,
        `Missing required param: items[${i}][price].`,
        'parameter_missing',
      );
    const quantity = it.quantity ?? existing?.quantity ?? 1;
    if (quantity < 0) throw invalidParam(`items[${i}][quantity]`, 'Quantity must be non-negative.');
    const target = existing ?? newSubscriptionItem(state, sub.id, price, quantity);
    if (!existing) {
      target.current_period_start = items[0]?.current_period_start;
      target.current_period_end = items[0]?.current_period_end;
      items.push(target as never);
    }
    const old = existing ? (existing.price.unit_amount as number) * existing.quantity : 0;
    changes.push({
      item: target,
      old,
      next: (price.unit_amount as number) * quantity,
      oldName: existing ? productName(state, existing.price) : '',
      newName: productName(state, price),
    });
    Object.assign(target, newSubscriptionItem(state, sub.id, price, quantity), {
      id: target.id,
      created: target.created,
      current_period_start: target.current_period_start,
      current_period_end: target.current_period_end,
      metadata: mergeMetadata(target.metadata as Record<string, string>, it.metadata),
    });
  });
  if (items.length === 0)
    throw invalidParam('items', 'A subscription must keep at least one item.');
  checkSameCycle(items.map((x) => x.price));
  if (sub.status === 'trialing' || behavior === 'none') return;
  const prorations = prorate(state, sub, changes, meta, prorationDate ?? state.now());
  if (behavior === 'always_invoice' && prorations.length > 0) {
    const customer = state.store.get('customer', sub.customer as string);
    const lines = prorations.map((ii) => ({
      amount: ii.amount as number,
      description: ii.description as string,
      period: ii.period as { start: number; end: number },
      quantity: 1,
      invoiceItem: ii,
      proration: true,
    }));
    const invoice = createInvoice(
      state,
      {
        customer,
        currency: sub.currency as string,
        lines,
        billingReason: 'subscription_update',
        subscription: sub,
      },
      meta,
    );
    sub.latest_invoice = invoice.id;
    attemptPayment(state, invoice, meta);
  }
}

function updateSubscription(state: SandboxState, id: string, form: never, meta: RequestMeta) {
  const p = validate(form, COMMON);
  const sub = state.store.get('subscription', id);
  const ended = ['canceled', 'incomplete_expired'].includes(sub.status as string);
  if (ended && Object.keys(p).some((k) => k !== 'metadata' && k !== 'cancellation_details')) {
    throw unexpectedState(
      'subscription_canceled',
      'A canceled subscription can only update its cancellation_details and metadata.',
    );
  }
  const before = structuredClone(sub);
  const customer = state.store.get('customer', sub.customer as string);
  if (p.default_payment_method !== undefined) {
    sub.default_payment_method = p.default_payment_method
      ? defaultPaymentMethod(state, customer, p.default_payment_method as string, meta)
      : null;
  }
  for (const f of ['description', 'days_until_due', 'collection_method'])
    if (p[f] !== undefined) sub[f] = p[f];
  sub.metadata = mergeMetadata(sub.metadata as Record<string, string>, p.metadata);
  if (p.cancel_at_period_end !== undefined) {
    sub.cancel_at_period_end = !!p.cancel_at_period_end;
    sub.cancel_at = p.cancel_at_period_end ? itemsOf(sub)[0].current_period_end : null;
    sub.canceled_at = p.cancel_at_period_end ? state.now() : null;
  }
  if (p.cancel_at !== undefined) sub.cancel_at = p.cancel_at === 'now' ? state.now() : p.cancel_at;
  if (p.items)
    applyItems(
      state,
      sub,
      p.items as ItemParam[],
      (p.proration_behavior as string) ?? 'create_prorations',
      meta,
      p.proration_date as number | undefined,
    );
  const endTrialNow = p.trial_end === 'now' && sub.status === 'trialing';
  if (typeof p.trial_end === 'number' && sub.status === 'trialing') {
    sub.trial_end = p.trial_end;
    for (const item of itemsOf(sub)) item.current_period_end = p.trial_end;
  }
  state.emit('customer.subscription.updated', sub, meta, changedFields(before, sub));
  if (endTrialNow) {
    const prev = structuredClone(sub);
    sub.status = 'active';
    sub.trial_end = state.now();
    setPeriod(sub, state.now());
    state.emit('customer.subscription.updated', sub, meta, changedFields(prev, sub));
    billPeriod(state, sub, 'subscription_cycle', meta);
  }
  return sub;
}

function cancelSubscription(state: SandboxState, id: string, form: never, meta: RequestMeta) {
  validate(form, { invoice_now: 'boolean', prorate: 'boolean', cancellation_details: 'any' });
  const sub = state.store.get('subscription', id);
  if (['canceled', 'incomplete_expired'].includes(sub.status as string)) {
    throw unexpectedState('subscription_canceled', `Subscription ${sub.id} is already canceled.`);
  }
  endSubscription(state, sub, meta, 'cancellation_requested');
  return sub;
}

function resumeSubscription(state: SandboxState, id: string, form: never, meta: RequestMeta) {
  validate(form, {
    billing_cycle_anchor: { enum: ['now', 'unchanged'] },
    proration_behavior: 'string',
  });
  const sub = state.store.get('subscription', id);
  if (sub.status !== 'paused') {
    throw unexpectedState(
      'subscription_not_paused',
      `Subscription ${sub.id} has status ${String(sub.status)}; only paused subscriptions resume.`,
    );
  }
  sub.status = 'active';
  setPeriod(sub, state.now());
  state.emit('customer.subscription.resumed', sub, meta);
  billPeriod(state, sub, 'subscription_cycle', meta);
  return sub;
}

export function registerSubscriptionRoutes(router: Router, state: SandboxState): void {
  router.on('POST', '/v1/subscriptions', (c) => createSubscription(state, c.form as never, c.meta));
  router.on('GET', '/v1/subscriptions/:id', (c) => {
    validate(c.form, {});
    return state.store.get('subscription', c.pathParams.id);
  });
  router.on('POST', '/v1/subscriptions/:id', (c) =>
    updateSubscription(state, c.pathParams.id, c.form as never, c.meta),
  );
  router.on('DELETE', '/v1/subscriptions/:id', (c) =>
    cancelSubscription(state, c.pathParams.id, c.form as never, c.meta),
  );
  router.on('POST', '/v1/subscriptions/:id/resume', (c) =>
    resumeSubscription(state, c.pathParams.id, c.form as never, c.meta),
  );
  router.on('GET', '/v1/subscriptions', (c) => {
    const p = validate(c.form, {
      ...LIST_SPEC,
      customer: 'string',
      price: 'string',
      status: 'string',
    });
    const status = (p.status as string | undefined) ?? 'default';
    return paginate(
      state.store,
      'subscription',
      p,
      '/v1/subscriptions',
      (o) =>
        (!p.customer || o.customer === p.customer) &&
        (!p.price || itemsOf(o).some((i) => i.price.id === p.price)) &&
        (status === 'all' ||
          (status === 'default'
            ? !['canceled', 'incomplete_expired'].includes(o.status as string)
            : o.status === status)),
    );
  });
}
