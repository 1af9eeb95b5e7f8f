import type { ErrorRequestHandler, Express, RequestHandler } from 'express';
import { AppError } from '../errors/app-error';
import { methodsForPath } from '../routes/route-table';
import { logger } from '../utils/logger';

/** The one shape of every error answer. */
export interface ErrorBody {
  error: {
    type: string;
    code: string;
    message: string;
    request_id: string;
    details?: { field?: string; message: string }[];
    [extra: string]: unknown;
  };
}

interface BodyParserError {
  type?: string;
  status?: number;
}

/** Errors thrown by express.json / express.raw, turned into client errors with safe text. */
function fromBodyParser(err: BodyParserError): AppError | undefined {
  switch (err.type) {
    case 'entity.parse.failed':
      return new AppError(
        400,
        'invalid_request_error',
        'invalid_json',
        'The body is not valid JSON.',
      );
    case 'entity.too.large':
      return new AppError(413, 'invalid_request_error', 'body_too_large', 'The body is too large.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError(
        415,
        'invalid_request_error',
        'unsupported_encoding',
        'The body encoding is not supported.',
      );
    case 'request.aborted':
      return new AppError(
        400,
        'invalid_request_error',
        'request_aborted',
        'The request was aborted.',
      );
    default:
      return clientFault(err);
  }
}

/**
 * Another 4xx raised by Express or a parser (a path whose percent-escapes do not decode, a
 * body whose Content-Encoding does not match it): a client error, answered without the
 * library's message.
 */
function clientFault(err: BodyParserError): AppError | undefined {
  const status = err.status;
  if (typeof status !== 'number' || status < 400 || status > 499) return undefined;
  return new AppError(
    400,
    'invalid_request_error',
    'malformed_request',
    'The request could not be read (path, encoding or body).',
  );
}

/** Final handler: maps any thrown value to the error shape; unknown faults become a bare 500. */
export const errorHandler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  const known = err instanceof AppError ? err : fromBodyParser((err ?? {}) as BodyParserError);
  const appError =
    known ?? new AppError(500, 'api_error', 'internal_error', 'An unexpected error occurred.');

  if (!known) {
    logger.error('unhandled error', { requestId: req.id, route: req.routeTemplate, err });
  } else if (appError.status >= 500) {
    logger.error('request failed', {
      requestId: req.id,
      code: appError.code,
      cause: appError.cause,
    });
  }
  if (res.headersSent) {
    res.end();
    return;
  }
  if (appError.retryAfter !== undefined) res.setHeader('Retry-After', String(appError.retryAfter));
  const body: ErrorBody = {
    error: {
      ...appError.extra,
      type: appError.type,
      code: appError.code,
      message: appError.message,
      request_id: req.id,
      ...(appError.details ? { details: appError.details } : {}),
    },
  };
  res.status(appError.status).json(body);
};

/** 405 with Allow for a known path and another method; 404 for anything else. */
export function unmatchedRoute(app: Express): RequestHandler {
  return (req, res, next) => {
    const allowed = methodsForPath(app, req.path);
    if (allowed.length > 0) {
      res.setHeader('Allow', allowed.join(', '));
      next(
        new AppError(
          405,
          'invalid_request_error',
          'method_not_allowed',
          `Method ${req.method} is not allowed here.`,
        ),
      );
      return;
    }
    next(new AppError(404, 'not_found_error', 'route_not_found', 'No such route.'));
  };
}
