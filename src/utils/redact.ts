import { maskCardNumbers } from './card-data';

/** Field names whose values never reach a log, whatever their content. */
const SECRET_KEY =
  /(secret|password|passwd|authorization|signature|api[-_]?key|token|cookie|cvc|cvv|card[-_]?number|client[-_]?secret|^pan$)/i;
const EMAIL_KEY = /e-?mail/i;

/** Values that are secrets by their shape, wherever they appear. */
const SECRET_VALUES: RegExp[] = [
  /\b(sk|rk|pk)_(test|live)_[A-Za-z0-9]+/g,
  /\bwhsec_[A-Za-z0-9]+/g,
  /\bpsk_[A-Za-z0-9_]+/g,
  /\bBearer\s+[A-Za-z0-9._~+/=-]+/gi,
  /\bt=\d+,v1=[0-9a-f]+[^\s"]*/g,
  /\bpi_[A-Za-z0-9]+_secret_[A-Za-z0-9]+/g,
];
const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;

export const REDACTED = '[REDACTED]';

/** Masks secrets, card numbers and the local part of emails inside free text. */
export function redactText(text: string): string {
  let out = maskCardNumbers(text);
  for (const pattern of SECRET_VALUES) out = out.replace(pattern, REDACTED);
  return out.replace(EMAIL, '$1***@$2');
}

/**
 * Returns a copy of a log value with secrets removed: secret-named fields are replaced
 * whole, strings are scanned for secret shapes and card numbers. Depth-limited, cycle-safe.
 */
export function redactValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8 || seen.has(value)) return '[Truncated]';
  seen.add(value);
  if (value instanceof Error) {
    return {
      name: value.name,
      message: redactText(value.message),
      stack: value.stack && redactText(value.stack),
    };
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (SECRET_KEY.test(key)) out[key] = REDACTED;
    else if (EMAIL_KEY.test(key) && typeof item === 'string') out[key] = redactText(item);
    else out[key] = redactValue(item, depth + 1, seen);
  }
  return out;
}
