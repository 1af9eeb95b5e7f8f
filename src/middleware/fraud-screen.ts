import type { RequestHandler, Response } from 'express';
import { AppError } from '../errors/app-error';
import type { FraudScreen, ScreenInput, ScreenResult } from '../services/fraud/fraud-screen';

/** Reads what the screen needs from a payment request (body already validated). */
export type ScreenInputOf = (
  req: Parameters<RequestHandler>[0],
  res: Response,
) => Promise<Omit<ScreenInput, 'ip'>> | Omit<ScreenInput, 'ip'>;

/**
 * Screens a payment create or confirm before the handler calls Stripe. Block: 403
 * `fraud_error` / `payment_blocked` and the handler never runs. Review: the handler runs with
 * `res.locals.fraud` set and must create the payment with manual capture and open a review
 * (`fraud.reviews.open`) once the payment row exists. The client IP comes from Express
 * (`trust proxy` decides which header is believed).
 */
export function fraudScreen(screen: FraudScreen, inputOf: ScreenInputOf): RequestHandler {
  return async (req, res, next) => {
    const input = await inputOf(req, res);
    const result = await screen.screen({ ...input, ip: req.ip ?? null });
    if (result.decision === 'block') {
      throw new AppError(
        403,
        'fraud_error',
        'payment_blocked',
        'This payment was blocked by fraud screening.',
        {
          extra: { screening_id: result.id, reasons: result.reasons.map((r) => r.rule) },
        },
      );
    }
    res.locals.fraud = result;
    next();
  };
}

/** The screening result of this request, set by fraudScreen. */
export function screeningOf(res: Response): ScreenResult | undefined {
  return res.locals.fraud as ScreenResult | undefined;
}
