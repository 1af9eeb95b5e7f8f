import { randomFillSync } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let offset = POOL_SIZE;

/**
 * Random base62 text; 24 characters by default, the length of Stripe's own ids. Bytes come
 * from a refilled pool: one system call per few hundred ids instead of one per id.
 */
export function randomToken(length = 24): string {
  if (offset + length > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[pool[offset + i] % 62];
  offset += length;
  return out;
}

/** A new object id with Stripe's prefix for its kind (`pi_`, `ch_`, `cus_`…). */
export function newId(prefix: string): string {
  return `${prefix}_${randomToken()}`;
}
