/**
 * The ordering guard. Each row remembers `stripe_event_at`, the `created` second of the newest
 * Stripe state applied to it. An event applies only when it is newer; within the same second
 * (Stripe's timestamps have one-second resolution, and a payment's events often share one) the
 * object's own state decides: a state further along its life wins over an earlier one.
 */
export function shouldApply(
  stored: { stripeEventAt: number | string; rank: number },
  incoming: { at: number; rank: number },
): boolean {
  const storedAt = Number(stored.stripeEventAt);
  if (incoming.at !== storedAt) return incoming.at > storedAt;
  return incoming.rank >= stored.rank;
}

/** Rank of a payment intent status: how far along its life it is. */
export function paymentIntentRank(status: string): number {
  switch (status) {
    case 'requires_payment_method':
      return 0;
    case 'requires_confirmation':
      return 1;
    case 'requires_action':
      return 2;
    case 'processing':
      return 3;
    case 'requires_capture':
      return 4;
    case 'succeeded':
    case 'canceled':
      return 5;
    default:
      return 0;
  }
}

export function chargeRank(status: string, amountRefunded: number): number {
  // A charge only ever gains refunds; a bigger refunded amount is later state.
  return (status === 'pending' ? 0 : 1) * 1e12 + amountRefunded;
}

export function refundRank(status: string): number {
  return status === 'pending' || status === 'requires_action' ? 0 : 1;
}

export function disputeRank(status: string): number {
  if (status === 'won' || status === 'lost' || status === 'warning_closed') return 2;
  if (status === 'under_review' || status === 'warning_under_review') return 1;
  return 0;
}
