import { createHash } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { Op } from 'sequelize';
import { AppError } from '../errors/app-error';
import { ApiKey } from '../models';

/** Who made an ops request, for audit rows and ownership. */
export interface OpsActor {
  apiKeyId: string;
  ownerId: string;
  scopes: string[];
}

export type RequireScope = (scope: string) => RequestHandler;

const unauthorized = (): AppError =>
  new AppError(401, 'authentication_error', 'invalid_api_key', 'A valid API key is required.');

/**
 * Bearer API key → the `api_keys` row by its SHA-256 hash (a lookup by hash is constant-time
 * with respect to the secret) → scope check; `admin` holds every scope.
 * Limitation: this is a minimal key check for the ops routes, because the API-key service
 * (creation, rotation, last-used tracking) is built separately; the app passes that service's
 * middleware as `deps.requireScope` once it exists, and this one is removed.
 */
export const requireScope: RequireScope = (scope) => async (req, res, next) => {
  const match = /^Bearer (\S{8,200})$/.exec(req.get('authorization') ?? '');
  if (!match) return next(unauthorized());
  const keyHash = createHash('sha256').update(match[1]!).digest('hex');
  const key = await ApiKey.findOne({ where: { keyHash, revokedAt: { [Op.is]: null } } });
  if (!key) return next(unauthorized());
  if (!key.scopes.includes(scope) && !key.scopes.includes('admin')) {
    return next(
      new AppError(403, 'permission_error', 'missing_scope', `This API key lacks ${scope}.`),
    );
  }
  res.locals.opsActor = { apiKeyId: key.id, ownerId: key.ownerId, scopes: key.scopes };
  next();
};

export function actorOf(res: Response): OpsActor {
  return res.locals.opsActor as OpsActor;
}
