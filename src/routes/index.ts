import type { AppDeps } from '../app';
import { CountingWebhookMetrics } from '../services/webhooks/webhook-metrics';
import type { RouteSpec } from './route-table';
import { webhookRoutes } from './webhook-routes';

/**
 * Every route of the public API, feature by feature. Each feature module returns its own
 * RouteSpec list; the order here is the order Express matches them in.
 */
export function apiRoutes(deps: AppDeps): RouteSpec[] {
  return [...webhookRoutes(deps, deps.webhookMetrics ?? new CountingWebhookMetrics())];
}
