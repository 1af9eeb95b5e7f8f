import { cardFee } from '../core/money';
import { newId } from '../core/ids';
import type { RequestMeta } from '../events/event-log';
import type { SandboxState } from '../core/state';
import type { StripeObject } from '../core/store';
import type { TestCard } from './test-cards';

const TWO_DAYS = 2 * 24 * 60 * 60;

export function createBalanceTransaction(
  state: SandboxState,
  opts: {
    amount: number;
    currency: string;
    source: string;
    type: string;
    category: string;
    description?: string | null;
    fee?: number;
  },
): StripeObject {
  const fee = opts.fee ?? 0;
  const created = state.now();
  const txn: StripeObject = {
    id: newId('txn'),
    object: 'balance_transaction',
    amount: opts.amount,
    available_on: created + TWO_DAYS,
    balance_type: 'payments',
    created,
    currency: opts.currency,
    description: opts.description ?? null,
    exchange_rate: null,
    fee,
    fee_details:
      fee === 0
        ? []
        : [
            {
              amount: fee,
              application: null,
              currency: opts.currency,
              description: 'Stripe processing fees',
              type: 'stripe_fee',
            },
          ],
    net: opts.amount - fee,
    reporting_category: opts.category,
    source: opts.source,
    status: 'pending',
    type: opts.type,
  };
  return state.store.insert(txn);
}

function outcomeFor(card: TestCard): Record<string, unknown> {
  const riskLevel = card.riskLevel ?? 'normal';
  const riskScore =
    riskLevel === 'highest' ? 95 : riskLevel === 'elevated' ? 70 : 20 + (Number(card.last4) % 30);
  const base = {
    advice_code: null,
    network_advice_code: null,
    network_decline_code: null,
    risk_level: riskLevel,
    risk_score: riskScore,
  };
  if (riskLevel === 'highest') {
    return {
      ...base,
      network_status: 'not_sent_to_network',
      reason: 'highest_risk_level',
      seller_message: 'Stripe blocked this payment as too risky.',
      type: 'blocked',
    };
  }
  if (card.decline) {
    return {
      ...base,
      network_status: 'declined_by_network',
      reason: card.decline.declineCode,
      seller_message: 'The bank did not return any further details with this decline.',
      type: 'issuer_declined',
    };
  }
  return {
    ...base,
    network_status: 'approved_by_network',
    reason: riskLevel === 'elevated' ? 'elevated_risk_level' : null,
    seller_message:
      riskLevel === 'elevated'
        ? 'Stripe evaluated this payment as having elevated risk.'
        : 'Payment complete.',
    type: 'authorized',
  };
}

/** `payment_method_details.card` of a charge made with this payment method. */
function cardDetails(pi: StripeObject, pm: StripeObject, card: TestCard) {
  const failed = !!card.decline;
  const pmCard = pm.card as Record<string, unknown>;
  return {
    amount_authorized: failed ? null : pi.amount,
    authorization_code: failed ? null : String(100000 + (Number(card.last4) % 900000)),
    brand: pmCard.brand,
    checks: pmCard.checks,
    country: pmCard.country,
    electronic_commerce_indicator: null,
    exp_month: pmCard.exp_month,
    exp_year: pmCard.exp_year,
    extended_authorization: { status: 'disabled' },
    fingerprint: pmCard.fingerprint,
    funding: pmCard.funding,
    incremental_authorization: { status: 'unavailable' },
    installments: null,
    last4: pmCard.last4,
    mandate: null,
    multicapture: { status: 'unavailable' },
    network: pmCard.brand,
    network_token: { used: false },
    network_transaction_id: failed ? null : newId('ntx').slice(4, 19),
    overcapture: { maximum_amount_capturable: pi.amount, status: 'unavailable' },
    regulated_status: 'unregulated',
    three_d_secure: null,
    transaction_link_id: null,
    wallet: null,
  };
}

/** A card charge for a payment intent: failed for declining cards, else authorized. */
export function createCharge(
  state: SandboxState,
  pi: StripeObject,
  pm: StripeObject,
  card: TestCard,
): StripeObject {
  const id = newId('ch');
  const failed = !!card.decline;
  const charge: StripeObject = {
    id,
    object: 'charge',
    amount: pi.amount,
    amount_captured: 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: pi.application_fee_amount ?? null,
    balance_transaction: null,
    billing_details: structuredClone(pm.billing_details),
    calculated_statement_descriptor: 'SANDBOX',
    captured: false,
    created: state.now(),
    currency: pi.currency,
    customer: pi.customer,
    description: pi.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: failed ? card.decline!.code : null,
    failure_message: failed ? card.decline!.message : null,
    fraud_details: {},
    livemode: false,
    metadata: { ...(pi.metadata as object) },
    on_behalf_of: pi.on_behalf_of ?? null,
    outcome: outcomeFor(card),
    paid: !failed,
    payment_intent: pi.id,
    payment_method: pm.id,
    payment_method_details: { card: cardDetails(pi, pm, card), type: 'card' },
    radar_options: {},
    receipt_email: pi.receipt_email ?? null,
    receipt_number: null,
    receipt_url: `${state.baseUrl}/_sandbox/receipts/${id}`,
    refunded: false,
    refunds: {
      object: 'list',
      data: [],
      has_more: false,
      url: `/v1/charges/${id}/refunds`,
    },
    review: null,
    shipping: pi.shipping ?? null,
    source: null,
    source_transfer: null,
    statement_descriptor: pi.statement_descriptor ?? null,
    statement_descriptor_suffix: pi.statement_descriptor_suffix ?? null,
    status: failed ? 'failed' : 'succeeded',
    transfer_data: pi.transfer_data ? { amount: null, ...(pi.transfer_data as object) } : null,
    transfer_group: pi.transfer_group ?? null,
  };
  return state.store.insert(charge);
}

/** Captures `amount` of an authorized charge and books it in the balance. */
export function captureCharge(state: SandboxState, charge: StripeObject, amount: number): void {
  const currency = charge.currency as string;
  charge.captured = true;
  charge.amount_captured = amount;
  charge.amount_refunded = (charge.amount as number) - amount;
  const txn = createBalanceTransaction(state, {
    amount,
    currency,
    source: charge.id,
    type: 'charge',
    category: 'charge',
    description: charge.description as string | null,
    fee: cardFee(amount, currency),
  });
  if (state.cardOf(charge.payment_method as string)?.bypassPending) {
    txn.status = 'available';
    txn.available_on = txn.created;
  }
  charge.balance_transaction = txn.id;
}

/** Opens the dispute a disputing test card causes, right after its charge succeeded. */
export function openDispute(
  state: SandboxState,
  charge: StripeObject,
  card: TestCard,
  meta: RequestMeta,
): void {
  if (!card.dispute) return;
  const inquiry = card.dispute.status === 'warning_needs_response';
  const created = state.now();
  const id = newId('du');
  const txns: string[] = [];
  if (!inquiry) {
    const txn = createBalanceTransaction(state, {
      amount: -(charge.amount as number),
      currency: charge.currency as string,
      source: id,
      type: 'adjustment',
      category: 'dispute',
      description: `Chargeback withdrawal for ${charge.id}`,
      fee: 1500,
    });
    txns.push(txn.id);
  }
  const dispute: StripeObject = {
    id,
    object: 'dispute',
    amount: charge.amount,
    balance_transactions: txns.map((t) => state.store.find(t)),
    charge: charge.id,
    created,
    currency: charge.currency,
    enhanced_eligibility_types: [],
    evidence: emptyEvidence(),
    evidence_details: {
      due_by: created + 7 * 24 * 60 * 60,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
      submission_method: 'not_submitted',
    },
    intended_submission_method: null,
    is_charge_refundable: inquiry,
    livemode: false,
    metadata: {},
    payment_intent: charge.payment_intent,
    payment_method_details: {
      card: {
        brand: (charge.payment_method_details as { card: { brand: string } }).card.brand,
        case_type: inquiry ? 'inquiry' : 'chargeback',
        network: (charge.payment_method_details as { card: { brand: string } }).card.brand,
        network_reason_code: inquiry ? '10.4' : '83',
      },
      type: 'card',
    },
    reason: card.dispute.reason,
    status: card.dispute.status,
  };
  state.store.insert(dispute);
  charge.disputed = true;
  state.emit('charge.dispute.created', dispute, meta);
  if (!inquiry) state.emit('charge.dispute.funds_withdrawn', dispute, meta);
}

export const EVIDENCE_FIELDS = [
  'access_activity_log',
  'billing_address',
  'cancellation_policy',
  'cancellation_policy_disclosure',
  'cancellation_rebuttal',
  'customer_communication',
  'customer_email_address',
  'customer_name',
  'customer_purchase_ip',
  'customer_signature',
  'duplicate_charge_documentation',
  'duplicate_charge_explanation',
  'duplicate_charge_id',
  'product_description',
  'receipt',
  'refund_policy',
  'refund_policy_disclosure',
  'refund_refusal_explanation',
  'service_date',
  'service_documentation',
  'shipping_address',
  'shipping_carrier',
  'shipping_date',
  'shipping_documentation',
  'shipping_tracking_number',
  'uncategorized_file',
  'uncategorized_text',
] as const;

function emptyEvidence(): Record<string, unknown> {
  const e: Record<string, unknown> = { appeal: null, enhanced_evidence: {} };
  for (const f of EVIDENCE_FIELDS) e[f] = null;
  return e;
}
