import { invalidParam, unexpectedState } from '../core/errors';
import { newId } from '../core/ids';
import { paginate } from '../core/list';
import { checkCurrency, checkPlainAmount } from '../core/money';
import { LIST_SPEC, mergeMetadata, requireParams, validate } from '../core/params';
import { changedFields, type RequestMeta } from '../events/event-log';
import {
  attemptPayment,
  createInvoice,
  finalizeInvoice,
  type LineInput,
} from '../payments/invoice-service';
import { subscriptionOfItem } from '../payments/subscription-service';
import { getCustomer } from './lookups';
import type { Router } from '../server/router';
import type { SandboxState } from '../core/state';
import type { StripeObject } from '../core/store';

const PERIOD = { object: { start: 'integer', end: 'integer' } } as const;

/** A pending invoice item; `subscription` ties it to that subscription's next invoice. */
export function createInvoiceItem(
  state: SandboxState,
  input: {
    customer: string;
    amount: number;
    currency: string;
    description?: string | null;
    metadata?: Record<string, string>;
    period?: { start: number; end: number };
    price?: StripeObject | null;
    quantity?: number;
    subscription?: string | null;
    subscriptionItem?: string | null;
    proration?: boolean;
    invoice?: string | null;
  },
  meta: RequestMeta,
): StripeObject {
  const now = state.now();
  const item: StripeObject = {
    id: newId('ii'),
    object: 'invoiceitem',
    amount: input.amount,
    currency: input.currency,
    customer: input.customer,
    customer_account: null,
    date: now,
    description: input.description ?? null,
    discountable: true,
    discounts: [],
    invoice: input.invoice ?? null,
    livemode: false,
    metadata: input.metadata ?? {},
    net_amount: input.amount,
    parent: input.subscription
      ? {
          subscription_details: {
            subscription: input.subscription,
            subscription_item: input.subscriptionItem ?? null,
          },
          type: 'subscription_details',
        }
      : null,
    period: input.period ?? { start: now, end: now },
    pricing: {
      price_details: input.price
        ? { price: input.price.id, product: input.price.product }
        : undefined,
      type: 'price_details',
      unit_amount_decimal: String(input.price?.unit_amount ?? input.amount),
    },
    proration: input.proration ?? false,
    quantity: input.quantity ?? 1,
    quantity_decimal: String(input.quantity ?? 1),
    tax_rates: [],
    test_clock: null,
  };
  state.store.insert(item);
  state.emit('invoiceitem.created', item, meta);
  return item;
}

function createItemRoute(state: SandboxState, form: never, meta: RequestMeta) {
  const p = validate(form, {
    customer: 'string',
    amount: 'integer',
    currency: 'string',
    description: 'string',
    metadata: 'metadata',
    period: PERIOD,
    price: 'string',
    pricing: { object: { price: 'string' } },
    quantity: 'integer',
    subscription: 'string',
    invoice: 'string',
    unit_amount_decimal: 'string',
  });
  requireParams(p, ['customer']);
  getCustomer(state, p.customer as string);
  const priceId = (p.price as string | undefined) ?? (p.pricing as { price?: string })?.price;
  const price = priceId ? state.store.get('price', priceId, 'price') : null;
  const quantity = (p.quantity as number | undefined) ?? 1;
  const amount = price
    ? (price.unit_amount as number) * quantity
    : (p.amount as number | undefined);
  if (amount === undefined)
    throw invalidParam('amount', 'Missing required param: amount.', 'parameter_missing');
  const currency = checkCurrency(
    (p.currency as string | undefined) ?? (price?.currency as string) ?? 'usd',
  );
  checkPlainAmount(Math.abs(amount), currency);
  if (p.subscription) state.store.get('subscription', p.subscription as string, 'subscription');
  if (p.invoice) {
    const inv = state.store.get('invoice', p.invoice as string, 'invoice');
    if (inv.status !== 'draft') throw invalidParam('invoice', 'The invoice is not a draft.');
  }
  return createInvoiceItem(
    state,
    {
      customer: p.customer as string,
      amount,
      currency,
      description: (p.description as string | undefined) ?? null,
      metadata: mergeMetadata({}, p.metadata),
      period: p.period as { start: number; end: number } | undefined,
      price,
      quantity,
      subscription: (p.subscription as string | undefined) ?? null,
      invoice: (p.invoice as string | undefined) ?? null,
    },
    meta,
  );
}

function createInvoiceRoute(state: SandboxState, form: never, meta: RequestMeta) {
  const p = validate(form, {
    customer: 'string',
    description: 'string',
    metadata: 'metadata',
    pending_invoice_items_behavior: { enum: ['include', 'exclude'] },
    auto_advance: 'boolean',
    collection_method: { enum: ['charge_automatically', 'send_invoice'] },
    days_until_due: 'integer',
    default_payment_method: 'string',
    currency: 'string',
    subscription: 'string',
  });
  requireParams(p, ['customer']);
  const customer = getCustomer(state, p.customer as string);
  if (p.collection_method === 'send_invoice' && p.days_until_due == null) {
    throw invalidParam(
      'days_until_due',
      'Missing required param: days_until_due.',
      'parameter_missing',
    );
  }
  const lines: LineInput[] = [];
  if (p.pending_invoice_items_behavior === 'include') {
    for (const ii of state.store.newestFirst('invoiceitem')) {
      if (ii.customer === customer.id && !ii.invoice && !subscriptionOfItem(ii)) {
        lines.unshift({
          amount: ii.amount as number,
          description: (ii.description as string) ?? 'Invoice item',
          period: ii.period as { start: number; end: number },
          quantity: ii.quantity as number,
          invoiceItem: ii,
        });
      }
    }
  }
  const currency = p.currency
    ? checkCurrency(p.currency as string)
    : ((lines[0]?.invoiceItem?.currency as string | undefined) ?? 'usd');
  if (lines.some((l) => l.invoiceItem?.currency !== currency)) {
    throw invalidParam('currency', 'All invoice items must share the invoice currency.');
  }
  return createInvoice(
    state,
    {
      customer,
      currency,
      lines,
      billingReason: 'manual',
      collectionMethod: p.collection_method as string | undefined,
      description: (p.description as string | undefined) ?? null,
      metadata: mergeMetadata({}, p.metadata),
      defaultPaymentMethod: (p.default_payment_method as string | undefined) ?? null,
      autoAdvance: p.auto_advance as boolean | undefined,
      daysUntilDue: (p.days_until_due as number | undefined) ?? null,
    },
    meta,
  );
}

function getInvoice(state: SandboxState, id: string) {
  return state.store.get('invoice', id);
}

export function registerInvoiceRoutes(router: Router, state: SandboxState): void {
  registerInvoiceItemRoutes(router, state);
  registerInvoiceCrudRoutes(router, state);
  registerInvoiceActionRoutes(router, state);
}

/** Pending invoice items. */
function registerInvoiceItemRoutes(router: Router, state: SandboxState): void {
  router.on('POST', '/v1/invoiceitems', (c) => createItemRoute(state, c.form as never, c.meta));
  router.on('GET', '/v1/invoiceitems/:id', (c) => {
    validate(c.form, {});
    return state.store.get('invoiceitem', c.pathParams.id);
  });
  router.on('DELETE', '/v1/invoiceitems/:id', (c) => {
    validate(c.form, {});
    const ii = state.store.get('invoiceitem', c.pathParams.id);
    if (ii.invoice) {
      throw unexpectedState('invoice_not_editable', 'This invoice item is already on an invoice.');
    }
    state.store.remove(ii.id);
    state.emit('invoiceitem.deleted', ii, c.meta);
    return { id: ii.id, object: 'invoiceitem', deleted: true };
  });
  router.on('GET', '/v1/invoiceitems', (c) => {
    const p = validate(c.form, {
      ...LIST_SPEC,
      customer: 'string',
      invoice: 'string',
      pending: 'boolean',
    });
    return paginate(
      state.store,
      'invoiceitem',
      p,
      '/v1/invoiceitems',
      (o) =>
        (!p.customer || o.customer === p.customer) &&
        (!p.invoice || o.invoice === p.invoice) &&
        (p.pending === undefined || !o.invoice === p.pending),
    );
  });
}

/** Invoices: create, read, update, delete drafts, list. */
function registerInvoiceCrudRoutes(router: Router, state: SandboxState): void {
  router.on('POST', '/v1/invoices', (c) => createInvoiceRoute(state, c.form as never, c.meta));
  router.on('GET', '/v1/invoices/:id', (c) => {
    validate(c.form, {});
    return getInvoice(state, c.pathParams.id);
  });
  router.on('POST', '/v1/invoices/:id', (c) => {
    const p = validate(c.form, {
      description: 'string',
      metadata: 'metadata',
      auto_advance: 'boolean',
      default_payment_method: 'string',
      days_until_due: 'integer',
      footer: 'string',
    });
    const invoice = getInvoice(state, c.pathParams.id);
    const before = structuredClone(invoice);
    if (
      invoice.status !== 'draft' &&
      (p.default_payment_method !== undefined || p.days_until_due !== undefined)
    ) {
      throw unexpectedState('invoice_not_editable', 'Only draft invoices can change this field.');
    }
    for (const f of ['description', 'auto_advance', 'default_payment_method', 'footer']) {
      if (p[f] !== undefined) invoice[f] = p[f];
    }
    invoice.metadata = mergeMetadata(invoice.metadata as Record<string, string>, p.metadata);
    state.emit('invoice.updated', invoice, c.meta, changedFields(before, invoice));
    return invoice;
  });
  router.on('DELETE', '/v1/invoices/:id', (c) => {
    validate(c.form, {});
    const invoice = getInvoice(state, c.pathParams.id);
    if (invoice.status !== 'draft') {
      throw unexpectedState('invoice_not_editable', 'Only draft invoices can be deleted.');
    }
    state.store.remove(invoice.id);
    state.emit('invoice.deleted', invoice, c.meta);
    return { id: invoice.id, object: 'invoice', deleted: true };
  });
}

/** Invoice actions: finalize, pay, void. */
function registerInvoiceActionRoutes(router: Router, state: SandboxState): void {
  router.on('POST', '/v1/invoices/:id/finalize', (c) => {
    validate(c.form, { auto_advance: 'boolean' });
    const invoice = getInvoice(state, c.pathParams.id);
    finalizeInvoice(state, invoice, c.meta);
    return invoice;
  });
  router.on('POST', '/v1/invoices/:id/pay', (c) => {
    const p = validate(c.form, {
      payment_method: 'string',
      off_session: 'boolean',
      paid_out_of_band: 'boolean',
      forgive: 'boolean',
      source: 'string',
    });
    const invoice = getInvoice(state, c.pathParams.id);
    if (invoice.status === 'paid') {
      throw unexpectedState('invoice_already_paid', 'Invoice is already paid');
    }
    if (p.paid_out_of_band) {
      if (invoice.status === 'draft') finalizeInvoice(state, invoice, c.meta);
      invoice.paid_out_of_band = true;
      invoice.status = 'paid';
      (invoice.status_transitions as Record<string, number>).paid_at = state.now();
      state.emit('invoice.paid', invoice, c.meta);
      return invoice;
    }
    attemptPayment(state, invoice, c.meta, {
      paymentMethod: (p.payment_method as string | undefined) ?? null,
      throwOnDecline: true,
    });
    return invoice;
  });
  router.on('POST', '/v1/invoices/:id/void', (c) => {
    validate(c.form, {});
    const invoice = getInvoice(state, c.pathParams.id);
    if (invoice.status !== 'open') {
      throw unexpectedState('invoice_not_open', 'Only open invoices can be voided.');
    }
    invoice.status = 'void';
    invoice.next_payment_attempt = null;
    (invoice.status_transitions as Record<string, number>).voided_at = state.now();
    state.emit('invoice.voided', invoice, c.meta);
    return invoice;
  });
  router.on('GET', '/v1/invoices', (c) => {
    const p = validate(c.form, {
      ...LIST_SPEC,
      customer: 'string',
      subscription: 'string',
      status: { enum: ['draft', 'open', 'paid', 'uncollectible', 'void'] },
      collection_method: 'string',
    });
    return paginate(
      state.store,
      'invoice',
      p,
      '/v1/invoices',
      (o) =>
        (!p.customer || o.customer === p.customer) &&
        (!p.subscription || o.subscription === p.subscription) &&
        (!p.status || o.status === p.status),
    );
  });
}
