import type { RequestHandler } from 'express';
import { AppError } from '../errors/app-error';
import type { ApiKeyService, Scope } from '../services/api-key-service';

const BEARER = /^Bearer\s+(\S+)$/i;

function unauthorized(message: string): AppError {
  return new AppError(401, 'authentication_error', 'invalid_api_key', message);
}

/** Resolves `Authorization: Bearer <key>` to a principal; missing, unknown or revoked is 401. */
export function authenticate(keys: ApiKeyService): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization');
    if (!header) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      throw unauthorized('Send an API key as Authorization: Bearer <key>.');
    }
    const match = BEARER.exec(header);
    const principal = match ? await keys.authenticate(match[1]!) : undefined;
    if (!principal) {
      res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw unauthorized('The API key is unknown or revoked.');
    }
    req.principal = principal;
    next();
  };
}

/** 403 unless the authenticated key carries the scope. */
export function requireScope(scope: Scope): RequestHandler {
  return (req, _res, next) => {
    if (!req.principal?.scopes.includes(scope)) {
      throw new AppError(
        403,
        'permission_error',
        'missing_scope',
        `This API key lacks the ${scope} scope.`,
      );
    }
    next();
  };
}
