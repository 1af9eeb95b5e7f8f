import type { RequestHandler } from 'express';
import { subscriptionsController } from '../controllers/subscriptions-controller';
import { authenticate, requireScope } from '../middleware/authenticate';
import { idempotent } from '../middleware/idempotency';
import { validate, type RequestSchemas } from '../middleware/validate';
import type { ApiKeyService, Scope } from '../services/api-key-service';
import type { IdempotencyService } from '../services/idempotency-service';
import type { SubscriptionsDomain } from '../services/subscriptions/subscriptions-domain';
import * as s from '../validation/subscriptions-schemas';
import type { HttpMethod, RouteSpec } from './route-table';

type Handlers = ReturnType<typeof subscriptionsController>;

interface Row {
  method: HttpMethod;
  path: string;
  scope: Scope;
  input: RequestSchemas;
  handler: keyof Handlers;
  /** Creates or charges: Idempotency-Key required. */
  idempotent?: true;
}

const SUB = { params: s.subscriptionIdParams };
const WRITE: Scope = 'subscriptions:write';
const READ: Scope = 'subscriptions:read';

/** The subscriptions API, one row per route. */
const ROWS: Row[] = [
  { method: 'get', path: '/v1/prices', scope: READ, input: {}, handler: 'listPrices' },
  {
    method: 'post',
    path: '/v1/subscriptions',
    scope: WRITE,
    input: { body: s.createSubscriptionBody },
    handler: 'create',
    idempotent: true,
  },
  {
    method: 'get',
    path: '/v1/subscriptions',
    scope: READ,
    input: { query: s.listSubscriptionsQuery },
    handler: 'list',
  },
  { method: 'get', path: '/v1/subscriptions/{id}', scope: READ, input: SUB, handler: 'retrieve' },
  {
    method: 'post',
    path: '/v1/subscriptions/{id}',
    scope: WRITE,
    input: { ...SUB, body: s.changeSubscriptionBody },
    handler: 'change',
    idempotent: true,
  },
  {
    method: 'get',
    path: '/v1/subscriptions/{id}/preview',
    scope: READ,
    input: { ...SUB, query: s.previewChangeQuery },
    handler: 'preview',
  },
  {
    method: 'post',
    path: '/v1/subscriptions/{id}/cancel',
    scope: WRITE,
    input: { ...SUB, body: s.cancelSubscriptionBody },
    handler: 'cancel',
  },
  {
    method: 'post',
    path: '/v1/subscriptions/{id}/resume',
    scope: WRITE,
    input: SUB,
    handler: 'resume',
  },
  {
    method: 'post',
    path: '/v1/subscriptions/{id}/pause-collection',
    scope: WRITE,
    input: { ...SUB, body: s.pauseCollectionBody },
    handler: 'pauseCollection',
  },
  {
    method: 'post',
    path: '/v1/subscriptions/{id}/resume-collection',
    scope: WRITE,
    input: SUB,
    handler: 'resumeCollection',
  },
  {
    method: 'get',
    path: '/v1/customers/{id}/entitlements',
    scope: READ,
    input: { params: s.customerIdParams },
    handler: 'customerEntitlements',
  },
];

/**
 * The subscriptions API: the catalogue, subscriptions and entitlements. Each route: API key →
 * scope → joi validation → (creating or charging POST) idempotency → a thin controller.
 */
export function subscriptionsApiRoutes(
  domain: SubscriptionsDomain,
  shared: { apiKeys: ApiKeyService; idempotency: IdempotencyService },
): RouteSpec[] {
  const auth = authenticate(shared.apiKeys);
  const once = idempotent(shared.idempotency);
  const handlers = subscriptionsController(domain);
  return ROWS.map((row) => ({
    method: row.method,
    path: row.path,
    handlers: [
      auth,
      requireScope(row.scope),
      validate(row.input),
      ...(row.idempotent ? [once] : []),
      handlers[row.handler] satisfies RequestHandler,
    ],
  }));
}
