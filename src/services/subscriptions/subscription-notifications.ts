import type { Sequelize, Transaction } from 'sequelize';
import type { Subscription, SubscriptionInvoice } from '../../models';
import { newLocalId } from '../webhooks/stripe-object';
import { presentInvoice, presentSubscription } from './subscription-presenter';

/** Subscription changes the storefront must act on, sent through the notification outbox. */
export type SubscriptionNotificationType =
  | 'subscription.payment_failed'
  | 'subscription.payment_action_required'
  | 'subscription.trial_will_end';

export interface SubscriptionNotification {
  type: SubscriptionNotificationType;
  /** Same key, same notification: a redelivered event never notifies twice. */
  dedupeKey: string;
  subscription: Subscription;
  invoice?: SubscriptionInvoice;
}

/**
 * Adds a notification to the storefront outbox in the transaction of the change it reports,
 * so both commit or neither does. The outbox worker delivers it with retries.
 */
export async function enqueueSubscriptionNotification(
  sequelize: Sequelize,
  request: SubscriptionNotification,
  transaction: Transaction,
): Promise<void> {
  const id = newLocalId('ntf');
  const data: Record<string, unknown> = { subscription: presentSubscription(request.subscription) };
  if (request.invoice) data.invoice = presentInvoice(request.invoice);
  const body = { id, type: request.type, created: Math.floor(Date.now() / 1000), data };
  await sequelize.query(
    `INSERT INTO notifications (id, dedupe_key, owner_id, type, object_id, payload)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (dedupe_key) DO NOTHING`,
    {
      bind: [
        id,
        request.dedupeKey,
        request.subscription.ownerId,
        request.type,
        request.subscription.id,
        JSON.stringify(body),
      ],
      transaction,
    },
  );
}
