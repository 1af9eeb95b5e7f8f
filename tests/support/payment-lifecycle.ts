import { eventBody, randomId } from './stripe-events';

export interface LifecycleIds {
  paymentIntent: string;
  charge: string;
  refund: string;
  dispute: string;
}

export function lifecycleIds(): LifecycleIds {
  return {
    paymentIntent: randomId('pi'),
    charge: randomId('ch'),
    refund: randomId('re'),
    dispute: randomId('dp'),
  };
}

/**
 * The events of one payment's life, in the order Stripe creates them, shaped like the
 * 2020-03-02 fixtures (charges embedded in the intent, refunds embedded in the charge): created,
 * requires_action, succeeded with its charge, a partial refund, a dispute opened then lost.
 */
export function paymentLifecycle(ids: LifecycleIds, t0: number): string[] {
  const amount = 5000;
  const intent = (status: string, extra: Record<string, unknown> = {}) => ({
    id: ids.paymentIntent,
    object: 'payment_intent',
    amount,
    amount_capturable: 0,
    amount_received: 0,
    capture_method: 'automatic',
    currency: 'eur',
    created: t0,
    customer: null,
    description: 'lifecycle',
    metadata: { order: 'A-1' },
    last_payment_error: null,
    charges: { object: 'list', data: [], has_more: false },
    status,
    ...extra,
  });
  const refund = {
    id: ids.refund,
    object: 'refund',
    amount: 1500,
    charge: ids.charge,
    currency: 'eur',
    payment_intent: ids.paymentIntent,
    created: t0 + 3,
    reason: 'requested_by_customer',
    status: 'succeeded',
  };
  const charge = (extra: Record<string, unknown> = {}) => ({
    id: ids.charge,
    object: 'charge',
    amount,
    amount_captured: amount,
    amount_refunded: 0,
    captured: true,
    currency: 'eur',
    created: t0 + 2,
    disputed: false,
    outcome: { risk_level: 'normal', risk_score: 12, type: 'authorized' },
    payment_intent: ids.paymentIntent,
    refunded: false,
    refunds: { object: 'list', data: [], has_more: false },
    status: 'succeeded',
    ...extra,
  });
  const dispute = (status: string) => ({
    id: ids.dispute,
    object: 'dispute',
    amount: 3500,
    charge: ids.charge,
    currency: 'eur',
    created: t0 + 4,
    evidence_details: { due_by: t0 + 86400 },
    payment_intent: ids.paymentIntent,
    reason: 'fraudulent',
    status,
  });
  return [
    eventBody('payment_intent.created', intent('requires_payment_method'), t0),
    eventBody('payment_intent.requires_action', intent('requires_action'), t0 + 1),
    eventBody(
      'payment_intent.succeeded',
      intent('succeeded', {
        amount_received: amount,
        charges: { object: 'list', data: [charge()], has_more: false },
      }),
      t0 + 2,
    ),
    eventBody('charge.succeeded', charge(), t0 + 2),
    eventBody(
      'charge.refunded',
      charge({
        amount_refunded: 1500,
        refunds: { object: 'list', data: [refund], has_more: false },
      }),
      t0 + 3,
    ),
    eventBody('refund.created', refund, t0 + 3),
    eventBody('charge.dispute.created', dispute('needs_response'), t0 + 4),
    eventBody('charge.dispute.closed', dispute('lost'), t0 + 5),
  ];
}

/** A deterministic shuffle (mulberry32), so a failing order can be reproduced. */
export function shuffled<T>(items: T[], seed: number): T[] {
  let a = seed;
  const random = (): number => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
