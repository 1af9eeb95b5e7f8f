import { randomBytes } from 'node:crypto';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';

/** Tables that work as a leased queue: status, attempts, next_attempt_at, locked_until, claim_token. */
export type LeaseTable = 'webhook_events' | 'notifications';

const ACTIVE_STATUS: Record<LeaseTable, string> = {
  webhook_events: 'processing',
  notifications: 'delivering',
};

export interface Claim {
  id: string;
  attempts: number;
  claimToken: string;
}

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Claims up to `limit` due rows for one worker. `FOR UPDATE SKIP LOCKED` lets any number of
 * workers claim at once without taking each other's rows; the lease (`locked_until`) makes a
 * row whose worker died due again once it runs out, and the fresh claim token fences the old
 * worker out should it wake up later (its completion no longer matches the row).
 */
export async function claimDue(
  sequelize: Sequelize,
  table: LeaseTable,
  limit: number,
  leaseMs: number,
): Promise<Claim[]> {
  const token = randomBytes(12).toString('hex');
  const active = ACTIVE_STATUS[table];
  const rows = await sequelize.query<{ id: string; attempts: number }>(
    `UPDATE ${table} SET status = '${active}', attempts = attempts + 1, claim_token = $1,
       locked_until = now() + $2 * interval '1 millisecond', updated_at = now()
     WHERE id IN (
       SELECT id FROM ${table}
       WHERE (status = 'pending' OR (status = '${active}' AND locked_until < now()))
         AND next_attempt_at <= now()
       ORDER BY next_attempt_at
       LIMIT $3
       FOR UPDATE SKIP LOCKED)
     RETURNING id, attempts`,
    { bind: [token, leaseMs, limit], type: QueryTypes.SELECT },
  );
  return rows.map((r) => ({ id: r.id, attempts: r.attempts, claimToken: token }));
}

/**
 * Locks a claimed row inside the transaction that applies its effects, and checks the claim
 * is still this worker's. False means the lease ran out and another worker owns the row now.
 */
export async function holdClaim(
  sequelize: Sequelize,
  table: LeaseTable,
  claim: Claim,
  transaction: Transaction,
): Promise<boolean> {
  const rows = await sequelize.query(
    `SELECT id FROM ${table} WHERE id = $1 AND claim_token = $2 AND status = '${ACTIVE_STATUS[table]}'
     FOR UPDATE`,
    { bind: [claim.id, claim.claimToken], type: QueryTypes.SELECT, transaction },
  );
  return rows.length === 1;
}

/**
 * Exponential backoff with jitter: the n-th failure waits between half and all of
 * base * 2^(n-1), capped. The jitter spreads retries of events that failed together (an outage)
 * so they do not all come back in the same instant.
 */
export function retryDelayMs(attempt: number, policy: RetryPolicy, random = Math.random): number {
  const ceiling = Math.min(policy.baseDelayMs * 2 ** Math.max(attempt - 1, 0), policy.maxDelayMs);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/** Releases a failed claim: due again after the backoff, or parked as failed when out of attempts. */
export async function releaseFailed(
  sequelize: Sequelize,
  table: LeaseTable,
  claim: Claim,
  policy: RetryPolicy,
  error: string,
): Promise<'retry' | 'failed'> {
  const parked = claim.attempts >= policy.maxAttempts;
  const delay = parked ? 0 : retryDelayMs(claim.attempts, policy);
  await sequelize.query(
    `UPDATE ${table} SET status = $3, next_attempt_at = now() + $4 * interval '1 millisecond',
       locked_until = NULL, claim_token = NULL, last_error = $5, updated_at = now()
     WHERE id = $1 AND claim_token = $2`,
    { bind: [claim.id, claim.claimToken, parked ? 'failed' : 'pending', delay, error] },
  );
  return parked ? 'failed' : 'retry';
}

/** Makes rows due now with a fresh attempt budget (ops replay). Returns the ids changed. */
export async function requeue(
  sequelize: Sequelize,
  table: LeaseTable,
  ids: string[],
): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await sequelize.query<{ id: string }>(
    `UPDATE ${table} SET status = 'pending', attempts = 0, next_attempt_at = now(),
       locked_until = NULL, claim_token = NULL, updated_at = now()
     WHERE id = ANY($1) AND status <> '${ACTIVE_STATUS[table]}'
     RETURNING id`,
    { bind: [ids], type: QueryTypes.SELECT },
  );
  return rows.map((r) => r.id);
}
