import type { RequestHandler } from 'express';
import { AppError } from '../errors/app-error';
import { containsCardNumber } from '../utils/card-data';

function holdsCardNumber(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return containsCardNumber(value);
  if (typeof value === 'number') return containsCardNumber(String(value));
  if (value === null || typeof value !== 'object' || depth > 16) return false;
  const items = Array.isArray(value) ? value : [...Object.keys(value), ...Object.values(value)];
  return items.some((item) => holdsCardNumber(item, depth + 1));
}

function decodedPath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/**
 * Refuses any request whose body, query or path holds something that looks like a card
 * number (13–19 digits, passing Luhn), before validation, storage or any log could see it.
 * The answer names no field and echoes nothing.
 */
export const cardGuard: RequestHandler = (req, _res, next) => {
  if (
    holdsCardNumber(req.body) ||
    holdsCardNumber(req.query) ||
    containsCardNumber(decodedPath(req.path))
  ) {
    req.body = undefined;
    throw new AppError(
      400,
      'invalid_request_error',
      'card_data_not_accepted',
      'Raw card data is not accepted. Collect cards with Stripe on the front end and send ' +
        'the payment method id (pm_…) instead.',
    );
  }
  next();
};
