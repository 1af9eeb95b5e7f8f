import type { RequestHandler } from 'express';
import { logger } from '../utils/logger';

/** One line per request, written when the answer is finished. No body, no query string. */
export const accessLog: RequestHandler = (req, res, next) => {
  const started = process.hrtime.bigint();
  res.on('finish', () => {
    const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
    logger.info('http request', {
      requestId: req.id,
      method: req.method,
      route: req.routeTemplate ?? 'unmatched',
      status: res.statusCode,
      durationMs: Math.round(durationMs * 100) / 100,
    });
  });
  next();
};
