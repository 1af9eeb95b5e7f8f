import { randomUUID } from 'node:crypto';
import type { Sequelize } from 'sequelize';
import { ApiKeyService } from '../../src/services/api-key-service';

/** An API key with the given scopes, made by the key service; returns the bearer secret. */
export async function createApiKey(
  sequelize: Sequelize,
  scopes: string[],
  ownerId?: string,
): Promise<{ secret: string; id: string; ownerId: string }> {
  const { key, summary } = await new ApiKeyService(sequelize).create({
    name: 'ops-test',
    scopes,
    ownerId,
    actor: 'test',
  });
  return { secret: key, id: summary.id, ownerId: summary.ownerId };
}

export interface PaymentRow {
  amount: number;
  currency: string;
  status: string;
  createdAt: string;
  failed?: boolean;
  ownerId?: string;
  customerId?: string | null;
  captureMethod?: string;
}

/** Inserts a payment row as the payments service would store it; returns its id. */
export async function insertPayment(sequelize: Sequelize, p: PaymentRow): Promise<string> {
  const id = `pay_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
  const received = p.status === 'succeeded' ? p.amount : 0;
  await sequelize.query(
    `INSERT INTO payments (id, owner_id, stripe_payment_intent_id, amount, currency, status,
       amount_received, amount_capturable, capture_method, last_payment_error, created_at,
       updated_at)
     VALUES (:id, :owner, :pi, :amount, :currency, :status, :received, :capturable, :capture,
       :error, :created, :created)`,
    {
      replacements: {
        id,
        owner: p.ownerId ?? null,
        pi: `pi_${id.slice(4)}`,
        amount: p.amount,
        currency: p.currency,
        status: p.status,
        received,
        capturable: p.status === 'requires_capture' ? p.amount : 0,
        capture: p.captureMethod ?? 'automatic',
        // The payments service stores "no error" as JSON null on rows it created from an
        // intent; SQL NULL on others. Both must read as "not failed".
        error: p.failed
          ? JSON.stringify({ code: 'card_declined' })
          : p.status === 'succeeded'
            ? 'null'
            : null,
        created: p.createdAt,
      },
    },
  );
  return id;
}

export async function insertRefund(
  sequelize: Sequelize,
  r: { paymentId: string; amount: number; currency: string; createdAt: string; status?: string },
): Promise<void> {
  await sequelize.query(
    `INSERT INTO refunds (id, payment_id, amount, currency, status, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
    {
      replacements: [
        `re_${randomUUID().slice(0, 18)}`,
        r.paymentId,
        r.amount,
        r.currency,
        r.status ?? 'succeeded',
        r.createdAt,
        r.createdAt,
      ],
    },
  );
}

export async function insertDispute(
  sequelize: Sequelize,
  d: { paymentId: string; amount: number; currency: string; createdAt: string },
): Promise<void> {
  await sequelize.query(
    `INSERT INTO disputes (stripe_dispute_id, payment_id, stripe_charge_id, amount, currency,
       status, created_at, updated_at)
     VALUES (?, ?, 'ch_test', ?, ?, 'needs_response', ?, ?)`,
    {
      replacements: [
        `dp_${randomUUID().slice(0, 18)}`,
        d.paymentId,
        d.amount,
        d.currency,
        d.createdAt,
        d.createdAt,
      ],
    },
  );
}

/** A random day far from today, so suites sharing the database never share a report day. */
export function isolatedDate(): string {
  const year = 2040 + Math.floor(Math.random() * 50);
  const day = 1 + Math.floor(Math.random() * 27);
  const month = 1 + Math.floor(Math.random() * 12);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** A random past day (long finished, so a report stored now is complete). */
export function isolatedPastDate(): string {
  return isolatedDate().replace(/^20(\d\d)/, (_, yy: string) => `19${yy}`);
}
