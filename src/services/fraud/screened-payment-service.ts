import { AppError } from '../../errors/app-error';
import { currentClientIp } from '../../middleware/fraud-screen';
import { checkChargeAmount } from '../../utils/money';
import type { PaymentService } from '../payment-service';
import type { FraudServices } from './fraud-services';
import type { ScreenResult } from './fraud-screen';

function blocked(result: ScreenResult): AppError {
  return new AppError(
    403,
    'fraud_error',
    'payment_blocked',
    'This payment was blocked by fraud screening.',
    { extra: { screening_id: result.id } },
  );
}

/** The payment an error left behind (a decline still creates the payment row). */
function paymentIdOf(err: unknown): string | undefined {
  const id = err instanceof AppError ? err.extra?.payment_id : undefined;
  return typeof id === 'string' ? id : undefined;
}

/**
 * The payments service with the fraud screen in front of create and confirm:
 * - block: 403 `payment_blocked` before any Stripe call, nothing created;
 * - review: the payment is made with manual capture (the funds are only authorized) and a
 *   review is opened for ops, who capture or cancel it;
 * - allow: unchanged.
 * Every attempt is linked to its payment, and a declined one is marked, for the velocity,
 * decline-rate and card-testing rules.
 */
export function screenPayments(payments: PaymentService, fraud: FraudServices): PaymentService {
  const screened = Object.create(payments) as PaymentService;

  const settle = async (
    result: ScreenResult,
    run: () => ReturnType<PaymentService['create']>,
  ): ReturnType<PaymentService['create']> => {
    let view;
    try {
      view = await run();
    } catch (err) {
      const paymentId = paymentIdOf(err);
      if (paymentId) await fraud.screen.attachPayment(result.id, paymentId);
      if (err instanceof AppError && err.status === 402) await fraud.screen.markDeclined(result.id);
      throw err;
    }
    await fraud.screen.attachPayment(result.id, view.id);
    if (result.decision === 'review') {
      await fraud.reviews.open({
        paymentId: view.id,
        source: 'screen',
        screeningId: result.id,
        reasons: result.reasons,
      });
    }
    return view;
  };

  // Limitation: a create retried with the same Idempotency-Key after a failure (a 502) is
  // screened again and counts as a second attempt, because the screen runs before the payments
  // service's own replay check; screening inside the idempotent section would fix it.
  screened.create = async (principal, input, scope) => {
    // An amount the payments service refuses anyway gets its 400, not a fraud decision.
    if (checkChargeAmount(input.amount, input.currency.toLowerCase())) {
      return payments.create(principal, input, scope);
    }
    const result = await fraud.screen.screen({
      stage: 'create',
      ownerId: principal.ownerId,
      amount: input.amount,
      currency: input.currency,
      customerId: input.customer ?? null,
      email: input.receipt_email ?? null,
      ip: currentClientIp(),
    });
    if (result.decision === 'block') throw blocked(result);
    const held =
      result.decision === 'review' ? { ...input, capture_method: 'manual' as const } : input;
    return settle(result, () => payments.create(principal, held, scope));
  };

  screened.confirm = async (principal, id, input, scope) => {
    const row = await payments.find(principal, id);
    const result = await fraud.screen.screen({
      stage: 'confirm',
      ownerId: principal.ownerId,
      amount: row.amount,
      currency: row.currency,
      customerId: row.customerId,
      ip: currentClientIp(),
      paymentId: row.id,
    });
    if (result.decision === 'block') throw blocked(result);
    const held =
      result.decision === 'review' ? { ...input, capture_method: 'manual' as const } : input;
    return settle(result, () => payments.confirm(principal, id, held, scope));
  };

  return screened;
}
