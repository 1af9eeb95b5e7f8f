import { accessAt, type AccessInput } from '../../../src/services/subscriptions/entitlement-rules';

const DAY = 86400;
const NOW = 1_800_000_000;
const GRACE = 7 * DAY;

function sub(overrides: Partial<AccessInput>): AccessInput {
  return {
    status: 'active',
    currentPeriodStart: NOW - 10 * DAY,
    currentPeriodEnd: NOW + 20 * DAY,
    trialEnd: null,
    cancelAtPeriodEnd: false,
    cancelAt: null,
    endedAt: null,
    ...overrides,
  };
}

describe('accessAt', () => {
  test('When active, then access lasts until the end of the paid period', () => {
    expect(accessAt(sub({}), NOW, GRACE)).toEqual({
      access: true,
      accessUntil: NOW + 20 * DAY,
      reason: 'active',
    });
  });

  test('When trialing, then access lasts until the trial ends', () => {
    const trial = sub({ status: 'trialing', trialEnd: NOW + 3 * DAY });
    expect(accessAt(trial, NOW, GRACE)).toMatchObject({ access: true, accessUntil: NOW + 3 * DAY });
  });

  test('When set to cancel at period end, then access stays until the period ends', () => {
    const leaving = sub({ cancelAtPeriodEnd: true, cancelAt: NOW + 20 * DAY });
    expect(accessAt(leaving, NOW, GRACE)).toEqual({
      access: true,
      accessUntil: NOW + 20 * DAY,
      reason: 'cancels_at_period_end',
    });
    expect(accessAt(leaving, NOW + 20 * DAY, GRACE).access).toBe(false);
  });

  test('When past_due inside the grace period, then access stays until the grace ends', () => {
    const late = sub({ status: 'past_due', currentPeriodStart: NOW - 2 * DAY });
    expect(accessAt(late, NOW, GRACE)).toEqual({
      access: true,
      accessUntil: NOW + 5 * DAY,
      reason: 'grace_period',
    });
  });

  test('When past_due after the grace period, then there is no access', () => {
    const late = sub({ status: 'past_due', currentPeriodStart: NOW - 8 * DAY });
    expect(accessAt(late, NOW, GRACE)).toMatchObject({
      access: false,
      reason: 'grace_period_over',
    });
  });

  test('When the grace period is zero, then past_due has no access at once', () => {
    const late = sub({ status: 'past_due', currentPeriodStart: NOW });
    expect(accessAt(late, NOW, 0).access).toBe(false);
  });

  test.each(['incomplete', 'incomplete_expired', 'unpaid', 'canceled', 'paused'] as const)(
    'When %s, then there is never access, even inside the period',
    (status) => {
      expect(accessAt(sub({ status }), NOW, GRACE).access).toBe(false);
    },
  );

  test('When active but the period end has passed without an event, then access has ended', () => {
    expect(accessAt(sub({ currentPeriodEnd: NOW - 1 }), NOW, GRACE)).toMatchObject({
      access: false,
      reason: 'period_over',
    });
  });
});
