import type { RequestHandler } from 'express';
import Joi from 'joi';
import { badRequest } from '../errors/app-error';
import { authenticate, requireScope } from '../middleware/authenticate';
import type { ApiKeyService } from '../services/api-key-service';
import type { FraudServices } from '../services/fraud/fraud-services';
import type { RouteSpec } from './route-table';

const listQuery = Joi.object({
  status: Joi.string().valid('open', 'approved', 'rejected').default('open'),
  limit: Joi.number().integer().min(1).max(100).default(50),
});
const idParam = Joi.string().pattern(/^rv_[0-9a-f]{24}$/);
const decisionBody = Joi.object({ note: Joi.string().max(500) });

function check<T>(schema: Joi.Schema, value: unknown, where: string): T {
  const { error, value: valid } = schema.validate(value ?? {}, { abortEarly: true, convert: true });
  if (error) {
    const field = String(error.details[0]?.path[0] ?? where);
    throw badRequest('invalid_request', error.message, [{ field, message: error.message }]);
  }
  return valid as T;
}

/** An admin key sees every storefront's reviews; another key only its owner's. */
function ownerScope(req: Parameters<RequestHandler>[0]): string | null {
  const principal = req.principal!;
  return principal.scopes.includes('admin') ? null : principal.ownerId;
}

/** The fraud review queue for ops (scope reviews:write). */
export function reviewRoutes(apiKeys: ApiKeyService, fraud: FraudServices): RouteSpec[] {
  const auth = authenticate(apiKeys);
  const scope = requireScope('reviews:write');

  const list: RequestHandler = async (req, res) => {
    const q = check<{ status: 'open'; limit: number }>(listQuery, req.query, 'query');
    const data = await fraud.reviews.list({ ...q, ownerId: ownerScope(req) });
    res.json({ object: 'list', data });
  };
  const show: RequestHandler = async (req, res) => {
    const id = check<string>(idParam, req.params.id, 'id');
    res.json(await fraud.reviews.get(id, ownerScope(req)));
  };
  const decide =
    (verb: 'approve' | 'reject'): RequestHandler =>
    async (req, res) => {
      const id = check<string>(idParam, req.params.id, 'id');
      check(decisionBody, req.body, 'body');
      const context = { actor: `api_key:${req.principal!.keyId}`, requestId: req.id };
      res.json(await fraud.reviews[verb](id, ownerScope(req), context));
    };

  return [
    { method: 'get', path: '/v1/reviews', handlers: [auth, scope, list] },
    { method: 'get', path: '/v1/reviews/{id}', handlers: [auth, scope, show] },
    {
      method: 'post',
      path: '/v1/reviews/{id}/approve',
      handlers: [auth, scope, decide('approve')],
    },
    { method: 'post', path: '/v1/reviews/{id}/reject', handlers: [auth, scope, decide('reject')] },
  ];
}
