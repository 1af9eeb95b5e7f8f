import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Sequelize } from 'sequelize';
import type { AppConfig } from './config';
import { pingDatabase } from './db/connection';
import { bindMetricsDatabase } from './metrics/db-gauges';
import { httpMetrics } from './metrics/http-metrics';
import { accessLog } from './middleware/access-log';
import { errorHandler, unmatchedRoute } from './middleware/error-handler';
import { createRateLimiter } from './middleware/rate-limit';
import { requestId } from './middleware/request-id';
import type { RequireScope } from './middleware/scope-auth';
import { docsRouter, openApiRoutes } from './routes/docs-routes';
import { healthRoutes, type ReadinessCheck } from './routes/health-routes';
import { metricsRoutes } from './routes/metrics-routes';
import { apiRoutes } from './routes';
import { mountRoutes } from './routes/route-table';
import { createFraudServices, type FraudServices } from './services/fraud/fraud-services';
import type { PaymentActions } from './services/fraud/payment-actions';
import type { AuditAppender } from './services/fraud/review-service';

/** What the HTTP app needs from the process; tests build it with their own. */
export interface AppDeps {
  config: AppConfig;
  sequelize: Sequelize;
  /** Extra readiness checks beside the database (e.g. the worker). */
  readiness?: Record<string, ReadinessCheck>;
  /** Prefix of this app's rate-limit counters, so separate apps in tests do not share them. */
  rateLimitPrefix?: string;
  /** Scope check for API routes; the ops routes fall back to middleware/scope-auth.ts. */
  requireScope?: RequireScope;
  /** Capture/cancel/refund used by the fraud review queue (the payments service). */
  paymentActions?: PaymentActions;
  /** Appends audit rows for review decisions (the audit trail service). */
  audit?: AuditAppender;
  /** Fraud screen and review queue; built from config.ops when not given. */
  fraud?: FraudServices;
}

export interface BuiltApp {
  app: Express;
  /** The fraud screen (for payment routes), review queue and webhook fraud signals. */
  fraud: FraudServices;
  /** Releases what the app holds (rate-limit store timers, Redis client). */
  close(): Promise<void>;
}

/** Paths whose body must reach the handler as raw bytes (signature verification). */
const RAW_BODY_PREFIX = '/webhooks/';

/** Builds the Express app without listening. */
export function createApp(deps: AppDeps): BuiltApp {
  const { config } = deps;
  const fraud =
    deps.fraud ??
    createFraudServices(deps.sequelize, config, {
      audit: deps.audit,
      actions: deps.paymentActions,
    });
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('query parser', 'extended');

  app.use(requestId);
  app.use(accessLog);
  app.use(httpMetrics);
  bindMetricsDatabase(deps.sequelize);
  app.use(helmet());

  const jsonParser = express.json({ limit: config.bodyLimit, strict: true });
  const parseJson: RequestHandler = (req, res, next) =>
    req.path.startsWith(RAW_BODY_PREFIX) ? next() : jsonParser(req, res, next);
  app.use(parseJson);

  const limiter = createRateLimiter({
    windowMs: config.rateLimit.windowMs,
    limit: config.rateLimit.limit,
    sequelize: deps.sequelize,
    redisUrl: config.redisUrl,
    prefix: deps.rateLimitPrefix,
  });
  app.use('/v1', limiter.middleware);

  mountRoutes(app, [
    ...healthRoutes({ database: () => pingDatabase(deps.sequelize), ...deps.readiness }),
    ...openApiRoutes(),
    ...metricsRoutes(config.ops.metricsToken),
    ...apiRoutes({ ...deps, fraud }),
  ]);
  app.use('/docs', docsRouter());

  app.use(unmatchedRoute(app));
  app.use(errorHandler);
  return { app, fraud, close: () => limiter.close() };
}
