import { randomBytes } from 'node:crypto';

/**
 * A Stripe object as it arrives in an event: read field by field, because events carry the
 * shape of the API version they were created at, not the SDK's types.
 */
export type StripeObject = Record<string, unknown>;

/** A Stripe event as parsed from a stored raw body. */
export interface StripeEvent {
  id: string;
  type: string;
  created: number;
  api_version?: string | null;
  account?: string;
  data: { object: StripeObject; previous_attributes?: StripeObject };
}

export function str(o: StripeObject, key: string): string | null {
  const v = o[key];
  return typeof v === 'string' ? v : null;
}

export function num(o: StripeObject, key: string): number | null {
  const v = o[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function bool(o: StripeObject, key: string): boolean {
  return o[key] === true;
}

export function obj(o: StripeObject, key: string): StripeObject | null {
  const v = o[key];
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as StripeObject) : null;
}

/** The id of a field that is either an id or an expanded object (`charge`, `customer`…). */
export function idOf(o: StripeObject, key: string): string | null {
  const v = o[key];
  if (typeof v === 'string') return v;
  return v && typeof v === 'object' ? str(v as StripeObject, 'id') : null;
}

/** The objects of an embedded list (`{object: 'list', data: [...]}`), or none. */
export function listData(o: StripeObject, key: string): StripeObject[] {
  const list = obj(o, key);
  const data = list?.data;
  return Array.isArray(data)
    ? (data.filter((d) => d && typeof d === 'object') as StripeObject[])
    : [];
}

export function dateOf(seconds: number | null): Date | null {
  return seconds === null ? null : new Date(seconds * 1000);
}

/** Local id for a row made from a webhook (the object was not created through this service). */
export function newLocalId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

/** Parses and shape-checks a stored event body; throws when it is not an event. */
export function parseEvent(rawBody: string): StripeEvent {
  const event = JSON.parse(rawBody) as StripeEvent;
  if (
    typeof event?.id !== 'string' ||
    typeof event.type !== 'string' ||
    typeof event.created !== 'number' ||
    typeof event.data?.object !== 'object'
  ) {
    throw new Error('stored body is not a Stripe event');
  }
  return event;
}
