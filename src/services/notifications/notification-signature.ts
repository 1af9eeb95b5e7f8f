import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying the signature of a storefront notification. */
export const NOTIFICATION_SIGNATURE_HEADER = 'Payments-Signature';

/**
 * Signs a notification body for the storefront: `t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>">` with the shared secret. Signing the timestamp with the body lets the
 * storefront refuse an old notification replayed to it. docs/webhooks.md shows how to verify.
 */
export function signNotification(body: string, secret: string, timestamp: number): string {
  const digest = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${digest}`;
}

/** The storefront's side of the check, as documented; used by the tests as the storefront. */
export function verifyNotification(
  body: string,
  header: string,
  secret: string,
  toleranceSeconds: number,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  const parts = new Map(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const timestamp = Number(parts.get('t'));
  const given = Buffer.from(parts.get('v1') ?? '', 'hex');
  if (!Number.isSafeInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) {
    return false;
  }
  const expected = Buffer.from(signNotification(body, secret, timestamp).split('v1=')[1]!, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
