import { invalidParam } from '../core/errors';
import { newId } from '../core/ids';
import { requireParams, validate, type Spec } from '../core/params';
import {
  addInterval,
  itemsOf,
  productName,
  subscriptionOfItem,
} from '../payments/subscription-service';
import type { Router } from '../server/router';
import type { SandboxState } from '../core/state';
import type { StripeObject } from '../core/store';

const PREVIEW_SPEC: Spec = {
  customer: 'string',
  subscription: 'string',
  subscription_details: {
    object: {
      items: {
        array: { object: { id: 'string', price: 'string', quantity: 'integer' } },
      },
      proration_behavior: { enum: ['create_prorations', 'none', 'always_invoice'] },
      proration_date: 'integer',
    },
  },
};

interface ItemChange {
  id?: string;
  price?: string;
  quantity?: number;
}

interface PreviewLine {
  amount: number;
  description: string;
  period: { start: number; end: number };
  proration: boolean;
  quantity: number;
  price: StripeObject | null;
}

/** The prorations of changing one item at `at`: the same formula the update itself applies. */
function prorationLines(
  state: SandboxState,
  item: StripeObject & { price: StripeObject; quantity: number },
  next: { price: StripeObject; quantity: number },
  at: number,
): PreviewLine[] {
  const start = item.current_period_start as number;
  const end = item.current_period_end as number;
  const fraction = Math.min(1, Math.max(0, (end - at) / Math.max(1, end - start)));
  const old = (item.price.unit_amount as number) * item.quantity;
  const now = (next.price.unit_amount as number) * next.quantity;
  const period = { start: at, end };
  const lines: PreviewLine[] = [];
  if (old > 0) {
    lines.push({
      amount: -Math.round(old * fraction),
      description: `Unused time on ${productName(state, item.price)}`,
      period,
      proration: true,
      quantity: item.quantity,
      price: item.price,
    });
  }
  if (now > 0) {
    lines.push({
      amount: Math.round(now * fraction),
      description: `Remaining time on ${productName(state, next.price)}`,
      period,
      proration: true,
      quantity: next.quantity,
      price: next.price,
    });
  }
  return lines;
}

function nextPeriodLine(state: SandboxState, item: StripeObject, price: StripeObject, qty: number) {
  const start = item.current_period_end as number;
  const recurring = price.recurring as { interval: string; interval_count: number };
  return {
    amount: (price.unit_amount as number) * qty,
    description: `${qty} × ${productName(state, price)}`,
    period: { start, end: addInterval(start, recurring.interval, recurring.interval_count) },
    proration: false,
    quantity: qty,
    price,
  };
}

function pendingItemLines(state: SandboxState, sub: StripeObject): PreviewLine[] {
  const lines: PreviewLine[] = [];
  for (const ii of state.store.newestFirst('invoiceitem')) {
    if (subscriptionOfItem(ii) !== sub.id || ii.invoice) continue;
    lines.push({
      amount: ii.amount as number,
      description: ii.description as string,
      period: ii.period as { start: number; end: number },
      proration: !!ii.proration,
      quantity: 1,
      price: null,
    });
  }
  return lines;
}

function asInvoiceLine(sub: StripeObject, invoiceId: string, line: PreviewLine): StripeObject {
  return {
    id: newId('il_tmp'),
    object: 'line_item',
    amount: line.amount,
    currency: sub.currency,
    description: line.description,
    discount_amounts: [],
    discountable: true,
    discounts: [],
    invoice: invoiceId,
    livemode: false,
    metadata: {},
    parent: {
      type: 'subscription_item_details',
      subscription_item_details: { proration: line.proration, subscription: sub.id },
    },
    period: line.period,
    pricing: line.price
      ? { price_details: { price: line.price.id, product: line.price.product } }
      : null,
    quantity: line.quantity,
  };
}

/**
 * `POST /v1/invoices/create_preview` for a change of a subscription's items: with
 * `always_invoice`, the invoice the change would charge at once (its prorations); otherwise
 * the next renewal invoice, carrying pending and new prorations (none with `none`). Nothing is
 * created or charged.
 */
function previewInvoice(state: SandboxState, form: never): StripeObject {
  const p = validate(form, PREVIEW_SPEC);
  requireParams(p, ['subscription']);
  const sub = state.store.get('subscription', p.subscription as string, 'subscription');
  if (p.customer && p.customer !== sub.customer) {
    throw invalidParam('customer', 'The subscription does not belong to this customer.');
  }
  const details = (p.subscription_details ?? {}) as {
    items?: ItemChange[];
    proration_behavior?: string;
    proration_date?: number;
  };
  const behavior = details.proration_behavior ?? 'create_prorations';
  const at = details.proration_date ?? state.now();
  const prorations: PreviewLine[] = [];
  const renewal: PreviewLine[] = [];
  for (const item of itemsOf(sub)) {
    const change = details.items?.find((c) => c.id === item.id);
    const price = change?.price
      ? state.store.get('price', change.price, 'subscription_details[items][][price]')
      : item.price;
    const quantity = change?.quantity ?? item.quantity;
    if (change && sub.status !== 'trialing' && behavior !== 'none') {
      prorations.push(...prorationLines(state, item, { price, quantity }, at));
    }
    renewal.push(nextPeriodLine(state, item, price, quantity));
  }
  const lines =
    behavior === 'always_invoice'
      ? prorations
      : [...renewal, ...pendingItemLines(state, sub), ...prorations];
  const id = `upcoming_${newId('in')}`;
  const total = lines.reduce((sum, l) => sum + l.amount, 0);
  return {
    id,
    object: 'invoice',
    amount_due: Math.max(0, total),
    amount_paid: 0,
    amount_remaining: Math.max(0, total),
    billing_reason: behavior === 'always_invoice' ? 'subscription_update' : 'upcoming',
    created: state.now(),
    currency: sub.currency,
    customer: sub.customer,
    lines: {
      object: 'list',
      data: lines.map((l) => asInvoiceLine(sub, id, l)),
      has_more: false,
      url: `/v1/invoices/${id}/lines`,
    },
    livemode: false,
    parent: {
      type: 'subscription_details',
      subscription_details: { metadata: sub.metadata, subscription: sub.id },
    },
    period_end: renewal[0]?.period.start ?? state.now(),
    period_start: at,
    status: 'draft',
    subtotal: total,
    total,
  };
}

export function registerInvoicePreviewRoutes(router: Router, state: SandboxState): void {
  router.on('POST', '/v1/invoices/create_preview', (c) => previewInvoice(state, c.form as never));
}
