import type { AppDeps } from '../app';
import type { RouteSpec } from './route-table';

/**
 * Every route of the public API, feature by feature. Each feature module returns its own
 * RouteSpec list; the order here is the order Express matches them in.
 */
export function apiRoutes(_deps: AppDeps): RouteSpec[] {
  return [];
}
