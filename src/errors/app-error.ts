/**
 * The one error model of the service. `type` and `code` are for machines, `message` is safe
 * to show a client, `details` (optional) names fields. Anything that is not an AppError is
 * answered as a generic 500 by the error handler.
 */
export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'conflict_error'
  | 'idempotency_error'
  | 'rate_limit_error'
  | 'card_error'
  | 'fraud_error'
  | 'api_error';

export interface ErrorDetail {
  field?: string;
  message: string;
}

export interface AppErrorOptions {
  details?: ErrorDetail[];
  /** Seconds, sent as a Retry-After header. */
  retryAfter?: number;
  /** Extra public fields of the error body, e.g. a decline code. */
  extra?: Record<string, unknown>;
  cause?: unknown;
}

export class AppError extends Error {
  readonly details?: ErrorDetail[];
  readonly retryAfter?: number;
  readonly extra?: Record<string, unknown>;

  constructor(
    readonly status: number,
    readonly type: ErrorType,
    readonly code: string,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.details = options.details;
    this.retryAfter = options.retryAfter;
    this.extra = options.extra;
  }
}

export function badRequest(code: string, message: string, details?: ErrorDetail[]): AppError {
  return new AppError(400, 'invalid_request_error', code, message, { details });
}

export function notFound(message = 'No such resource.'): AppError {
  return new AppError(404, 'not_found_error', 'resource_missing', message);
}

export function conflict(code: string, message: string): AppError {
  return new AppError(409, 'conflict_error', code, message);
}
