import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError } from '../errors/app-error';
import { registry } from '../metrics/registry';
import type { RouteSpec } from './route-table';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** Compares the bearer token in constant time (digests have equal length whatever is sent). */
export function metricsTokenGuard(token: string): RequestHandler {
  const expected = digest(token);
  return (req, _res, next) => {
    const match = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '');
    if (!match || !timingSafeEqual(digest(match[1]!), expected)) {
      next(
        new AppError(
          401,
          'authentication_error',
          'invalid_metrics_token',
          'A valid metrics token is required: Authorization: Bearer <METRICS_TOKEN>.',
        ),
      );
      return;
    }
    next();
  };
}

const exposition: RequestHandler = async (_req, res) => {
  const text = await registry.metrics();
  res.set('Content-Type', registry.contentType).set('Cache-Control', 'no-store').send(text);
};

/** GET /metrics in the Prometheus text format, for a scraper holding METRICS_TOKEN. */
export function metricsRoutes(token: string): RouteSpec[] {
  return [{ method: 'get', path: '/metrics', handlers: [metricsTokenGuard(token), exposition] }];
}
