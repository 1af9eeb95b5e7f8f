import { PAYMENT_STATUSES } from '../../src/models/payment';
import { canMove } from '../../src/services/payment-status';

describe('payment status only moves forward', () => {
  test('When final, then a payment never leaves succeeded or canceled', () => {
    for (const to of PAYMENT_STATUSES) {
      if (to !== 'succeeded') expect(canMove('succeeded', to)).toBe(false);
      if (to !== 'canceled') expect(canMove('canceled', to)).toBe(false);
    }
  });

  test.each([
    ['requires_payment_method', 'succeeded', true],
    ['requires_action', 'requires_payment_method', true],
    ['requires_capture', 'succeeded', true],
    ['requires_capture', 'requires_action', false],
    ['requires_capture', 'requires_payment_method', false],
    ['processing', 'requires_confirmation', false],
  ] as const)('When %s receives %s, then allowed is %s', (from, to, allowed) => {
    expect(canMove(from, to)).toBe(allowed);
  });
});
