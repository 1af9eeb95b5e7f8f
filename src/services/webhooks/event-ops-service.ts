import type { Sequelize } from 'sequelize';
import { requeue } from '../../jobs/lease-queue';
import { notFound } from '../../errors/app-error';
import { logger } from '../../utils/logger';
import {
  findNotification,
  listNotifications,
  type StoredNotification,
} from '../notifications/notification-outbox';
import {
  findEvent,
  findEventIds,
  listEvents,
  type EventFilter,
  type StoredEvent,
} from './event-inbox';

/** The most events one bulk replay touches; ops narrow the filter for more. */
export const MAX_BULK_REPLAY = 1000;

/**
 * What ops do with the inbox and the outbox: look, and replay. A replay makes the event due
 * again with a fresh attempt budget; applying is idempotent, so replaying a processed event
 * changes nothing, and a parked one gets another chance once its cause is fixed.
 */
export class EventOpsService {
  constructor(private readonly sequelize: Sequelize) {}

  list(filter: EventFilter): Promise<{ events: StoredEvent[]; hasMore: boolean }> {
    return listEvents(this.sequelize, filter);
  }

  async show(id: string): Promise<NonNullable<Awaited<ReturnType<typeof findEvent>>>> {
    const event = await findEvent(this.sequelize, id);
    if (!event) throw notFound('No such event.');
    return event;
  }

  async replayOne(id: string, actor: string): Promise<boolean> {
    await this.show(id);
    const replayed = await requeue(this.sequelize, 'webhook_events', [id]);
    logger.info('webhook events replayed', { actor, count: replayed.length, eventId: id });
    return replayed.length === 1;
  }

  async replayMany(filter: Omit<EventFilter, 'startingAfter'>, actor: string): Promise<string[]> {
    const ids = await findEventIds(this.sequelize, {
      ...filter,
      limit: Math.min(filter.limit, MAX_BULK_REPLAY),
    });
    const replayed = await requeue(this.sequelize, 'webhook_events', ids);
    logger.info('webhook events replayed', { actor, count: replayed.length });
    return replayed;
  }

  listNotifications(filter: { status?: string; limit: number }): Promise<StoredNotification[]> {
    return listNotifications(this.sequelize, filter);
  }

  async showNotification(
    id: string,
  ): Promise<NonNullable<Awaited<ReturnType<typeof findNotification>>>> {
    const notification = await findNotification(this.sequelize, id);
    if (!notification) throw notFound('No such notification.');
    return notification;
  }

  async replayNotification(id: string, actor: string): Promise<boolean> {
    await this.showNotification(id);
    const replayed = await requeue(this.sequelize, 'notifications', [id]);
    logger.info('notifications replayed', { actor, count: replayed.length, notificationId: id });
    return replayed.length === 1;
  }
}
