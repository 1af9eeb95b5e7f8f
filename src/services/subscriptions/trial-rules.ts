import { badRequest } from '../../errors/app-error';

/** Stripe refuses trials longer than two years. */
export const MAX_TRIAL_DAYS = 730;
const DAY = 86400;

export interface TrialInput {
  trial_period_days?: number;
  trial_end?: number;
}

/**
 * The trial end to send Stripe, or none. Zero days means no trial; a trial end must be in the
 * future and at most two years away; days and an end date together are ambiguous. Each refusal
 * is a 400 naming the field.
 */
export function trialEndFor(input: TrialInput, now: number): number | undefined {
  const { trial_period_days: days, trial_end: end } = input;
  if (days !== undefined && end !== undefined) {
    throw badRequest('trial_conflict', 'Give trial_period_days or trial_end, not both.', [
      { field: 'trial_end', message: 'cannot be combined with trial_period_days' },
    ]);
  }
  if (days !== undefined) {
    if (!Number.isInteger(days) || days < 0 || days > MAX_TRIAL_DAYS) {
      throw badRequest('trial_invalid', `trial_period_days must be 0 to ${MAX_TRIAL_DAYS}.`, [
        { field: 'trial_period_days', message: `must be an integer from 0 to ${MAX_TRIAL_DAYS}` },
      ]);
    }
    return days === 0 ? undefined : now + days * DAY;
  }
  if (end === undefined) return undefined;
  if (end <= now) {
    throw badRequest('trial_invalid', 'trial_end must be in the future.', [
      { field: 'trial_end', message: 'is in the past' },
    ]);
  }
  if (end > now + MAX_TRIAL_DAYS * DAY) {
    throw badRequest('trial_invalid', `A trial can last at most ${MAX_TRIAL_DAYS} days.`, [
      { field: 'trial_end', message: `is more than ${MAX_TRIAL_DAYS} days away` },
    ]);
  }
  return end;
}
