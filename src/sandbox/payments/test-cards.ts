/** How a test card behaves when charged. */
export interface CardDecline {
  code: string;
  declineCode: string;
  message: string;
}

export interface TestCard {
  brand: 'visa' | 'mastercard' | 'amex';
  last4: string;
  funding: 'credit' | 'debit';
  country: string;
  decline?: CardDecline;
  /** Every charge needs 3-D Secure authentication first. */
  requiresAuthentication?: boolean;
  riskLevel?: 'normal' | 'elevated' | 'highest';
  /** A dispute opens right after a successful charge. */
  dispute?: { reason: string; status: 'needs_response' | 'warning_needs_response' };
  /** Refunds start as succeeded, then fail a moment later. */
  refundFails?: boolean;
  /** Funds skip the pending balance and are available at once. */
  bypassPending?: boolean;
}

const GENERIC: CardDecline = {
  code: 'card_declined',
  declineCode: 'generic_decline',
  message: 'Your card was declined.',
};

const visa = (last4: string, extra: Partial<TestCard> = {}): TestCard => ({
  brand: 'visa',
  last4,
  funding: 'credit',
  country: 'US',
  ...extra,
});

/**
 * Stripe's test payment methods by id, with the card numbers' last four digits from Stripe's
 * testing guide. Each use of one of these ids creates a new `pm_…` with these details.
 */
export const TEST_CARDS: Readonly<Record<string, TestCard>> = {
  pm_card_visa: visa('4242'),
  pm_card_visa_debit: visa('5556', { funding: 'debit' }),
  pm_card_mastercard: { brand: 'mastercard', last4: '4444', funding: 'credit', country: 'US' },
  pm_card_amex: { brand: 'amex', last4: '8431', funding: 'credit', country: 'US' },
  pm_card_bypassPending: visa('0077', { bypassPending: true }),
  pm_card_chargeDeclined: visa('0002', { decline: GENERIC }),
  pm_card_visa_chargeDeclined: visa('0002', { decline: GENERIC }),
  pm_card_chargeDeclinedInsufficientFunds: visa('9995', {
    decline: {
      code: 'card_declined',
      declineCode: 'insufficient_funds',
      message: 'Your card has insufficient funds.',
    },
  }),
  pm_card_chargeDeclinedFraudulent: visa('0019', {
    decline: { code: 'card_declined', declineCode: 'fraudulent', message: GENERIC.message },
  }),
  pm_card_chargeDeclinedLostCard: visa('9987', {
    decline: { code: 'card_declined', declineCode: 'lost_card', message: GENERIC.message },
  }),
  pm_card_chargeDeclinedStolenCard: visa('9979', {
    decline: { code: 'card_declined', declineCode: 'stolen_card', message: GENERIC.message },
  }),
  pm_card_chargeDeclinedExpiredCard: visa('0069', {
    decline: {
      code: 'expired_card',
      declineCode: 'expired_card',
      message: 'Your card has expired.',
    },
  }),
  pm_card_chargeDeclinedIncorrectCvc: visa('0127', {
    decline: {
      code: 'incorrect_cvc',
      declineCode: 'incorrect_cvc',
      message: "Your card's security code is incorrect.",
    },
  }),
  pm_card_chargeDeclinedProcessingError: visa('0119', {
    decline: {
      code: 'processing_error',
      declineCode: 'processing_error',
      message: 'An error occurred while processing your card. Try again in a little bit.',
    },
  }),
  pm_card_threeDSecure2Required: visa('3220', { requiresAuthentication: true }),
  pm_card_authenticationRequired: visa('3184', { requiresAuthentication: true }),
  pm_card_riskLevelElevated: visa('9235', { riskLevel: 'elevated' }),
  pm_card_riskLevelHighest: visa('4954', {
    riskLevel: 'highest',
    decline: { code: 'card_declined', declineCode: 'fraudulent', message: GENERIC.message },
  }),
  pm_card_createDispute: visa('0259', {
    dispute: { reason: 'fraudulent', status: 'needs_response' },
  }),
  pm_card_createDisputeInquiry: visa('1976', {
    dispute: { reason: 'general', status: 'warning_needs_response' },
  }),
  pm_card_createDisputeProductNotReceived: visa('2685', {
    dispute: { reason: 'product_not_received', status: 'needs_response' },
  }),
  pm_card_chargeCustomerFail: visa('0341', { decline: GENERIC }),
  pm_card_refundFail: visa('5126', { refundFails: true }),
};

export function isTestCardId(id: string): boolean {
  return Object.prototype.hasOwnProperty.call(TEST_CARDS, id);
}
