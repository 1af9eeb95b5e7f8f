import 'express-serve-static-core';
import type { Principal } from '../services/api-key-service';

declare module 'express-serve-static-core' {
  interface Request {
    /** The authenticated API key, set by the auth middleware. */
    principal?: Principal;
    /** The Idempotency-Key of a creating request, set by the idempotency middleware. */
    idempotencyKey?: string;
    /** Params, query and body after joi validation (types converted, defaults applied). */
    input?: { params: Record<string, unknown>; query: Record<string, unknown>; body: unknown };
  }
}
