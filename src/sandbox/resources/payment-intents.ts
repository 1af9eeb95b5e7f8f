import { randomUUID } from 'node:crypto';
import { SandboxError, invalidParam, unexpectedState } from '../core/errors';
import { newId, randomToken } from '../core/ids';
import { paginate } from '../core/list';
import { checkChargeAmount, checkCurrency } from '../core/money';
import {
  LIST_SPEC,
  SHIPPING,
  mergeMetadata,
  requireParams,
  validate,
  type Params,
  type Spec,
} from '../core/params';
import { captureCharge, createCharge, openDispute } from '../payments/charge-service';
import { afterDestinationCharge } from '../payments/connect-service';
import { attachPaymentMethod, resolvePaymentMethod } from './payment-methods';
import { getCustomer } from './lookups';
import type { RequestMeta } from '../events/event-log';
import type { TestCard } from '../payments/test-cards';
import type { Router } from '../server/router';
import type { SandboxState } from '../core/state';
import type { StripeObject } from '../core/store';

const CONFIRM_SPEC: Spec = {
  payment_method: 'string',
  return_url: 'string',
  off_session: 'string',
  receipt_email: 'string',
  setup_future_usage: { enum: ['on_session', 'off_session'] },
  shipping: SHIPPING,
  error_on_requires_action: 'boolean',
  use_stripe_sdk: 'boolean',
  mandate_data: 'any',
  payment_method_options: 'any',
  payment_method_types: 'strings',
  capture_method: { enum: ['automatic', 'automatic_async', 'manual'] },
};

const UPDATE_SPEC: Spec = {
  amount: 'integer',
  currency: 'string',
  customer: 'string',
  description: 'string',
  metadata: 'metadata',
  payment_method: 'string',
  receipt_email: 'string',
  setup_future_usage: { enum: ['on_session', 'off_session'] },
  shipping: SHIPPING,
  statement_descriptor: 'string',
  statement_descriptor_suffix: 'string',
  application_fee_amount: 'integer',
  transfer_data: { object: { amount: 'integer' } },
  transfer_group: 'string',
  payment_method_types: 'strings',
  payment_method_options: 'any',
  capture_method: { enum: ['automatic', 'automatic_async', 'manual'] },
};

const CREATE_SPEC: Spec = {
  ...UPDATE_SPEC,
  ...CONFIRM_SPEC,
  confirm: 'boolean',
  confirmation_method: { enum: ['automatic', 'manual'] },
  on_behalf_of: 'string',
  transfer_data: { object: { destination: 'string', amount: 'integer' } },
  automatic_payment_methods: {
    object: { enabled: 'boolean', allow_redirects: { enum: ['always', 'never'] } },
  },
  payment_method_configuration: 'string',
};

const CANCELABLE = [
  'requires_payment_method',
  'requires_capture',
  'requires_confirmation',
  'requires_action',
  'processing',
];
const DESCRIPTOR_MAX = 22;

function checkDescriptors(p: Params): void {
  for (const f of ['statement_descriptor', 'statement_descriptor_suffix']) {
    const v = p[f] as string | undefined | null;
    if (v && v.length > DESCRIPTOR_MAX) {
      throw invalidParam(f, `The ${f} must be at most ${DESCRIPTOR_MAX} characters long.`);
    }
  }
}

function checkConnect(state: SandboxState, p: Params, meta: RequestMeta): void {
  const transfer = p.transfer_data as { destination?: string; amount?: number } | undefined;
  if (transfer?.destination) {
    state.store.get('account', transfer.destination, 'transfer_data[destination]');
  }
  if (p.on_behalf_of) state.store.get('account', p.on_behalf_of as string, 'on_behalf_of');
  if (p.application_fee_amount != null) {
    if (!transfer?.destination && !meta.account) {
      throw invalidParam(
        'application_fee_amount',
        'Can only apply an application_fee_amount when the PaymentIntent is attempting a direct ' +
          'payment (using an OAuth key or Stripe-Account header) or destination payment ' +
          '(using `transfer_data[destination]`).',
      );
    }
    if ((p.application_fee_amount as number) > (p.amount as number)) {
      throw invalidParam('application_fee_amount', 'The application fee cannot exceed the amount.');
    }
  }
}

/** Uses a payment method for this intent, checking it may pay for the intent's customer. */
function usePaymentMethod(state: SandboxState, pi: StripeObject, id: string): StripeObject {
  const pm = resolvePaymentMethod(state, id, 'payment_method');
  if (pm.customer && pi.customer && pm.customer !== pi.customer) {
    throw invalidParam(
      'payment_method',
      `The provided PaymentMethod ${pm.id} belongs to a different customer than this PaymentIntent.`,
    );
  }
  if (pm.customer && !pi.customer) {
    throw invalidParam(
      'payment_method',
      `The provided PaymentMethod was previously used with a PaymentIntent without Customer ` +
        'attachment, shared with a connected account without Customer attachment, or was ' +
        'detached from a Customer. It may not be used again. To use a PaymentMethod multiple ' +
        'times, you must attach it to a Customer first.',
    );
  }
  return pm;
}

export function createPaymentIntent(state: SandboxState, form: Params, meta: RequestMeta) {
  const p = validate(form as never, CREATE_SPEC);
  requireParams(p, ['amount', 'currency']);
  const currency = checkCurrency(p.currency as string);
  checkChargeAmount(p.amount as number, currency);
  checkDescriptors(p);
  checkConnect(state, p, meta);
  if (p.customer) getCustomer(state, p.customer as string);
  const id = newId('pi');
  const types = p.payment_method_types as string[] | undefined;
  const pi: StripeObject = {
    id,
    object: 'payment_intent',
    allowed_payment_method_types: null,
    amount: p.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: p.application_fee_amount ?? null,
    automatic_payment_methods: types ? null : { allow_redirects: 'always', enabled: true },
    canceled_at: null,
    cancellation_reason: null,
    capture_method: p.capture_method ?? 'automatic',
    client_secret: `${id}_secret_${randomToken(25)}`,
    confirmation_method: p.confirmation_method ?? 'automatic',
    created: state.now(),
    currency,
    customer: p.customer ?? null,
    customer_account: null,
    description: p.description ?? null,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: mergeMetadata({}, p.metadata),
    next_action: null,
    on_behalf_of: p.on_behalf_of ?? null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_record: null,
    payment_method_options: {
      card: {
        installments: null,
        mandate_options: null,
        network: null,
        request_three_d_secure: 'automatic',
      },
    },
    payment_method_types: types && types.length > 0 ? types : ['card'],
    processing: null,
    receipt_email: p.receipt_email ?? null,
    review: null,
    setup_future_usage: p.setup_future_usage ?? null,
    shipping: p.shipping ?? null,
    source: null,
    statement_descriptor: p.statement_descriptor ?? null,
    statement_descriptor_suffix: p.statement_descriptor_suffix ?? null,
    status: 'requires_payment_method',
    transfer_data: p.transfer_data ?? null,
    transfer_group: p.transfer_group ?? null,
  };
  if (p.payment_method) {
    pi.payment_method = usePaymentMethod(state, pi, p.payment_method as string).id;
    pi.status = 'requires_confirmation';
  }
  state.store.insert(pi);
  state.emit('payment_intent.created', pi, meta);
  if (p.confirm) {
    const confirmParams: Params = {};
    for (const k of Object.keys(CONFIRM_SPEC)) if (p[k] !== undefined) confirmParams[k] = p[k];
    delete confirmParams.payment_method;
    return confirm(state, pi, confirmParams, meta);
  }
  return pi;
}

const AUTH_REQUIRED = {
  code: 'authentication_required',
  declineCode: 'authentication_required',
  message: 'Your card was declined. This transaction requires authentication.',
};

/**
 * Confirms: 3-D Secure cards stop at requires_action (or fail off-session), declining cards
 * fail with a card error, the rest are charged (or authorized, for manual capture).
 */
export function confirm(state: SandboxState, pi: StripeObject, p: Params, meta: RequestMeta) {
  const status = pi.status as string;
  if (!['requires_payment_method', 'requires_confirmation', 'requires_action'].includes(status)) {
    throw unexpectedState(
      'payment_intent_unexpected_state',
      `You cannot confirm this PaymentIntent because it has a status of ${status}.`,
    );
  }
  if (p.payment_method)
    pi.payment_method = usePaymentMethod(state, pi, p.payment_method as string).id;
  for (const f of ['receipt_email', 'setup_future_usage', 'shipping', 'capture_method']) {
    if (p[f] !== undefined) pi[f] = p[f];
  }
  if (!pi.payment_method) {
    throw unexpectedState(
      'payment_intent_unexpected_state',
      "You cannot confirm this PaymentIntent because it's missing a payment method. You can " +
        'either update the PaymentIntent with a payment method and then confirm it again, or ' +
        'confirm it again directly with a payment method.',
      'payment_method',
    );
  }
  const pm = state.store.get('payment_method', pi.payment_method as string, 'payment_method');
  const card = state.cardOf(pm.id);
  if (!card) throw invalidParam('payment_method', 'Only card payment methods are supported.');
  pi.last_payment_error = null;
  // Limitation: a card payment never shows `processing`, because card confirmations settle
  // synchronously in the sandbox (as they do on Stripe for cards); an asynchronous test
  // payment method (bank debits) would add that state.
  if (card.requiresAuthentication) {
    const offSession = p.off_session !== undefined && p.off_session !== 'false';
    if (offSession || p.error_on_requires_action) {
      return decline(state, pi, pm, { ...card, decline: AUTH_REQUIRED }, meta);
    }
    pi.status = 'requires_action';
    pi.next_action = nextAction(state, pi, p.return_url as string | undefined);
    state.emit('payment_intent.requires_action', pi, meta);
    return pi;
  }
  if (card.decline) return decline(state, pi, pm, card, meta);
  return succeed(state, pi, pm, meta);
}

function nextAction(state: SandboxState, pi: StripeObject, returnUrl?: string) {
  const url = `${state.baseUrl}/_sandbox/three_d_secure/${pi.id}`;
  if (returnUrl) {
    return { type: 'redirect_to_url', redirect_to_url: { return_url: returnUrl, url } };
  }
  return {
    type: 'use_stripe_sdk',
    use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: url, source: newId('src') },
  };
}

function decline(
  state: SandboxState,
  pi: StripeObject,
  pm: StripeObject,
  card: TestCard,
  meta: RequestMeta,
): never {
  const charge = createCharge(state, pi, pm, card);
  const d = card.decline!;
  const error = {
    type: 'card_error' as const,
    code: d.code,
    decline_code: d.declineCode,
    message: d.message,
    doc_url: `https://stripe.com/docs/error-codes/${d.code.replace(/_/g, '-')}`,
    charge: charge.id,
    payment_method: structuredClone(pm),
  };
  pi.status = 'requires_payment_method';
  pi.next_action = null;
  pi.latest_charge = charge.id;
  pi.payment_method = null;
  pi.last_payment_error = error;
  state.emit('charge.failed', charge, meta);
  state.emit('payment_intent.payment_failed', pi, meta);
  for (const hook of state.paymentHooks) hook(pi, 'failed', meta);
  throw new SandboxError(
    402,
    { ...error, payment_intent: structuredClone(pi) },
    {
      saveForIdempotency: true,
    },
  );
}

function succeed(
  state: SandboxState,
  pi: StripeObject,
  pm: StripeObject,
  meta: RequestMeta,
  authenticated = false,
) {
  const card = state.cardOf(pm.id)!;
  const charge = createCharge(state, pi, pm, card);
  if (authenticated) {
    const details = charge.payment_method_details as { card: Record<string, unknown> };
    details.card.three_d_secure = {
      authentication_flow: 'challenge',
      electronic_commerce_indicator: '05',
      exemption_indicator: null,
      result: 'authenticated',
      result_reason: null,
      transaction_id: randomUUID(),
      version: '2.2.0',
    };
  }
  pi.next_action = null;
  pi.latest_charge = charge.id;
  const manual = pi.capture_method === 'manual';
  if (!manual) captureCharge(state, charge, pi.amount as number);
  if (pi.setup_future_usage && pi.customer) {
    attachPaymentMethod(state, pm, state.store.get('customer', pi.customer as string), meta);
  }
  state.emit('charge.succeeded', charge, meta);
  if (manual) {
    pi.status = 'requires_capture';
    pi.amount_capturable = pi.amount;
    state.emit('payment_intent.amount_capturable_updated', pi, meta);
    return pi;
  }
  pi.status = 'succeeded';
  pi.amount_received = pi.amount;
  state.emit('payment_intent.succeeded', pi, meta);
  afterCapture(state, pi, charge, meta);
  for (const hook of state.paymentHooks) hook(pi, 'succeeded', meta);
  return pi;
}

function afterCapture(
  state: SandboxState,
  pi: StripeObject,
  charge: StripeObject,
  meta: RequestMeta,
) {
  afterDestinationCharge(state, pi, charge, meta);
  const card = state.cardOf(charge.payment_method as string);
  if (card) openDispute(state, charge, card, meta);
}

/** Completes a pending 3-D Secure challenge, as the cardholder would on the bank's page. */
export function authenticate(
  state: SandboxState,
  pi: StripeObject,
  outcome: 'pass' | 'fail',
  meta: RequestMeta,
): StripeObject {
  if (pi.status !== 'requires_action') {
    throw unexpectedState(
      'payment_intent_unexpected_state',
      `This PaymentIntent has a status of ${String(pi.status)}; only one that requires_action ` +
        'can be authenticated.',
    );
  }
  const pm = state.store.get('payment_method', pi.payment_method as string, 'payment_method');
  if (outcome === 'pass') return succeed(state, pi, pm, meta, true);
  pi.status = 'requires_payment_method';
  pi.next_action = null;
  pi.payment_method = null;
  pi.last_payment_error = {
    type: 'invalid_request_error',
    code: 'payment_intent_authentication_failure',
    doc_url: 'https://stripe.com/docs/error-codes/payment-intent-authentication-failure',
    message:
      'The provided PaymentMethod has failed authentication. You can provide ' +
      'payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.',
    payment_method: structuredClone(pm),
  };
  state.emit('payment_intent.payment_failed', pi, meta);
  for (const hook of state.paymentHooks) hook(pi, 'failed', meta);
  return pi;
}

function capture(state: SandboxState, pi: StripeObject, form: Params, meta: RequestMeta) {
  const p = validate(form as never, {
    amount_to_capture: 'integer',
    application_fee_amount: 'integer',
    metadata: 'metadata',
    statement_descriptor: 'string',
    statement_descriptor_suffix: 'string',
    final_capture: 'boolean',
  });
  if (pi.status !== 'requires_capture') {
    throw unexpectedState(
      'payment_intent_unexpected_state',
      `This PaymentIntent could not be captured because it has a status of ${String(pi.status)}. ` +
        'Only a PaymentIntent with one of the following statuses may be captured: requires_capture.',
    );
  }
  const capturable = pi.amount_capturable as number;
  const amount = (p.amount_to_capture as number | undefined) ?? capturable;
  if (amount > capturable) {
    throw invalidParam(
      'amount_to_capture',
      `The amount to capture (${amount}) must be less than or equal to the amount that is ` +
        `capturable (${capturable}).`,
      'amount_too_large',
    );
  }
  if (amount <= 0) throw invalidParam('amount_to_capture', 'Amount must be greater than 0.');
  if (p.application_fee_amount != null) pi.application_fee_amount = p.application_fee_amount;
  pi.metadata = mergeMetadata(pi.metadata as Record<string, string>, p.metadata);
  const charge = state.store.get('charge', pi.latest_charge as string);
  captureCharge(state, charge, amount);
  pi.amount_capturable = 0;
  pi.amount_received = amount;
  pi.status = 'succeeded';
  state.emit('charge.captured', charge, meta);
  state.emit('payment_intent.succeeded', pi, meta);
  afterCapture(state, pi, charge, meta);
  return pi;
}

function cancel(state: SandboxState, pi: StripeObject, form: Params, meta: RequestMeta) {
  const p = validate(form as never, {
    cancellation_reason: {
      enum: ['duplicate', 'fraudulent', 'requested_by_customer', 'abandoned'],
    },
  });
  if (!CANCELABLE.includes(pi.status as string)) {
    throw unexpectedState(
      'payment_intent_unexpected_state',
      `You cannot cancel this PaymentIntent because it has a status of ${String(pi.status)}. ` +
        `Only a PaymentIntent with one of the following statuses may be canceled: ${CANCELABLE.join(', ')}.`,
    );
  }
  if (pi.status === 'requires_capture') {
    const charge = state.store.get('charge', pi.latest_charge as string);
    charge.amount_refunded = charge.amount;
    charge.refunded = true;
    state.emit('charge.refunded', charge, meta);
  }
  pi.status = 'canceled';
  pi.canceled_at = state.now();
  pi.cancellation_reason = p.cancellation_reason ?? null;
  pi.amount_capturable = 0;
  pi.next_action = null;
  state.emit('payment_intent.canceled', pi, meta);
  return pi;
}

function update(state: SandboxState, pi: StripeObject, form: Params) {
  const p = validate(form as never, UPDATE_SPEC);
  const status = pi.status as string;
  const final = ['succeeded', 'canceled', 'processing', 'requires_capture'].includes(status);
  const moneyFields = ['amount', 'currency', 'payment_method', 'customer', 'capture_method'];
  if (final && moneyFields.some((f) => p[f] !== undefined)) {
    throw unexpectedState(
      'payment_intent_unexpected_state',
      `You cannot update this PaymentIntent because it has a status of ${status}.`,
    );
  }
  checkDescriptors(p);
  if (p.customer) getCustomer(state, p.customer as string);
  const currency = p.currency ? checkCurrency(p.currency as string) : (pi.currency as string);
  const amount = (p.amount as number | undefined) ?? (pi.amount as number);
  if (p.amount !== undefined || p.currency !== undefined) checkChargeAmount(amount, currency);
  for (const f of Object.keys(p)) {
    if (f === 'metadata' || f === 'payment_method' || f === 'transfer_data') continue;
    pi[f] = f === 'currency' ? currency : p[f];
  }
  if (p.transfer_data)
    pi.transfer_data = { ...(pi.transfer_data as object), ...(p.transfer_data as object) };
  pi.metadata = mergeMetadata(pi.metadata as Record<string, string>, p.metadata);
  if (p.payment_method !== undefined) {
    pi.payment_method = p.payment_method
      ? usePaymentMethod(state, pi, p.payment_method as string).id
      : null;
    pi.status = pi.payment_method ? 'requires_confirmation' : 'requires_payment_method';
  }
  return pi;
}

function getPi(state: SandboxState, id: string): StripeObject {
  return state.store.get('payment_intent', id);
}

export function registerPaymentIntentRoutes(router: Router, state: SandboxState): void {
  router.on('POST', '/v1/payment_intents', (c) => createPaymentIntent(state, c.form, c.meta));
  router.on('GET', '/v1/payment_intents/:id', (c) => {
    validate(c.form, { client_secret: 'string' });
    return getPi(state, c.pathParams.id);
  });
  router.on('POST', '/v1/payment_intents/:id', (c) =>
    update(state, getPi(state, c.pathParams.id), c.form),
  );
  router.on('POST', '/v1/payment_intents/:id/confirm', (c) => {
    const pi = getPi(state, c.pathParams.id);
    return confirm(state, pi, validate(c.form, CONFIRM_SPEC), c.meta);
  });
  router.on('POST', '/v1/payment_intents/:id/capture', (c) =>
    capture(state, getPi(state, c.pathParams.id), c.form, c.meta),
  );
  router.on('POST', '/v1/payment_intents/:id/cancel', (c) =>
    cancel(state, getPi(state, c.pathParams.id), c.form, c.meta),
  );
  router.on('GET', '/v1/payment_intents', (c) => {
    const p = validate(c.form, { ...LIST_SPEC, customer: 'string' });
    return paginate(state.store, 'payment_intent', p, '/v1/payment_intents', (o) =>
      p.customer ? o.customer === p.customer : true,
    );
  });
}
