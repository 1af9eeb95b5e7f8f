import { invalidParam, unexpectedState } from '../core/errors';
import { newId } from '../core/ids';
import { paginate } from '../core/list';
import { formatAmount } from '../core/money';
import { LIST_SPEC, mergeMetadata, validate, type Params } from '../core/params';
import { createBalanceTransaction } from '../payments/charge-service';
import { BACKGROUND, type RequestMeta } from '../events/event-log';
import type { Router } from '../server/router';
import type { SandboxState } from '../core/state';
import type { StripeObject } from '../core/store';

const CREATE_SPEC = {
  amount: 'integer',
  charge: 'string',
  payment_intent: 'string',
  metadata: 'metadata',
  reason: { enum: ['duplicate', 'fraudulent', 'requested_by_customer'] },
  refund_application_fee: 'boolean',
  reverse_transfer: 'boolean',
  instructions_email: 'string',
} as const;

function chargeToRefund(state: SandboxState, p: Params): StripeObject {
  if (p.charge && p.payment_intent) {
    throw invalidParam('payment_intent', 'You can only specify one of charge or payment_intent.');
  }
  if (p.payment_intent) {
    const pi = state.store.get('payment_intent', p.payment_intent as string, 'payment_intent');
    if (pi.status !== 'succeeded' || !pi.latest_charge) {
      throw unexpectedState(
        'charge_not_refundable',
        `This PaymentIntent (${pi.id}) does not have a successful charge to refund.`,
        'payment_intent',
      );
    }
    return state.store.get('charge', pi.latest_charge as string, 'payment_intent');
  }
  if (!p.charge) {
    throw invalidParam(
      'charge',
      'One of the following params should be provided for this request: payment_intent or charge.',
      'parameter_missing',
    );
  }
  return state.store.get('charge', p.charge as string, 'charge');
}

/** The amount to refund: what was asked, never more than what remains refundable. */
function refundAmount(state: SandboxState, charge: StripeObject, requested?: number): number {
  const currency = charge.currency as string;
  if (charge.status !== 'succeeded' || !charge.captured) {
    throw unexpectedState(
      'charge_not_refundable',
      `Charge ${charge.id} cannot be refunded because it has not been successfully captured.`,
      'charge',
    );
  }
  const remaining = (charge.amount as number) - (charge.amount_refunded as number);
  if (remaining <= 0) {
    throw unexpectedState(
      'charge_already_refunded',
      `Charge ${charge.id} has already been refunded.`,
    );
  }
  const dispute = openDisputeOf(state, charge.id);
  if (dispute && dispute.is_charge_refundable === false) {
    throw unexpectedState(
      'charge_disputed',
      `Charge ${charge.id} has been charged back; cannot issue a refund.`,
    );
  }
  const amount = requested ?? remaining;
  if (amount <= 0) throw invalidParam('amount', 'Refund amount must be greater than 0.');
  if (amount > remaining) {
    throw invalidParam(
      'amount',
      `Refund amount (${formatAmount(amount, currency)}) is greater than unrefunded amount on ` +
        `charge (${formatAmount(remaining, currency)})`,
      'amount_too_large',
    );
  }
  return amount;
}

/** Refunds at most what remains of the captured amount; never more. */
export function createRefund(state: SandboxState, form: Params, meta: RequestMeta): StripeObject {
  const p = validate(form as never, CREATE_SPEC);
  const charge = chargeToRefund(state, p);
  const currency = charge.currency as string;
  const amount = refundAmount(state, charge, p.amount as number | undefined);
  const id = newId('re');
  const txn = createBalanceTransaction(state, {
    amount: -amount,
    currency,
    source: id,
    type: 'refund',
    category: 'refund',
    description: 'REFUND FOR CHARGE',
  });
  const refund: StripeObject = {
    id,
    object: 'refund',
    amount,
    application: null,
    balance_transaction: txn.id,
    charge: charge.id,
    created: state.now(),
    currency,
    customer: charge.customer ?? null,
    customer_account: null,
    destination_details: {
      card: {
        reference_status: 'pending',
        reference_type: 'acquirer_reference_number',
        type: 'refund',
      },
      type: 'card',
    },
    metadata: mergeMetadata({}, p.metadata),
    payment_intent: charge.payment_intent,
    payment_method: charge.payment_method,
    reason: p.reason ?? null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  };
  state.store.insert(refund);
  charge.amount_refunded = (charge.amount_refunded as number) + amount;
  charge.refunded = charge.amount_refunded === charge.amount;
  const refunds = charge.refunds as { data: StripeObject[] };
  refunds.data.unshift(refund);
  state.emit('refund.created', refund, meta);
  state.emit('charge.refunded', charge, meta);
  const card = state.cardOf(charge.payment_method as string);
  if (card?.refundFails) {
    state.later(state.config.refundFailDelayMs, () => failRefund(state, refund.id));
  }
  return refund;
}

function openDisputeOf(state: SandboxState, chargeId: string): StripeObject | undefined {
  for (const d of state.store.newestFirst('dispute')) {
    if (d.charge === chargeId && !['won', 'lost', 'warning_closed'].includes(d.status as string)) {
      return d;
    }
  }
  return undefined;
}

/** A refund on a refund-failing card turns failed later; the money returns to the balance. */
export function failRefund(state: SandboxState, refundId: string): void {
  const refund = state.store.find(refundId);
  if (!refund || refund.status !== 'succeeded') return;
  const charge = state.store.find(refund.charge as string);
  const previous = { status: refund.status };
  const txn = createBalanceTransaction(state, {
    amount: refund.amount as number,
    currency: refund.currency as string,
    source: refund.id,
    type: 'refund_failure',
    category: 'refund_failure',
    description: 'REFUND FAILURE',
  });
  refund.status = 'failed';
  refund.failure_reason = 'expired_or_canceled_card';
  refund.failure_balance_transaction = txn.id;
  if (charge) {
    charge.amount_refunded = (charge.amount_refunded as number) - (refund.amount as number);
    charge.refunded = false;
  }
  state.emit('refund.failed', refund, BACKGROUND, previous);
  state.emit('refund.updated', refund, BACKGROUND, previous);
  state.emit('charge.refund.updated', refund, BACKGROUND, previous);
}

export function registerRefundRoutes(router: Router, state: SandboxState): void {
  router.on('POST', '/v1/refunds', (c) => createRefund(state, c.form, c.meta));
  router.on('GET', '/v1/refunds/:id', (c) => {
    validate(c.form, {});
    return state.store.get('refund', c.pathParams.id);
  });
  router.on('POST', '/v1/refunds/:id', (c) => {
    const p = validate(c.form, { metadata: 'metadata' });
    const refund = state.store.get('refund', c.pathParams.id);
    const previous = { metadata: refund.metadata };
    refund.metadata = mergeMetadata(refund.metadata as Record<string, string>, p.metadata);
    state.emit('refund.updated', refund, c.meta, previous);
    return refund;
  });
  router.on('POST', '/v1/refunds/:id/cancel', (c) => {
    validate(c.form, {});
    const refund = state.store.get('refund', c.pathParams.id);
    throw unexpectedState(
      'refund_not_cancelable',
      `Refund ${refund.id} cannot be canceled: only refunds with status requires_action can be.`,
    );
  });
  router.on('GET', '/v1/refunds', (c) => {
    const p = validate(c.form, { ...LIST_SPEC, charge: 'string', payment_intent: 'string' });
    return paginate(
      state.store,
      'refund',
      p,
      '/v1/refunds',
      (o) =>
        (!p.charge || o.charge === p.charge) &&
        (!p.payment_intent || o.payment_intent === p.payment_intent),
    );
  });
}
