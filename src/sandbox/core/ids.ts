import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random base62 text; 24 characters by default, the length of Stripe's own ids. */
export function randomToken(length = 24): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i] % 62];
  return out;
}

/** A new object id with Stripe's prefix for its kind (`pi_`, `ch_`, `cus_`…). */
export function newId(prefix: string): string {
  return `${prefix}_${randomToken()}`;
}
