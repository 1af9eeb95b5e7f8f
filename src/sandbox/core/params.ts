import { invalidParam, missingParam, unknownParam } from './errors';
import type { FormObject, FormValue } from '../server/form-parser';

/**
 * Parameter rules of one endpoint. Every parameter the caller sends must be named here (or be
 * `expand`), otherwise the answer is Stripe's `Received unknown parameter: …`. Values arrive as
 * strings and leave coerced; an empty string means "unset" and becomes null, as in Stripe.
 */
export type Rule =
  | 'string'
  | 'integer'
  | 'boolean'
  | 'metadata'
  | 'timestamp'
  | 'strings'
  // Limitation: 'any' parameters are accepted and not acted on (payment_method_options,
  // mandate_data, payment_settings, automatic_tax, account onboarding details), because the
  // sandbox models none of their effects; modelling one means giving it a real rule.
  | 'any'
  | { enum: readonly string[] }
  | { object: Spec }
  | { array: Rule };
export type Spec = Readonly<Record<string, Rule>>;
export type Params = Record<string, unknown>;

export const METADATA_MAX_KEYS = 50;
export const METADATA_MAX_KEY_LENGTH = 40;
export const METADATA_MAX_VALUE_LENGTH = 500;

export function validate(input: FormObject, spec: Spec): Params {
  const out: Params = {};
  for (const key of Object.keys(input)) {
    if (key === 'expand') continue;
    const rule = spec[key];
    if (!rule) throw unknownParam(key);
    out[key] = coerce(input[key], rule, key);
  }
  return out;
}

function coerce(value: FormValue, rule: Rule, name: string): unknown {
  if (value === '' && rule !== 'strings') return null;
  if (typeof rule === 'object') return coerceStructured(value, rule, name);
  switch (rule) {
    case 'string':
      return expectString(value, name);
    case 'integer':
      return toInteger(expectString(value, name), name);
    case 'timestamp': {
      const s = expectString(value, name);
      return s === 'now' ? 'now' : toInteger(s, name);
    }
    case 'boolean':
      return toBoolean(expectString(value, name), name);
    case 'metadata':
      return toMetadata(value, name);
    case 'strings':
      return toStrings(value, name);
    case 'any':
      return value;
  }
}

function coerceStructured(value: FormValue, rule: Exclude<Rule, string>, name: string): unknown {
  if ('enum' in rule) {
    const s = expectString(value, name);
    if (!rule.enum.includes(s)) {
      throw invalidParam(name, `Invalid ${name}: must be one of ${rule.enum.join(', ')}`);
    }
    return s;
  }
  if ('object' in rule) {
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw invalidParam(name, `Invalid object`);
    }
    const out: Params = {};
    for (const key of Object.keys(value)) {
      const sub = rule.object[key];
      if (!sub) throw unknownParam(`${name}[${key}]`);
      out[key] = coerce(value[key], sub, `${name}[${key}]`);
    }
    return out;
  }
  if (!Array.isArray(value)) throw invalidParam(name, `Invalid array`);
  return value.map((v, i) => coerce(v, rule.array, `${name}[${i}]`));
}

function expectString(value: FormValue, name: string): string {
  if (typeof value !== 'string') {
    throw invalidParam(name, `Invalid ${name}: expected a single value, not a hash or array`);
  }
  return value;
}

function toInteger(s: string, name: string): number {
  if (!/^-?\d{1,15}$/.test(s)) throw invalidParam(name, `Invalid integer: ${s}`);
  return Number(s);
}

function toBoolean(s: string, name: string): boolean {
  if (s === 'true') return true;
  if (s === 'false') return false;
  throw invalidParam(name, `Invalid boolean: ${s}`);
}

function toStrings(value: FormValue, name: string): string[] {
  if (value === '') return [];
  if (!Array.isArray(value)) throw invalidParam(name, `Invalid array`);
  return value.map((v, i) => expectString(v, `${name}[${i}]`));
}

/** Stripe's limits: 50 keys, keys up to 40 characters, values up to 500 characters. */
function toMetadata(value: FormValue, name: string): Record<string, string | null> {
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalidParam(name, `Invalid ${name}: metadata must be a hash of string values`);
  }
  const keys = Object.keys(value);
  if (keys.length > METADATA_MAX_KEYS) {
    throw invalidParam(
      name,
      `Invalid ${name}: metadata can have at most ${METADATA_MAX_KEYS} keys; ` +
        `you passed ${keys.length}`,
    );
  }
  const out: Record<string, string | null> = {};
  for (const key of keys) {
    const v = expectString(value[key], `${name}[${key}]`);
    if (key.length > METADATA_MAX_KEY_LENGTH) {
      throw invalidParam(
        `${name}[${key}]`,
        `Invalid ${name}: keys can be at most ${METADATA_MAX_KEY_LENGTH} characters long`,
      );
    }
    if (v.length > METADATA_MAX_VALUE_LENGTH) {
      throw invalidParam(
        `${name}[${key}]`,
        `Invalid ${name}: values can be at most ${METADATA_MAX_VALUE_LENGTH} characters long`,
      );
    }
    out[key] = v === '' ? null : v;
  }
  return out;
}

/** Merges a metadata update: a null value removes the key; null for the whole hash clears it. */
export function mergeMetadata(
  current: Record<string, string>,
  update: unknown,
): Record<string, string> {
  if (update === undefined) return current;
  if (update === null) return {};
  const next = { ...current };
  for (const [k, v] of Object.entries(update as Record<string, string | null>)) {
    if (v === null) delete next[k];
    else next[k] = v;
  }
  if (Object.keys(next).length > METADATA_MAX_KEYS) {
    throw invalidParam('metadata', `Invalid metadata: metadata can have at most 50 keys`);
  }
  return next;
}

export function requireParams(params: Params, names: string[]): void {
  for (const n of names) {
    if (params[n] === undefined || params[n] === null) throw missingParam(n);
  }
}

export const ADDRESS: Rule = {
  object: {
    city: 'string',
    country: 'string',
    line1: 'string',
    line2: 'string',
    postal_code: 'string',
    state: 'string',
  },
};

export const SHIPPING: Rule = {
  object: {
    address: ADDRESS,
    name: 'string',
    phone: 'string',
    carrier: 'string',
    tracking_number: 'string',
  },
};

export const LIST_SPEC: Spec = {
  limit: 'integer',
  starting_after: 'string',
  ending_before: 'string',
  created: 'any',
};
