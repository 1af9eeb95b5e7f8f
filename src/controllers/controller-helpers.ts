import type { Request } from 'express';
import type { Principal } from '../services/api-key-service';
import type { IdempotencyScope } from '../stripe/stripe-gateway';

/** The authenticated key; routes mount `authenticate` before any controller. */
export function principalOf(req: Request): Principal {
  return req.principal!;
}

/** The storefront's Idempotency-Key with its API key; set by the idempotency middleware. */
export function scopeOf(req: Request): IdempotencyScope {
  return { apiKeyId: req.principal!.keyId, idempotencyKey: req.idempotencyKey! };
}

export function inputOf<B = Record<string, unknown>>(
  req: Request,
): { params: Record<string, string>; query: Record<string, unknown>; body: B } {
  const input = req.input!;
  return {
    params: input.params as Record<string, string>,
    query: input.query,
    body: input.body as B,
  };
}
