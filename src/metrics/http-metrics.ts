import type { RequestHandler } from 'express';
import { httpRequestDuration, httpRequestsTotal } from './registry';

/**
 * Counts and times every answer by its route template (`/v1/payments/{id}`), never the raw
 * path, so ids cannot blow up the label set. Unmatched paths share one label.
 */
export const httpMetrics: RequestHandler = (req, res, next) => {
  const end = httpRequestDuration.startTimer();
  res.on('finish', () => {
    const labels = {
      method: req.method,
      route: req.routeTemplate ?? 'unmatched',
      status: String(res.statusCode),
    };
    end(labels);
    httpRequestsTotal.inc(labels);
  });
  next();
};
