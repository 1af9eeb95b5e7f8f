import type { SubscriptionStatus } from '../../models/subscription';

/** The subscription fields access depends on. */
export interface AccessInput {
  status: SubscriptionStatus;
  currentPeriodStart: number | null;
  currentPeriodEnd: number | null;
  trialEnd: number | null;
  cancelAtPeriodEnd: boolean;
  cancelAt: number | null;
  endedAt: number | null;
}

/** Why a subscription does or does not give access, for the storefront to act on. */
export type AccessReason =
  | 'active'
  | 'trialing'
  | 'cancels_at_period_end'
  | 'grace_period'
  | 'grace_period_over'
  | 'payment_incomplete'
  | 'unpaid'
  | 'canceled'
  | 'paused'
  | 'period_over';

export interface Access {
  access: boolean;
  /** Unix second access lasts until (exclusive); null when there is none. */
  accessUntil: number | null;
  reason: AccessReason;
}

/**
 * What one subscription grants at `now` (Unix seconds):
 * - active: until the end of the paid period (a scheduled cancellation ends access there too);
 * - trialing: until the trial ends;
 * - past_due: for `graceSeconds` after the unpaid period began, while Stripe retries;
 * - incomplete, incomplete_expired, unpaid, canceled and paused: never.
 * Access ends at `accessUntil` even if no event has arrived yet to change the status, so a
 * late webhook cannot stretch it.
 */
export function accessAt(sub: AccessInput, now: number, graceSeconds: number): Access {
  const until = (end: number | null, reason: AccessReason): Access =>
    end !== null && now < end
      ? { access: true, accessUntil: end, reason }
      : { access: false, accessUntil: end, reason: 'period_over' };
  switch (sub.status) {
    case 'active': {
      const end = sub.cancelAt ?? sub.currentPeriodEnd;
      return until(end, sub.cancelAtPeriodEnd || sub.cancelAt ? 'cancels_at_period_end' : 'active');
    }
    case 'trialing':
      return until(sub.trialEnd ?? sub.currentPeriodEnd, 'trialing');
    case 'past_due': {
      const graceEnd = (sub.currentPeriodStart ?? now) + graceSeconds;
      return now < graceEnd
        ? { access: true, accessUntil: graceEnd, reason: 'grace_period' }
        : { access: false, accessUntil: graceEnd, reason: 'grace_period_over' };
    }
    case 'incomplete':
    case 'incomplete_expired':
      return { access: false, accessUntil: null, reason: 'payment_incomplete' };
    case 'unpaid':
      return { access: false, accessUntil: null, reason: 'unpaid' };
    case 'paused':
      return { access: false, accessUntil: null, reason: 'paused' };
    case 'canceled':
      return { access: false, accessUntil: sub.endedAt, reason: 'canceled' };
  }
}
