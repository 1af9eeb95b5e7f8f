import { createHash } from 'node:crypto';
import { Op, type Transaction } from 'sequelize';
import { AuditEvent } from '../models';
import { currentContext } from '../utils/request-context';

/** One money-moving or permission-changing action. */
export interface AuditEntry {
  actor: string;
  ownerId?: string | null;
  action: string;
  targetType: string;
  targetId?: string | null;
  outcome: string;
  requestId?: string | null;
  idempotencyKey?: string | null;
  before?: unknown;
  after?: unknown;
}

/** Hash of the (empty) row before the first one. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Appends are serialized by this transaction-scoped advisory lock, so each row links to the
 * one written just before it even with many processes on one database.
 */
const CHAIN_LOCK = 7_310_442_001;

/** JSON with object keys sorted, so the hash does not depend on JSONB's key order. */
function canonical(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

interface HashedFields {
  occurredAt: Date;
  actor: string;
  ownerId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  outcome: string;
  requestId: string | null;
  idempotencyKey: string | null;
  before: unknown;
  after: unknown;
}

/** The row's hash covers every field and the previous row's hash. */
export function auditHash(prevHash: string, row: HashedFields): string {
  const body = canonical({ ...row, occurredAt: row.occurredAt.toISOString() });
  return createHash('sha256').update(`${prevHash}\n${body}`).digest('hex');
}

/** Appends a row inside the caller's transaction (the same one as the change it records). */
export async function appendAudit(entry: AuditEntry, transaction: Transaction): Promise<void> {
  await AuditEvent.sequelize!.query('SELECT pg_advisory_xact_lock(:lock)', {
    replacements: { lock: CHAIN_LOCK },
    transaction,
  });
  const last = await AuditEvent.findOne({
    order: [['id', 'DESC']],
    attributes: ['hash'],
    transaction,
  });
  const prevHash = last?.hash ?? GENESIS_HASH;
  const fields: HashedFields = {
    // Whole milliseconds: what a JS Date keeps when the row is read back.
    occurredAt: new Date(Math.floor(Date.now())),
    actor: entry.actor,
    ownerId: entry.ownerId ?? null,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? null,
    outcome: entry.outcome,
    requestId: entry.requestId ?? currentContext()?.requestId ?? null,
    idempotencyKey: entry.idempotencyKey ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
  };
  await AuditEvent.create(
    { ...fields, prevHash, hash: auditHash(prevHash, fields) },
    { transaction },
  );
}

export interface AuditProblem {
  id: number;
  problem: 'hash_mismatch' | 'broken_link';
}

export interface AuditVerification {
  ok: boolean;
  rows: number;
  problems: AuditProblem[];
}

/**
 * Walks the whole chain in id order: a row whose content changed no longer matches its hash,
 * and a deleted (or inserted) row breaks the link to its neighbour.
 */
export async function verifyAudit(batchSize = 1000): Promise<AuditVerification> {
  const problems: AuditProblem[] = [];
  let prevHash = GENESIS_HASH;
  let afterId = 0;
  let rows = 0;
  for (;;) {
    const batch = await AuditEvent.findAll({
      where: { id: { [Op.gt]: afterId } },
      order: [['id', 'ASC']],
      limit: batchSize,
    });
    if (batch.length === 0) break;
    for (const row of batch) {
      rows += 1;
      if (row.prevHash !== prevHash) problems.push({ id: Number(row.id), problem: 'broken_link' });
      const fields: HashedFields = {
        occurredAt: row.occurredAt,
        actor: row.actor,
        ownerId: row.ownerId,
        action: row.action,
        targetType: row.targetType,
        targetId: row.targetId,
        outcome: row.outcome,
        requestId: row.requestId,
        idempotencyKey: row.idempotencyKey,
        before: row.before,
        after: row.after,
      };
      if (auditHash(row.prevHash, fields) !== row.hash) {
        problems.push({ id: Number(row.id), problem: 'hash_mismatch' });
      }
      prevHash = row.hash;
      afterId = Number(row.id);
    }
  }
  return { ok: problems.length === 0, rows, problems };
}

export interface AuditView {
  id: number;
  object: 'audit_event';
  occurred_at: string;
  actor: string;
  owner_id: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  outcome: string;
  request_id: string | null;
  idempotency_key: string | null;
  before: unknown;
  after: unknown;
  prev_hash: string;
  hash: string;
}

function presentAudit(row: AuditEvent): AuditView {
  return {
    id: Number(row.id),
    object: 'audit_event',
    occurred_at: row.occurredAt.toISOString(),
    actor: row.actor,
    owner_id: row.ownerId,
    action: row.action,
    target_type: row.targetType,
    target_id: row.targetId,
    outcome: row.outcome,
    request_id: row.requestId,
    idempotency_key: row.idempotencyKey,
    before: row.before,
    after: row.after,
    prev_hash: row.prevHash,
    hash: row.hash,
  };
}

/** The trail oldest first, from after a cursor (the last id seen), optionally filtered. */
export async function listAudit(query: {
  limit: number;
  cursor?: string;
  action?: string;
  target_id?: string;
}): Promise<{ object: 'list'; data: AuditView[]; has_more: boolean; next_cursor: string | null }> {
  const rows = await AuditEvent.findAll({
    where: {
      id: { [Op.gt]: Number(query.cursor ?? 0) },
      ...(query.action ? { action: query.action } : {}),
      ...(query.target_id ? { targetId: query.target_id } : {}),
    },
    order: [['id', 'ASC']],
    limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const hasMore = rows.length > query.limit;
  return {
    object: 'list',
    data: page.map(presentAudit),
    has_more: hasMore,
    next_cursor: hasMore ? String(page[page.length - 1]!.id) : null,
  };
}
