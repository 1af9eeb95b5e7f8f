import type { RequestHandler } from 'express';
import Joi from 'joi';
import type { AppDeps } from '../app';
import { authenticate, requireScope } from '../middleware/authenticate';
import { validate } from '../middleware/validate';
import { ApiKeyService } from '../services/api-key-service';
import type { StoredNotification } from '../services/notifications/notification-outbox';
import type { EventAttempt, StoredEvent } from '../services/webhooks/event-inbox';
import { EventOpsService, MAX_BULK_REPLAY } from '../services/webhooks/event-ops-service';
import type { RouteSpec } from './route-table';

const STATUSES = ['pending', 'processing', 'processed', 'failed'];
const NOTIFICATION_STATUSES = ['pending', 'delivering', 'delivered', 'failed'];
const eventId = Joi.object({
  id: Joi.string()
    .pattern(/^evt_\w+$/)
    .required(),
});
const notificationId = Joi.object({
  id: Joi.string()
    .pattern(/^ntf_[\w-]+$/)
    .required(),
});
const filterFields = {
  status: Joi.string().valid(...STATUSES),
  type: Joi.string()
    .pattern(/^[a-z0-9_.]+$/)
    .max(100),
  received_after: Joi.date().iso(),
  received_before: Joi.date().iso(),
};
const listQuery = Joi.object({
  ...filterFields,
  limit: Joi.number().integer().min(1).max(100).default(20),
  starting_after: Joi.string().pattern(/^evt_\w+$/),
});
const replayBody = Joi.object({
  ...filterFields,
  limit: Joi.number().integer().min(1).max(MAX_BULK_REPLAY).default(100),
})
  .or('status', 'type', 'received_after', 'received_before')
  .messages({ 'object.missing': 'name at least one filter: status, type or a time range' });
const notificationQuery = Joi.object({
  status: Joi.string().valid(...NOTIFICATION_STATUSES),
  limit: Joi.number().integer().min(1).max(100).default(20),
});

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

function eventJson(e: StoredEvent): Record<string, unknown> {
  return {
    id: e.id,
    type: e.type,
    api_version: e.apiVersion,
    account: e.account,
    livemode: e.livemode,
    created: Number(e.stripeCreated),
    source: e.source,
    status: e.status,
    attempts: e.attempts,
    next_attempt_at: e.status === 'pending' ? iso(e.nextAttemptAt) : null,
    last_error: e.lastError,
    received_at: iso(e.receivedAt),
    processed_at: iso(e.processedAt),
  };
}

function attemptJson(a: EventAttempt): Record<string, unknown> {
  return {
    attempt: a.attempt,
    worker: a.worker,
    outcome: a.outcome,
    error: a.error,
    started_at: iso(a.startedAt),
    finished_at: iso(a.finishedAt),
  };
}

function notificationJson(n: StoredNotification): Record<string, unknown> {
  return {
    id: n.id,
    type: n.type,
    payment_id: n.objectId,
    status: n.status,
    attempts: n.attempts,
    last_error: n.lastError,
    created_at: iso(n.createdAt),
    delivered_at: iso(n.deliveredAt),
  };
}

type Input = { params: Record<string, string>; query: Record<string, never>; body: never };
const input = (req: Parameters<RequestHandler>[0]): Input => req.input as unknown as Input;
const actorOf = (req: Parameters<RequestHandler>[0]): string => req.principal?.keyId ?? 'unknown';

function filterOf(q: Record<string, never>) {
  return {
    status: q.status,
    type: q.type,
    receivedAfter: q.received_after,
    receivedBefore: q.received_before,
    limit: q.limit,
  };
}

function handlersOf(ops: EventOpsService): Record<string, RequestHandler> {
  return {
    list: async (req, res) => {
      const q = input(req).query;
      const page = await ops.list({ ...filterOf(q), startingAfter: q.starting_after });
      res.json({ data: page.events.map(eventJson), has_more: page.hasMore });
    },
    show: async (req, res) => {
      const event = await ops.show(input(req).params.id!);
      res.json({ ...eventJson(event), attempt_log: event.attemptLog.map(attemptJson) });
    },
    replayOne: async (req, res) => {
      const id = input(req).params.id!;
      const replayed = await ops.replayOne(id, actorOf(req));
      res.status(202).json({ replayed: replayed ? [id] : [] });
    },
    replayMany: async (req, res) => {
      const replayed = await ops.replayMany(filterOf(input(req).body), actorOf(req));
      res.status(202).json({ replayed });
    },
    listNotifications: async (req, res) => {
      const q = input(req).query;
      const rows = await ops.listNotifications({ status: q.status, limit: q.limit });
      res.json({ data: rows.map(notificationJson) });
    },
    showNotification: async (req, res) => {
      const n = await ops.showNotification(input(req).params.id!);
      res.json({
        ...notificationJson(n),
        attempt_log: n.attemptLog.map((a) => ({
          attempt: a.attempt,
          status_code: a.statusCode,
          error: a.error,
          duration_ms: a.durationMs,
          attempted_at: iso(a.attemptedAt),
        })),
      });
    },
    replayNotification: async (req, res) => {
      const id = input(req).params.id!;
      const replayed = await ops.replayNotification(id, actorOf(req));
      res.status(202).json({ replayed: replayed ? [id] : [] });
    },
  };
}

/** Ops routes over the event inbox and the notification outbox; `admin` scope. */
export function opsEventRoutes(deps: AppDeps): RouteSpec[] {
  const h = handlersOf(new EventOpsService(deps.sequelize));
  const guard = [authenticate(new ApiKeyService(deps.sequelize)), requireScope('admin')];
  const events = '/v1/ops/webhook-events';
  const notifications = '/v1/ops/notifications';
  const route = (
    method: 'get' | 'post',
    path: string,
    schemas: Parameters<typeof validate>[0],
    handler: RequestHandler,
  ): RouteSpec => ({ method, path, handlers: [...guard, validate(schemas), handler] });
  return [
    route('get', events, { query: listQuery }, h.list!),
    route('post', `${events}/replay`, { body: replayBody }, h.replayMany!),
    route('get', `${events}/{id}`, { params: eventId }, h.show!),
    route('post', `${events}/{id}/replay`, { params: eventId }, h.replayOne!),
    route('get', notifications, { query: notificationQuery }, h.listNotifications!),
    route('get', `${notifications}/{id}`, { params: notificationId }, h.showNotification!),
    route(
      'post',
      `${notifications}/{id}/replay`,
      { params: notificationId },
      h.replayNotification!,
    ),
  ];
}
