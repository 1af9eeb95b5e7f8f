import type { PaymentStatus } from '../models/payment';

/**
 * Which statuses a payment may come from to reach each status: Stripe's state machine, read
 * forwards. A payment never goes back: a late or stale answer (a slow retrieve, an old
 * webhook) that would move it to a status not reachable from where it is, is ignored. Only a
 * decline or a failed authentication returns a payment to requires_payment_method, as
 * Stripe does, and succeeded and canceled are final.
 */
const REACHABLE_FROM: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  requires_payment_method: [
    'requires_payment_method',
    'requires_confirmation',
    'requires_action',
    'processing',
  ],
  requires_confirmation: ['requires_payment_method', 'requires_confirmation'],
  requires_action: ['requires_payment_method', 'requires_confirmation', 'requires_action'],
  processing: ['requires_payment_method', 'requires_confirmation', 'requires_action', 'processing'],
  requires_capture: [
    'requires_payment_method',
    'requires_confirmation',
    'requires_action',
    'processing',
    'requires_capture',
  ],
  succeeded: [
    'requires_payment_method',
    'requires_confirmation',
    'requires_action',
    'processing',
    'requires_capture',
    'succeeded',
  ],
  canceled: [
    'requires_payment_method',
    'requires_confirmation',
    'requires_action',
    'processing',
    'requires_capture',
    'canceled',
  ],
};

/** Statuses from which `to` may be applied (including `to` itself, to refresh fields). */
export function statusesLeadingTo(to: PaymentStatus): readonly PaymentStatus[] {
  return REACHABLE_FROM[to];
}

export function canMove(from: PaymentStatus, to: PaymentStatus): boolean {
  return REACHABLE_FROM[to].includes(from);
}

export const CANCELABLE: readonly PaymentStatus[] = [
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
  'processing',
  'requires_capture',
];

export const CONFIRMABLE: readonly PaymentStatus[] = [
  'requires_payment_method',
  'requires_confirmation',
];
