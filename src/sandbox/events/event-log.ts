import { newId } from '../core/ids';
import type { SandboxClock } from '../core/clock';
import type { ObjectStore, StripeObject } from '../core/store';
import type { WebhookDispatcher, WebhookEndpointRecord } from './webhook-dispatcher';

/** The request that caused an event; null fields for changes made by the sandbox itself. */
export interface RequestMeta {
  requestId: string | null;
  idempotencyKey: string | null;
  /** `Stripe-Account` header: the connected account the call was made on behalf of. */
  account?: string | null;
}

export const BACKGROUND: RequestMeta = { requestId: null, idempotencyKey: null };

/**
 * Records an event for every state change, with a snapshot of the object after the change
 * (and, for updates, the previous values of the top-level fields that changed), then hands
 * it to the dispatcher for every endpoint enabled for its type.
 */
export class EventLog {
  readonly endpoints = new Map<string, WebhookEndpointRecord>();

  constructor(
    private readonly store: ObjectStore,
    private readonly clock: SandboxClock,
    private readonly dispatcher: WebhookDispatcher,
    private readonly apiVersion: string,
  ) {}

  emit(
    type: string,
    object: StripeObject,
    meta: RequestMeta,
    previous?: Record<string, unknown>,
  ): StripeObject {
    const targets =
      this.endpoints.size === 0
        ? []
        : [...this.endpoints.values()].filter(
            (e) => !e.disabled && (e.enabledEvents.includes('*') || e.enabledEvents.includes(type)),
          );
    // A JSON round trip: the snapshot is plain JSON, and this is cheaper than structuredClone.
    const data: Record<string, unknown> = { object: JSON.parse(JSON.stringify(object)) };
    if (previous && Object.keys(previous).length > 0) data.previous_attributes = previous;
    const event: StripeObject = {
      id: newId('evt'),
      object: 'event',
      api_version: this.apiVersion,
      created: this.clock.now(),
      data,
      livemode: false,
      pending_webhooks: targets.length,
      request: { id: meta.requestId, idempotency_key: meta.idempotencyKey },
      type,
    };
    if (meta.account) event.account = meta.account;
    this.store.insert(event);
    for (const endpoint of targets) this.dispatcher.enqueue(event, endpoint);
    return event;
  }
}

/** The previous values of top-level fields that differ between two snapshots. */
export function changedFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Record<string, unknown> {
  const previous: Record<string, unknown> = {};
  for (const key of Object.keys(after)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) previous[key] = before[key];
  }
  return previous;
}
