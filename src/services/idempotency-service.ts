import { createHash } from 'node:crypto';
import { Op, QueryTypes, type Sequelize } from 'sequelize';
import { IdempotencyRecord } from '../models';

/** How long a stored answer is replayed. Storefronts may retry for a day. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * How long a request holds its key before another may take it over. A process that dies
 * mid-request leaves its record in progress; after this, a retry runs the operation again,
 * which is safe because the Stripe call reuses the same derived idempotency key.
 */
export const IDEMPOTENCY_LOCK_MS = 60 * 1000;

export type Claim =
  | { kind: 'claimed'; recordId: number }
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'in_progress' }
  | { kind: 'mismatch' };

export interface ClaimInput {
  apiKeyId: string;
  idempotencyKey: string;
  method: string;
  path: string;
  body: unknown;
}

/** JSON with sorted keys: two bodies with the same content hash the same. */
function canonical(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object') {
    return `{${Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method.toUpperCase()} ${path}\n${canonical(body)}`)
    .digest('hex');
}

/**
 * Idempotency records: one per (API key, Idempotency-Key). The first request claims the key
 * with an insert that only one concurrent request can win (unique constraint); the others see
 * the record and replay it, wait (409) or are refused (different request, 422).
 */
export class IdempotencyService {
  constructor(private readonly sequelize: Sequelize) {}

  async claim(input: ClaimInput): Promise<Claim> {
    const hash = requestHash(input.method, input.path, input.body);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const inserted = await this.insert(input, hash);
      if (inserted !== undefined) return { kind: 'claimed', recordId: inserted };
      const existing = await IdempotencyRecord.findOne({
        where: { apiKeyId: input.apiKeyId, idempotencyKey: input.idempotencyKey },
      });
      if (!existing) continue; // released meanwhile: try to claim again
      if (existing.expiresAt.getTime() < Date.now()) {
        await IdempotencyRecord.destroy({ where: { id: existing.id } });
        continue;
      }
      if (existing.requestHash !== hash) return { kind: 'mismatch' };
      if (existing.state === 'completed') {
        return { kind: 'replay', status: existing.responseStatus!, body: existing.responseBody };
      }
      const takenOver = await this.takeOverStale(existing.id);
      return takenOver ? { kind: 'claimed', recordId: existing.id } : { kind: 'in_progress' };
    }
    return { kind: 'in_progress' };
  }

  private async insert(input: ClaimInput, hash: string): Promise<number | undefined> {
    const now = Date.now();
    const rows = await this.sequelize.query<{ id: string }>(
      `INSERT INTO idempotency_records (api_key_id, idempotency_key, request_method,
         request_path, request_hash, state, locked_until, expires_at)
       VALUES (:apiKeyId, :key, :method, :path, :hash, 'in_progress', :lockedUntil, :expiresAt)
       ON CONFLICT (api_key_id, idempotency_key) DO NOTHING
       RETURNING id`,
      {
        type: QueryTypes.SELECT,
        replacements: {
          apiKeyId: input.apiKeyId,
          key: input.idempotencyKey,
          method: input.method.toUpperCase(),
          path: input.path,
          hash,
          lockedUntil: new Date(now + IDEMPOTENCY_LOCK_MS),
          expiresAt: new Date(now + IDEMPOTENCY_TTL_MS),
        },
      },
    );
    return rows[0] ? Number(rows[0].id) : undefined;
  }

  /** Takes over a record whose holder stopped renewing it (crashed); only one caller wins. */
  private async takeOverStale(id: number): Promise<boolean> {
    const [count] = await IdempotencyRecord.update(
      { lockedUntil: new Date(Date.now() + IDEMPOTENCY_LOCK_MS) },
      { where: { id, state: 'in_progress', lockedUntil: { [Op.lt]: new Date() } } },
    );
    return count === 1;
  }

  /** Stores the final answer; later requests with the key replay it. */
  async complete(recordId: number, status: number, body: unknown): Promise<void> {
    await IdempotencyRecord.update(
      { state: 'completed', responseStatus: status, responseBody: body, lockedUntil: null },
      { where: { id: recordId } },
    );
  }

  /** Forgets the claim so the same key can run again (used after a retryable failure). */
  async release(recordId: number): Promise<void> {
    await IdempotencyRecord.destroy({ where: { id: recordId, state: 'in_progress' } });
  }

  /** Deletes records past their expiry; returns how many. */
  async purgeExpired(limit = 1000): Promise<number> {
    const rows = await this.sequelize.query(
      `DELETE FROM idempotency_records WHERE id IN (
         SELECT id FROM idempotency_records WHERE expires_at < now() LIMIT :limit)
       RETURNING id`,
      { type: QueryTypes.SELECT, replacements: { limit } },
    );
    return rows.length;
  }
}
