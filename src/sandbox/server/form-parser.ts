/**
 * Stripe's form encoding: `a[b][c]=v` nests objects, `a[]=v` and `a[0]=v` build arrays.
 * Values stay strings; the parameter rules of each endpoint coerce them. An object whose keys
 * are all indexes becomes an array (the SDK sends `items[0][price]=…`).
 */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };

const MAX_DEPTH = 8;

export class FormParseError extends Error {}

export function parseForm(text: string, into: FormObject = {}): FormObject {
  if (!text) return into;
  for (const pair of text.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    assign(into, splitKey(decode(rawKey)), decode(rawValue));
  }
  return normalizeArrays(into) as FormObject;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw new FormParseError(`Invalid URL encoding: ${s.slice(0, 40)}`);
  }
}

/** `a[b][]` → ['a', 'b', '']. */
function splitKey(key: string): string[] {
  const open = key.indexOf('[');
  if (open <= 0) return [key];
  const parts = [key.slice(0, open)];
  const re = /\[([^\]]*)\]/g;
  re.lastIndex = open;
  let m: RegExpExecArray | null;
  let end = open;
  while ((m = re.exec(key)) !== null && m.index === end) {
    parts.push(m[1]);
    end = re.lastIndex;
  }
  if (end !== key.length || parts.length > MAX_DEPTH) {
    throw new FormParseError(`Invalid parameter name: ${key.slice(0, 60)}`);
  }
  return parts;
}

type Node = { [key: string]: FormValue | Node } | FormValue[];

function assign(root: FormObject, parts: string[], value: string): void {
  let node: Node = root;
  for (let i = 0; i < parts.length; i++) {
    const last = i === parts.length - 1;
    let part = parts[i];
    if (part === '__proto__' || part === 'constructor' || part === 'prototype') {
      throw new FormParseError(`Invalid parameter name: ${parts.join('.')}`);
    }
    if (part === '') {
      if (!Array.isArray(node)) throw new FormParseError(`Invalid parameter: ${parts[0]}`);
      part = String(node.length);
    }
    const container = node as Record<string, FormValue | Node>;
    if (last) {
      container[part] = value;
      return;
    }
    let next = container[part];
    if (typeof next !== 'object' || next === null) {
      next = parts[i + 1] === '' ? [] : {};
      container[part] = next as FormValue;
    }
    node = next as Node;
  }
}

function normalizeArrays(value: FormValue): FormValue {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(normalizeArrays);
  const keys = Object.keys(value);
  for (const k of keys) value[k] = normalizeArrays(value[k]);
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((k) => value[String(k)]);
  }
  return value;
}
