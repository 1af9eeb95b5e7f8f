import { invalidParam } from './errors';
import type { ObjectStore, StripeObject } from './store';
import type { Params } from './params';

export interface StripeList<T = StripeObject> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

type Filter = (obj: StripeObject) => boolean;

/**
 * Stripe's cursor pagination over a kind, newest first: `limit` (1–100, default 10),
 * `starting_after` (older than that id) or `ending_before` (newer than that id), `created`
 * as a number or a range `{gt, gte, lt, lte}`.
 */
export function paginate(
  store: ObjectStore,
  kind: string,
  params: Params,
  url: string,
  filter: Filter = () => true,
): StripeList {
  const limit = readLimit(params.limit);
  const createdFilter = readCreated(params.created);
  const match = (o: StripeObject) => filter(o) && createdFilter(o);
  const after = params.starting_after as string | undefined;
  const before = params.ending_before as string | undefined;
  if (after && before) {
    throw invalidParam(
      'ending_before',
      'You may only specify one of these parameters: ' + 'ending_before, starting_after.',
    );
  }
  if (after) store.get(kind, after, 'starting_after');
  if (before) store.get(kind, before, 'ending_before');
  const all: StripeObject[] = [];
  for (const o of store.newestFirst(kind)) if (match(o)) all.push(o);
  let start = 0;
  let end = all.length;
  if (after) start = all.findIndex((o) => o.id === after) + 1;
  if (before) {
    end = Math.max(
      0,
      all.findIndex((o) => o.id === before),
    );
    start = Math.max(0, end - limit);
    return { object: 'list', data: all.slice(start, end), has_more: start > 0, url };
  }
  const data = all.slice(start, start + limit);
  return { object: 'list', data, has_more: start + limit < end, url };
}

function readLimit(value: unknown): number {
  if (value === undefined || value === null) return 10;
  const n = value as number;
  if (n < 1 || n > 100) {
    throw invalidParam('limit', 'Invalid limit: must be between 1 and 100');
  }
  return n;
}

const RANGE_OPS = ['gt', 'gte', 'lt', 'lte'] as const;

/** `created=123` or `created[gte]=123`, as for every Stripe list with a `created` filter. */
export function readCreated(value: unknown): Filter {
  if (value === undefined || value === null) return () => true;
  if (typeof value === 'string') {
    const t = toTimestamp(value, 'created');
    return (o) => o.created === t;
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalidParam(
      'created',
      'Invalid created: expected an integer or a hash of gt/gte/lt/lte',
    );
  }
  const range = value as Record<string, unknown>;
  const bounds: [string, number][] = [];
  for (const key of Object.keys(range)) {
    if (!(RANGE_OPS as readonly string[]).includes(key)) {
      throw invalidParam(`created[${key}]`, `Received unknown parameter: created[${key}]`);
    }
    bounds.push([key, toTimestamp(range[key], `created[${key}]`)]);
  }
  return (o) => {
    const c = o.created as number;
    return bounds.every(([op, t]) =>
      op === 'gt' ? c > t : op === 'gte' ? c >= t : op === 'lt' ? c < t : c <= t,
    );
  };
}

function toTimestamp(value: unknown, param: string): number {
  if (typeof value !== 'string' || !/^\d{1,12}$/.test(value)) {
    throw invalidParam(param, `Invalid integer: ${String(value)}`);
  }
  return Number(value);
}
