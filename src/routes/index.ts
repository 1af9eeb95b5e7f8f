import type { AppDeps } from '../app';
import { reportRoutes } from './report-routes';
import { reviewRoutes } from './review-routes';
import type { RouteSpec } from './route-table';

/**
 * Every route of the public API, feature by feature. Each feature module returns its own
 * RouteSpec list; the order here is the order Express matches them in.
 */
export function apiRoutes(deps: AppDeps): RouteSpec[] {
  return [...reportRoutes(deps), ...(deps.fraud ? reviewRoutes(deps, deps.fraud) : [])];
}
