import { invalidParam } from './errors';
import type { ObjectStore } from './store';

/** Stripe refuses expansions deeper than four levels. */
const MAX_EXPAND_DEPTH = 4;

/**
 * Returns a copy of `value` with each `expand[]` path (`latest_charge`,
 * `latest_invoice.payment_intent`, `data.customer` on lists) replaced by the object it names.
 * The stored objects are never changed.
 */
export function expand(value: unknown, paths: string[], store: ObjectStore): unknown {
  if (paths.length === 0) return value;
  const copy = structuredClone(value);
  for (const path of paths) {
    const parts = path.split('.');
    if (parts.length > MAX_EXPAND_DEPTH) {
      throw invalidParam(
        'expand',
        `You cannot expand more than ${MAX_EXPAND_DEPTH} levels of a property (${path}).`,
      );
    }
    expandAt(copy, parts, path, store);
  }
  return copy;
}

function expandAt(node: unknown, parts: string[], path: string, store: ObjectStore): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) expandAt(item, parts, path, store);
    return;
  }
  const record = node as Record<string, unknown>;
  const [head, ...rest] = parts;
  if (!(head in record)) {
    throw invalidParam('expand', `This property cannot be expanded (${path}).`);
  }
  let child = record[head];
  if (typeof child === 'string') {
    const found = store.find(child);
    if (!found) return;
    child = structuredClone(found);
    record[head] = child;
  }
  if (rest.length > 0) expandAt(child, rest, path, store);
}

/** Reads `expand[]` from raw parameters (also accepts a single `expand=a`). */
export function readExpand(raw: unknown): string[] {
  if (raw === undefined) return [];
  if (typeof raw === 'string') return raw ? [raw] : [];
  if (Array.isArray(raw) && raw.every((p) => typeof p === 'string')) return raw as string[];
  throw invalidParam('expand', 'Invalid array');
}
