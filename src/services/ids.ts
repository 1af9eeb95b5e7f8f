import { randomBytes } from 'node:crypto';

/** The service's own object ids: a type prefix and 24 random base62-ish characters. */
export function newId(prefix: 'cust' | 'pay' | 'rfd'): string {
  let out = '';
  while (out.length < 24) out += randomBytes(24).toString('base64url').replace(/[-_]/g, '');
  return `${prefix}_${out.slice(0, 24)}`;
}
