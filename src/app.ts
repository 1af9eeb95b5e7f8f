import express, { type Express, type Request, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Sequelize } from 'sequelize';
import type { AppConfig } from './config';
import { AppError } from './errors/app-error';
import { pingDatabase } from './db/connection';
import { bindMetricsDatabase } from './metrics/db-gauges';
import { httpMetrics } from './metrics/http-metrics';
import { accessLog } from './middleware/access-log';
import { errorHandler, unmatchedRoute } from './middleware/error-handler';
import { createRateLimiter } from './middleware/rate-limit';
import { requestId } from './middleware/request-id';
import { clientIpContext } from './middleware/fraud-screen';
import { docsRouter, openApiRoutes } from './routes/docs-routes';
import { healthRoutes, type ReadinessCheck } from './routes/health-routes';
import { metricsRoutes } from './routes/metrics-routes';
import { apiRoutes } from './routes';
import { mountRoutes } from './routes/route-table';
import type { BillingGateway } from './stripe/billing-gateway';
import { createFraudServices, type FraudServices } from './services/fraud/fraud-services';
import { paymentActionsFor, type PaymentActions } from './services/fraud/payment-actions';
import { buildPaymentsDomain, type PaymentsDomain } from './services/payments-domain';
import type { WebhookMetrics } from './services/webhooks/webhook-metrics';
import { appendAudit } from './services/audit-service';
import { createGateway } from './stripe/default-gateway';
import { resolveKeyring } from './utils/encryption';
import type { StripeGateway } from './stripe/stripe-gateway';
import { cardGuard } from './middleware/card-guard';
import { requireHttpsInLiveMode } from './middleware/live-mode';
import type { Keyring } from './utils/encryption';

/** What the HTTP app needs from the process; tests build it with their own. */
export interface AppDeps {
  config: AppConfig;
  sequelize: Sequelize;
  /** Extra readiness checks beside the database (e.g. the worker). */
  readiness?: Record<string, ReadinessCheck>;
  /** Prefix of this app's rate-limit counters, so separate apps in tests do not share them. */
  rateLimitPrefix?: string;
  /** Stripe, as the payments domain calls it; default: from config (Stripe or the sandbox). */
  stripe?: StripeGateway;
  /** Keys encrypting personal fields; default: from config (a per-process key in tests). */
  piiKeyring?: Keyring;
  /**
   * Secrets that sign genuine webhook deliveries: config.stripeWebhookSecrets plus, in the
   * embedded mode, the secret of the endpoint registered with the sandbox at start-up.
   */
  webhookSecrets?: string[];
  /** Stripe Billing, as the subscriptions domain calls it; default: from config. */
  billing?: BillingGateway;
  /**
   * The current Unix second, for entitlements and trial checks; default: the wall clock.
   * Tests pass the sandbox's clock, which they advance.
   */
  clock?: () => number;
  /** Signing secrets of the Connect endpoint beside `config.stripeConnectWebhookSecrets`. */
  connectWebhookSecrets?: string[];
  /** Counters of the webhook pipeline; the monitoring side binds them to its registry. */
  webhookMetrics?: WebhookMetrics;
  /** `false` serves health and documentation only (a process with SERVICE_ROLE=worker). */
  serveApi?: boolean;
  /** Capture/cancel/refund for review decisions; default: the payments domain's. */
  paymentActions?: PaymentActions;
}

export interface BuiltApp {
  app: Express;
  /** The fraud screen, review queue and webhook fraud signals of this app. */
  fraud: FraudServices;
  /** Releases what the app holds (rate-limit store timers, Redis client). */
  close(): Promise<void>;
}

/** Paths whose body must reach the handler as raw bytes (signature verification). */
const RAW_BODY_PREFIX = '/webhooks/';

/** As Node's parsers decide it: a chunked body, or a declared length above zero. */
const hasBody = (req: Request): boolean =>
  req.headers['transfer-encoding'] !== undefined ||
  (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');

/**
 * A body that is not JSON (form-encoded, text) would be skipped by the JSON parser and read
 * as no body at all; it is refused instead, so the caller learns what went wrong.
 */
const requireJsonBody: RequestHandler = (req, _res, next) => {
  if (req.path.startsWith(RAW_BODY_PREFIX) || !hasBody(req) || req.is('application/json')) {
    return next();
  }
  next(
    new AppError(
      415,
      'invalid_request_error',
      'unsupported_media_type',
      'Send the body as JSON with Content-Type: application/json.',
    ),
  );
};

/** Builds the Express app without listening. */
export function createApp(deps: AppDeps): BuiltApp {
  const { config } = deps;
  const payments: PaymentsDomain = buildPaymentsDomain({
    config,
    sequelize: deps.sequelize,
    stripe: deps.stripe ?? createGateway(config),
    keyring: deps.piiKeyring ?? resolveKeyring(config, { persist: false }),
  });
  const fraud = createFraudServices(deps.sequelize, config, {
    audit: appendAudit,
    actions: deps.paymentActions ?? paymentActionsFor(payments),
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
  app.use(requireJsonBody);

  const limiter = createRateLimiter({
    windowMs: config.rateLimit.windowMs,
    limit: config.rateLimit.limit,
    sequelize: deps.sequelize,
    redisUrl: config.redisUrl,
    prefix: deps.rateLimitPrefix,
  });
  app.use('/v1', limiter.middleware);
  app.use('/v1', requireHttpsInLiveMode(config), cardGuard, clientIpContext);

  mountRoutes(app, [
    ...healthRoutes({ database: () => pingDatabase(deps.sequelize), ...deps.readiness }),
    ...openApiRoutes(),
    ...metricsRoutes(config.ops.metricsToken),
    ...(deps.serveApi === false ? [] : apiRoutes(deps, { payments, fraud })),
  ]);
  app.use('/docs', docsRouter());

  app.use(unmatchedRoute(app));
  app.use(errorHandler);
  return { app, fraud, close: () => limiter.close() };
}
