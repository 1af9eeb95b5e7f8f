import type { Express, RequestHandler } from 'express';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * One route of the public API. `path` is written as in the OpenAPI document
 * (`/v1/payments/{id}`), so the same table drives Express, the 405 answers and the contract
 * test that keeps docs/openapi.yaml true.
 */
export interface RouteSpec {
  method: HttpMethod;
  path: string;
  handlers: RequestHandler[];
}

export function toExpressPath(template: string): string {
  return template.replace(/\{(\w+)\}/g, ':$1');
}

function templateMatcher(template: string): RegExp {
  const pattern = template
    .split(/\{\w+\}/)
    .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${pattern}/?$`);
}

/** Registers the routes on the app and remembers them in `app.locals.routes`. */
export function mountRoutes(app: Express, routes: RouteSpec[]): void {
  const table: RouteSpec[] = (app.locals.routes ??= []);
  for (const route of routes) {
    const markTemplate: RequestHandler = (req, _res, next) => {
      req.routeTemplate = route.path;
      next();
    };
    app[route.method](toExpressPath(route.path), markTemplate, ...route.handlers);
    table.push(route);
  }
}

export function registeredRoutes(app: Express): RouteSpec[] {
  return (app.locals.routes as RouteSpec[] | undefined) ?? [];
}

/** The methods registered for a concrete path, for the Allow header of a 405. */
export function methodsForPath(app: Express, path: string): string[] {
  const methods = new Set<string>();
  for (const route of registeredRoutes(app)) {
    if (templateMatcher(route.path).test(path)) methods.add(route.method.toUpperCase());
  }
  return [...methods].sort();
}
