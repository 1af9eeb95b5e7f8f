import { QueryTypes, type Sequelize } from 'sequelize';
import type { StripeEventsGateway } from '../../stripe/events-gateway';
import { logger } from '../../utils/logger';
import { storeEvent } from './event-inbox';
import { applyPaymentIntent } from './handlers/payment-intent-handlers';
import { refreshPaymentTotals } from './handlers/payment-links';
import type { StripeEvent } from './stripe-object';

const CURSOR = 'stripe_events_created';
/** Stripe keeps events listable for 30 days; stay a minute inside that. */
const EVENT_RETENTION_SECONDS = 30 * 24 * 3600 - 60;
/**
 * Events of the cursor's own second, and any that became listable a little late, are listed
 * again; the unique event id makes the overlap harmless.
 */
const OVERLAP_SECONDS = 300;

async function readCursor(sequelize: Sequelize): Promise<number | undefined> {
  const [row] = await sequelize.query<{ value: string }>(
    'SELECT value FROM job_cursors WHERE name = $1',
    { bind: [CURSOR], type: QueryTypes.SELECT },
  );
  return row ? Number(row.value) : undefined;
}

async function writeCursor(sequelize: Sequelize, value: number): Promise<void> {
  await sequelize.query(
    `INSERT INTO job_cursors (name, value) VALUES ($1, $2)
     ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    { bind: [CURSOR, String(value)] },
  );
}

/**
 * Lists Stripe's recent events from the stored cursor (never further back than Stripe keeps
 * them) and puts any the inbox lacks into it, to be applied like a delivered one. Resolves with
 * how many were missing.
 */
export async function recoverMissedEvents(
  sequelize: Sequelize,
  gateway: StripeEventsGateway,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<number> {
  const cursor = await readCursor(sequelize);
  const oldest = nowSeconds - EVENT_RETENTION_SECONDS;
  const from = Math.max(cursor === undefined ? oldest : cursor - OVERLAP_SECONDS, oldest);
  let newest = cursor ?? from;
  let recovered = 0;
  for await (const event of gateway.listEventsSince(from)) {
    const created = Number(event.created);
    newest = Math.max(newest, created);
    const outcome = await storeEvent(sequelize, {
      id: String(event.id),
      type: String(event.type),
      apiVersion: typeof event.api_version === 'string' ? event.api_version : null,
      account: typeof event.account === 'string' ? event.account : null,
      livemode: event.livemode === true,
      created,
      source: 'reconciliation',
      rawBody: JSON.stringify(event),
    });
    if (outcome === 'stored') recovered += 1;
  }
  await writeCursor(sequelize, newest);
  if (recovered > 0) logger.info('missed events recovered', { recovered });
  return recovered;
}

/**
 * Refetches payments that sat in processing or requires_action longer than `olderThanMs` and
 * applies Stripe's current state, stamped with the time it was read. The Stripe call happens
 * before the short transaction that writes, never inside it.
 */
export async function refreshStuckPayments(
  sequelize: Sequelize,
  gateway: StripeEventsGateway,
  olderThanMs: number,
  limit = 50,
): Promise<number> {
  const stuck = await sequelize.query<{ intent: string }>(
    `SELECT stripe_payment_intent_id AS intent FROM payments
     WHERE status IN ('processing', 'requires_action')
       AND updated_at < now() - $1 * interval '1 millisecond'
     ORDER BY updated_at LIMIT ${limit}`,
    { bind: [olderThanMs], type: QueryTypes.SELECT },
  );
  for (const { intent } of stuck) {
    const pi = await gateway.retrievePaymentIntent(intent);
    const at = Math.floor(Date.now() / 1000);
    const event: StripeEvent = {
      id: `refresh_${intent}_${at}`,
      type: 'payment_intent.refreshed',
      created: at,
      data: { object: pi },
    };
    await sequelize.transaction(async (transaction) => {
      const ctx = { sequelize, transaction, event, at };
      const payment = await applyPaymentIntent(ctx, pi, at);
      // Touch the row even when nothing changed, so it waits a full interval before the next look.
      await sequelize.query('UPDATE payments SET updated_at = now() WHERE id = $1', {
        bind: [payment.id],
        transaction,
      });
      await refreshPaymentTotals(ctx, payment.id);
    });
  }
  return stuck.length;
}
