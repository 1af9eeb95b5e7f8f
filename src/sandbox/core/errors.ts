/** The error types Stripe puts in `error.type`. */
export type StripeErrorType =
  'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';

export interface StripeErrorBody {
  type: StripeErrorType;
  message: string;
  code?: string;
  param?: string;
  decline_code?: string;
  doc_url?: string;
  payment_intent?: unknown;
  charge?: string;
  payment_method?: unknown;
  request_log_url?: string;
}

/**
 * An error answered in Stripe's shape: `{ error: { type, message, code?, param?, ... } }`.
 * `saveForIdempotency` says whether a replay with the same Idempotency-Key answers it again:
 * Stripe stores a result only once the endpoint started executing, not for bad parameters.
 */
export class SandboxError extends Error {
  readonly status: number;
  readonly body: StripeErrorBody;
  readonly headers: Record<string, string>;
  readonly saveForIdempotency: boolean;

  constructor(
    status: number,
    body: StripeErrorBody,
    opts: { headers?: Record<string, string>; saveForIdempotency?: boolean } = {},
  ) {
    super(body.message);
    this.status = status;
    this.body = body;
    this.headers = opts.headers ?? {};
    this.saveForIdempotency = opts.saveForIdempotency ?? false;
  }
}

const DOCS = 'https://stripe.com/docs/error-codes';

/** 400 for a parameter the caller got wrong; names the parameter. */
export function invalidParam(param: string, message: string, code?: string): SandboxError {
  const body: StripeErrorBody = { type: 'invalid_request_error', message, param };
  if (code) {
    body.code = code;
    body.doc_url = `${DOCS}/${code.replace(/_/g, '-')}`;
  }
  return new SandboxError(400, body);
}

export function unknownParam(param: string): SandboxError {
  return invalidParam(param, `Received unknown parameter: ${param}`, 'parameter_unknown');
}

export function missingParam(param: string): SandboxError {
  return invalidParam(param, `Missing required param: ${param}.`, 'parameter_missing');
}

/** 404 in Stripe's words: `No such customer: 'cus_123'`. */
export function noSuch(kind: string, id: string, param = 'id'): SandboxError {
  return new SandboxError(404, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    doc_url: `${DOCS}/resource-missing`,
    message: `No such ${kind}: '${id}'`,
    param,
  });
}

/** 400 for an action the object's current state forbids; saved for idempotent replays. */
export function unexpectedState(code: string, message: string, param?: string): SandboxError {
  const body: StripeErrorBody = { type: 'invalid_request_error', code, message };
  if (param) body.param = param;
  body.doc_url = `${DOCS}/${code.replace(/_/g, '-')}`;
  return new SandboxError(400, body, { saveForIdempotency: true });
}

export function authError(message: string): SandboxError {
  return new SandboxError(401, { type: 'invalid_request_error', message });
}

export function unknownRoute(method: string, path: string): SandboxError {
  return new SandboxError(404, {
    type: 'invalid_request_error',
    message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
  });
}
