import type { RequestHandler } from 'express';
import type { AppConfig } from '../config';
import { AppError } from '../errors/app-error';

/**
 * With a live Stripe key the API refuses plain HTTP: API keys and payment data must not cross
 * a network in clear. Behind a TLS-terminating proxy, set TRUST_PROXY so `req.secure` sees
 * X-Forwarded-Proto. Other modes pass everything through.
 */
export function requireHttpsInLiveMode(config: AppConfig): RequestHandler {
  if (config.stripeMode !== 'live') return (_req, _res, next) => next();
  return (req, _res, next) => {
    if (req.secure) return next();
    next(
      new AppError(
        403,
        'permission_error',
        'https_required',
        'This service only accepts HTTPS in live mode.',
      ),
    );
  };
}
