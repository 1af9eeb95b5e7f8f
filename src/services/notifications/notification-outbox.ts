import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { Payment } from '../../models';
import { newLocalId } from '../webhooks/stripe-object';

/** What the storefront is told about, without polling. */
export type NotificationType =
  | 'payment.succeeded'
  | 'payment.failed'
  | 'payment.canceled'
  | 'payment.refunded'
  | 'payment.disputed';

export interface NotificationRequest {
  type: NotificationType;
  /** Same key, same notification: a replayed event never notifies twice. */
  dedupeKey: string;
  payment: Payment;
  /** Extra objects of the change (the refund, the dispute). */
  extra?: Record<string, unknown>;
}

/** The payment as the storefront sees it in a notification body. */
function publicPayment(payment: Payment): Record<string, unknown> {
  return {
    id: payment.id,
    stripe_payment_intent_id: payment.stripePaymentIntentId,
    status: payment.status,
    amount: payment.amount,
    currency: payment.currency,
    amount_received: payment.amountReceived,
    amount_refunded: payment.amountRefunded,
    amount_disputed: payment.amountDisputed,
    metadata: payment.metadata,
  };
}

/**
 * Adds a notification to the outbox inside the transaction of the state change it reports, so
 * the change and the promise to tell the storefront commit together or not at all.
 */
export async function enqueueNotification(
  sequelize: Sequelize,
  request: NotificationRequest,
  transaction: Transaction,
): Promise<void> {
  const id = newLocalId('ntf');
  const body = {
    id,
    type: request.type,
    created: Math.floor(Date.now() / 1000),
    data: { payment: publicPayment(request.payment), ...request.extra },
  };
  await sequelize.query(
    `INSERT INTO notifications (id, dedupe_key, owner_id, type, object_id, payload)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (dedupe_key) DO NOTHING`,
    {
      bind: [
        id,
        request.dedupeKey,
        request.payment.ownerId,
        request.type,
        request.payment.id,
        JSON.stringify(body),
      ],
      transaction,
    },
  );
}

export interface StoredNotification {
  id: string;
  type: string;
  objectId: string;
  ownerId: string | null;
  status: string;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
  nextAttemptAt: Date;
}

const COLUMNS = `id, type, object_id AS "objectId", owner_id AS "ownerId", status, attempts,
  last_error AS "lastError", created_at AS "createdAt", delivered_at AS "deliveredAt",
  next_attempt_at AS "nextAttemptAt"`;

export async function listNotifications(
  sequelize: Sequelize,
  filter: { status?: string; limit: number },
): Promise<StoredNotification[]> {
  return sequelize.query<StoredNotification>(
    `SELECT ${COLUMNS} FROM notifications WHERE ($1::text IS NULL OR status = $1)
     ORDER BY created_at DESC, id DESC LIMIT ${filter.limit}`,
    { bind: [filter.status ?? null], type: QueryTypes.SELECT },
  );
}

export interface NotificationAttempt {
  attempt: number;
  url: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  attemptedAt: Date;
}

export async function findNotification(
  sequelize: Sequelize,
  id: string,
): Promise<(StoredNotification & { attemptLog: NotificationAttempt[] }) | undefined> {
  const [row] = await sequelize.query<StoredNotification>(
    `SELECT ${COLUMNS} FROM notifications WHERE id = $1`,
    { bind: [id], type: QueryTypes.SELECT },
  );
  if (!row) return undefined;
  const attemptLog = await sequelize.query<NotificationAttempt>(
    `SELECT attempt, url, status_code AS "statusCode", error, duration_ms AS "durationMs",
       attempted_at AS "attemptedAt"
     FROM notification_attempts WHERE notification_id = $1 ORDER BY id`,
    { bind: [id], type: QueryTypes.SELECT },
  );
  return { ...row, attemptLog };
}
