import 'express-serve-static-core';

declare module 'express-serve-static-core' {
  interface Request {
    /** Request id, set by the request-id middleware. */
    id: string;
    /** OpenAPI-style path template of the matched route, e.g. /v1/payments/{id}. */
    routeTemplate?: string;
  }
}
