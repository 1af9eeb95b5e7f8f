import { invalidParam } from '../core/errors';
import { newId, randomToken } from '../core/ids';
import { paginate } from '../core/list';
import { LIST_SPEC, mergeMetadata, requireParams, validate } from '../core/params';
import type { Router } from '../server/router';
import type { SandboxState } from '../core/state';
import type { StripeObject } from '../core/store';

const ENDPOINT_SPEC = {
  url: 'string',
  enabled_events: 'strings',
  description: 'string',
  metadata: 'metadata',
  api_version: 'string',
  connect: 'boolean',
  disabled: 'boolean',
} as const;

function checkUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidParam('url', `Invalid URL: ${url}`, 'url_invalid');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw invalidParam('url', `Invalid URL: ${url}. URLs must use http or https.`, 'url_invalid');
  }
}

function checkEvents(events: string[]): void {
  if (events.length === 0)
    throw invalidParam(
      'enabled_events',
      'Missing required param: enabled_events.',
      'parameter_missing',
    );
  events.forEach((e, i) => {
    if (e !== '*' && !/^[a-z_]+(\.[a-z_]+)+$/.test(e)) {
      throw invalidParam(
        `enabled_events[${i}]`,
        `Invalid enabled_events[${i}]: ${e} is not an event type`,
      );
    }
  });
}

/** The event log (`/v1/events`) and webhook endpoints (`/v1/webhook_endpoints`). */
export function registerEventRoutes(router: Router, state: SandboxState): void {
  registerEventLogRoutes(router, state);
  registerWebhookEndpointRoutes(router, state);
}

/** The event log. */
function registerEventLogRoutes(router: Router, state: SandboxState): void {
  router.on('GET', '/v1/events/:id', (c) => {
    validate(c.form, {});
    return state.store.get('event', c.pathParams.id);
  });
  router.on('GET', '/v1/events', (c) => {
    const p = validate(c.form, {
      ...LIST_SPEC,
      type: 'string',
      types: 'strings',
      delivery_success: 'boolean',
    });
    const type = p.type as string | undefined;
    const matchType = type?.endsWith('.*')
      ? (t: string) => t.startsWith(type.slice(0, -1))
      : (t: string) => !type || t === type;
    const types = p.types as string[] | undefined;
    return paginate(
      state.store,
      'event',
      p,
      '/v1/events',
      (o) => matchType(o.type as string) && (!types || types.includes(o.type as string)),
    );
  });
}

/** Webhook endpoints; the secret is shown only when created. */
function registerWebhookEndpointRoutes(router: Router, state: SandboxState): void {
  router.on('POST', '/v1/webhook_endpoints', (c) => {
    const p = validate(c.form, ENDPOINT_SPEC);
    requireParams(p, ['url', 'enabled_events']);
    checkUrl(p.url as string);
    checkEvents(p.enabled_events as string[]);
    const secret = `whsec_${randomToken(32)}`;
    const endpoint: StripeObject = {
      id: newId('we'),
      object: 'webhook_endpoint',
      api_version: p.api_version ?? null,
      application: null,
      created: state.now(),
      description: p.description ?? null,
      enabled_events: p.enabled_events,
      livemode: false,
      metadata: mergeMetadata({}, p.metadata),
      status: 'enabled',
      url: p.url,
    };
    state.store.insert(endpoint);
    state.events.endpoints.set(endpoint.id, {
      id: endpoint.id,
      url: p.url as string,
      secret,
      enabledEvents: p.enabled_events as string[],
      disabled: false,
    });
    return { ...endpoint, secret };
  });
  router.on('GET', '/v1/webhook_endpoints/:id', (c) => {
    validate(c.form, {});
    return state.store.get('webhook_endpoint', c.pathParams.id);
  });
  router.on('POST', '/v1/webhook_endpoints/:id', (c) => {
    const p = validate(c.form, ENDPOINT_SPEC);
    const endpoint = state.store.get('webhook_endpoint', c.pathParams.id);
    const record = state.events.endpoints.get(endpoint.id)!;
    if (p.url) {
      checkUrl(p.url as string);
      endpoint.url = record.url = p.url as string;
    }
    if (p.enabled_events) {
      checkEvents(p.enabled_events as string[]);
      endpoint.enabled_events = record.enabledEvents = p.enabled_events as string[];
    }
    if (p.disabled !== undefined) {
      record.disabled = !!p.disabled;
      endpoint.status = p.disabled ? 'disabled' : 'enabled';
    }
    if (p.description !== undefined) endpoint.description = p.description;
    endpoint.metadata = mergeMetadata(endpoint.metadata as Record<string, string>, p.metadata);
    return endpoint;
  });
  router.on('DELETE', '/v1/webhook_endpoints/:id', (c) => {
    validate(c.form, {});
    const endpoint = state.store.get('webhook_endpoint', c.pathParams.id);
    state.store.remove(endpoint.id);
    state.events.endpoints.delete(endpoint.id);
    return { id: endpoint.id, object: 'webhook_endpoint', deleted: true };
  });
  router.on('GET', '/v1/webhook_endpoints', (c) => {
    const p = validate(c.form, LIST_SPEC);
    return paginate(state.store, 'webhook_endpoint', p, '/v1/webhook_endpoints');
  });
}
