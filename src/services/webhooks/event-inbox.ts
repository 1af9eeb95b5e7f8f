import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';

export type EventSource = 'webhook' | 'connect' | 'reconciliation';
export type EventStatus = 'pending' | 'processing' | 'processed' | 'failed';

/** The envelope fields of a Stripe event the inbox keeps beside the raw body. */
export interface IncomingEvent {
  id: string;
  type: string;
  apiVersion: string | null;
  account: string | null;
  livemode: boolean;
  created: number;
  source: EventSource;
  rawBody: string;
}

export interface StoredEvent {
  id: string;
  type: string;
  apiVersion: string | null;
  account: string | null;
  livemode: boolean;
  stripeCreated: number;
  source: EventSource;
  status: EventStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  receivedAt: Date;
  processedAt: Date | null;
}

export interface EventAttempt {
  attempt: number;
  worker: string;
  outcome: 'processed' | 'failed';
  error: string | null;
  startedAt: Date;
  finishedAt: Date;
}

const EVENT_COLUMNS = `id, type, api_version AS "apiVersion", account, livemode,
  stripe_created::float8 AS "stripeCreated", source, status, attempts,
  next_attempt_at AS "nextAttemptAt", last_error AS "lastError", received_at AS "receivedAt",
  processed_at AS "processedAt"`;

/**
 * Stores an event unless its id is already in the inbox. One statement, no transaction: the
 * unique id makes a concurrent duplicate delivery a no-op rather than an error.
 */
export async function storeEvent(
  sequelize: Sequelize,
  event: IncomingEvent,
): Promise<'stored' | 'duplicate'> {
  const rows = await sequelize.query(
    `INSERT INTO webhook_events
       (id, type, api_version, account, livemode, stripe_created, source, raw_body)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (id) DO NOTHING
     RETURNING id`,
    {
      bind: [
        event.id,
        event.type,
        event.apiVersion,
        event.account,
        event.livemode,
        event.created,
        event.source,
        event.rawBody,
      ],
      type: QueryTypes.SELECT,
    },
  );
  return rows.length === 1 ? 'stored' : 'duplicate';
}

export async function loadRawBody(
  sequelize: Sequelize,
  id: string,
  transaction?: Transaction,
): Promise<{ rawBody: string; receivedAt: Date } | undefined> {
  const rows = await sequelize.query<{ rawBody: string; receivedAt: Date }>(
    `SELECT raw_body AS "rawBody", received_at AS "receivedAt"
     FROM webhook_events WHERE id = $1`,
    { bind: [id], type: QueryTypes.SELECT, transaction },
  );
  return rows[0];
}

/** Marks a claimed event processed and records the attempt, inside the effects' transaction. */
export async function markProcessed(
  sequelize: Sequelize,
  args: { id: string; attempt: number; worker: string; startedAt: Date },
  transaction: Transaction,
): Promise<void> {
  await sequelize.query(
    `UPDATE webhook_events SET status = 'processed', processed_at = now(), locked_until = NULL,
       claim_token = NULL, last_error = NULL, updated_at = now()
     WHERE id = $1`,
    { bind: [args.id], transaction },
  );
  await recordAttempt(sequelize, { ...args, outcome: 'processed', error: null }, transaction);
}

export async function recordAttempt(
  sequelize: Sequelize,
  args: {
    id: string;
    attempt: number;
    worker: string;
    startedAt: Date;
    outcome: 'processed' | 'failed';
    error: string | null;
  },
  transaction?: Transaction,
): Promise<void> {
  await sequelize.query(
    `INSERT INTO webhook_event_attempts (event_id, attempt, worker, outcome, error, started_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    {
      bind: [args.id, args.attempt, args.worker, args.outcome, args.error, args.startedAt],
      transaction,
    },
  );
}

export interface EventFilter {
  status?: EventStatus;
  type?: string;
  receivedAfter?: Date;
  receivedBefore?: Date;
  /** Keyset pagination: events received before this one (newest first). */
  startingAfter?: string;
  limit: number;
}

function filterSql(filter: Omit<EventFilter, 'limit'>): { where: string; bind: unknown[] } {
  const clauses: string[] = [];
  const bind: unknown[] = [];
  const add = (sql: string, value: unknown): void => {
    bind.push(value);
    clauses.push(sql.replace('?', `$${bind.length}`));
  };
  if (filter.status) add('status = ?', filter.status);
  if (filter.type) add('type = ?', filter.type);
  if (filter.receivedAfter) add('received_at >= ?', filter.receivedAfter);
  if (filter.receivedBefore) add('received_at < ?', filter.receivedBefore);
  if (filter.startingAfter) {
    add(
      '(received_at, id) < (SELECT received_at, id FROM webhook_events WHERE id = ?)',
      filter.startingAfter,
    );
  }
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', bind };
}

/** Events newest first, filtered; one more than `limit` is read to tell if more exist. */
export async function listEvents(
  sequelize: Sequelize,
  filter: EventFilter,
): Promise<{ events: StoredEvent[]; hasMore: boolean }> {
  const { where, bind } = filterSql(filter);
  const rows = await sequelize.query<StoredEvent>(
    `SELECT ${EVENT_COLUMNS} FROM webhook_events ${where}
     ORDER BY received_at DESC, id DESC LIMIT ${filter.limit + 1}`,
    { bind, type: QueryTypes.SELECT },
  );
  return { events: rows.slice(0, filter.limit), hasMore: rows.length > filter.limit };
}

export async function findEvent(
  sequelize: Sequelize,
  id: string,
): Promise<(StoredEvent & { attemptLog: EventAttempt[] }) | undefined> {
  const [event] = await sequelize.query<StoredEvent>(
    `SELECT ${EVENT_COLUMNS} FROM webhook_events WHERE id = $1`,
    { bind: [id], type: QueryTypes.SELECT },
  );
  if (!event) return undefined;
  const attemptLog = await sequelize.query<EventAttempt>(
    `SELECT attempt, worker, outcome, error, started_at AS "startedAt",
       finished_at AS "finishedAt"
     FROM webhook_event_attempts WHERE event_id = $1 ORDER BY id`,
    { bind: [id], type: QueryTypes.SELECT },
  );
  return { ...event, attemptLog };
}

/** Ids matching a filter, for a bulk replay. */
export async function findEventIds(
  sequelize: Sequelize,
  filter: Omit<EventFilter, 'startingAfter'>,
): Promise<string[]> {
  const { where, bind } = filterSql(filter);
  const rows = await sequelize.query<{ id: string }>(
    `SELECT id FROM webhook_events ${where} ORDER BY received_at LIMIT ${filter.limit}`,
    { bind, type: QueryTypes.SELECT },
  );
  return rows.map((r) => r.id);
}
