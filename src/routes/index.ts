import type { AppDeps } from '../app';
import { buildSubscriptionsDomain } from '../services/subscriptions/subscriptions-domain';
import { createBillingGateway } from '../stripe/billing-gateway';
import type { FraudServices } from '../services/fraud/fraud-services';
import { screenPayments } from '../services/fraud/screened-payment-service';
import type { PaymentsDomain } from '../services/payments-domain';
import { PrometheusWebhookMetrics } from '../metrics/webhook-metrics-binding';
import { opsEventRoutes } from './ops-event-routes';
import { opsPageRoutes } from './ops-page-routes';
import { paymentsApiRoutes } from './payments-routes';
import { subscriptionsApiRoutes } from './subscriptions-routes';
import { reportRoutes } from './report-routes';
import { reviewRoutes } from './review-routes';
import type { RouteSpec } from './route-table';
import { webhookRoutes } from './webhook-routes';

/**
 * Every route of the public API, feature by feature. Each feature module returns its own
 * RouteSpec list; the order here is the order Express matches them in. Payment creation and
 * confirmation go through the fraud screen.
 */
export function apiRoutes(
  deps: AppDeps,
  built: { payments: PaymentsDomain; fraud: FraudServices },
): RouteSpec[] {
  const { fraud } = built;
  const payments = { ...built.payments, payments: screenPayments(built.payments.payments, fraud) };
  const subscriptions = buildSubscriptionsDomain({
    config: deps.config,
    sequelize: deps.sequelize,
    billing: deps.billing ?? createBillingGateway(deps.config),
    clock: deps.clock,
  });
  return [
    ...paymentsApiRoutes(payments),
    ...subscriptionsApiRoutes(subscriptions, payments),
    ...webhookRoutes(deps, deps.webhookMetrics ?? new PrometheusWebhookMetrics()),
    ...opsEventRoutes(deps),
    ...reportRoutes(deps, payments.apiKeys),
    ...reviewRoutes(payments.apiKeys, fraud),
    ...opsPageRoutes(deps, payments, fraud),
  ];
}
