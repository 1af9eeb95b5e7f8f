import type { RequestHandler, Response } from 'express';
import { AppError } from '../errors/app-error';
import type { IdempotencyService } from '../services/idempotency-service';
import { logger } from '../utils/logger';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** One purge of expired records per this many claims, so the table does not grow forever. */
const PURGE_EVERY = 200;
let claims = 0;

/**
 * Answers worth replaying. A 5xx (Stripe down, timeout, crash) or a 409/429 says "try
 * again", so its record is released and a retry with the same key runs the operation again;
 * the Stripe-side idempotency key makes that second run safe.
 */
function isFinal(status: number): boolean {
  return status < 500 && status !== 409 && status !== 429;
}

function interceptJson(
  res: Response,
  onAnswer: (status: number, body: unknown) => Promise<void>,
): void {
  const send = res.json.bind(res);
  res.json = ((body: unknown) => {
    onAnswer(res.statusCode, body).then(
      () => send(body),
      (err: unknown) => {
        logger.error('idempotency record not saved', { err });
        send(body);
      },
    );
    return res;
  }) as Response['json'];
}

/**
 * `Idempotency-Key` on a creating POST: required, scoped to the API key. The first request
 * runs and its answer is stored (hashing the request); the same request again gets the stored
 * answer with `Idempotent-Replayed: true`; another request with the key is 422; a request
 * while the first still runs is 409 with Retry-After.
 */
export function idempotent(service: IdempotencyService): RequestHandler {
  return async (req, res, next) => {
    const key = req.get('idempotency-key');
    if (!key || !KEY_PATTERN.test(key)) {
      throw new AppError(
        400,
        'invalid_request_error',
        'idempotency_key_required',
        'Send an Idempotency-Key header (1-255 printable characters) with this request.',
      );
    }
    const claim = await service.claim({
      apiKeyId: req.principal!.keyId,
      idempotencyKey: key,
      method: req.method,
      path: req.path,
      body: req.body ?? null,
    });
    if ((claims = (claims + 1) % PURGE_EVERY) === 0) void service.purgeExpired().catch(() => 0);

    switch (claim.kind) {
      case 'replay':
        res.setHeader('Idempotent-Replayed', 'true');
        res.status(claim.status).json(claim.body);
        return;
      case 'mismatch':
        throw new AppError(
          422,
          'idempotency_error',
          'idempotency_key_reused',
          'This Idempotency-Key was used with a different request; use a new key.',
        );
      case 'in_progress':
        throw new AppError(
          409,
          'idempotency_error',
          'idempotency_request_in_progress',
          'A request with this Idempotency-Key is still running; retry shortly.',
          { retryAfter: 1 },
        );
      case 'claimed':
        req.idempotencyKey = key;
        interceptJson(res, (status, body) =>
          isFinal(status)
            ? service.complete(claim.recordId, status, body)
            : service.release(claim.recordId),
        );
        next();
    }
  };
}
