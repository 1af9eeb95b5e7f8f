import type { AppDeps } from '../app';
import { buildPaymentsDomain } from '../services/payments-domain';
import { buildSubscriptionsDomain } from '../services/subscriptions/subscriptions-domain';
import { createBillingGateway } from '../stripe/billing-gateway';
import { CountingWebhookMetrics } from '../services/webhooks/webhook-metrics';
import { createGateway } from '../stripe/default-gateway';
import { resolveKeyring } from '../utils/encryption';
import { opsEventRoutes } from './ops-event-routes';
import { paymentsApiRoutes } from './payments-routes';
import { subscriptionsApiRoutes } from './subscriptions-routes';
import type { RouteSpec } from './route-table';
import { webhookRoutes } from './webhook-routes';

/**
 * Every route of the public API, feature by feature. Each feature module returns its own
 * RouteSpec list; the order here is the order Express matches them in.
 */
export function apiRoutes(deps: AppDeps): RouteSpec[] {
  const payments = buildPaymentsDomain({
    config: deps.config,
    sequelize: deps.sequelize,
    stripe: deps.stripe ?? createGateway(deps.config),
    keyring: deps.piiKeyring ?? resolveKeyring(deps.config, { persist: false }),
  });
  const subscriptions = buildSubscriptionsDomain({
    config: deps.config,
    sequelize: deps.sequelize,
    billing: deps.billing ?? createBillingGateway(deps.config),
    clock: deps.clock,
  });
  return [
    ...paymentsApiRoutes(payments),
    ...subscriptionsApiRoutes(subscriptions, payments),
    ...webhookRoutes(deps, deps.webhookMetrics ?? new CountingWebhookMetrics()),
    ...opsEventRoutes(deps),
  ];
}
