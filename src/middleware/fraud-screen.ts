import { AsyncLocalStorage } from 'node:async_hooks';
import { isIP } from 'node:net';
import type { RequestHandler } from 'express';
import { badRequest } from '../errors/app-error';

const shopperIps = new AsyncLocalStorage<string | null>();

/** Header carrying the shopper's IP address, sent by the storefront backend. */
export const SHOPPER_IP_HEADER = 'Shopper-Ip';

/**
 * Keeps the shopper's address for the fraud screen, which runs inside the payments service
 * where the request is not at hand. The caller of this API is the storefront's backend, so
 * the connection's address is the storefront's, not the shopper's: the storefront forwards
 * the shopper's address in the `Shopper-Ip` header. Without it, the IP rules do not apply.
 */
export const clientIpContext: RequestHandler = (req, _res, next) => {
  const ip = req.get(SHOPPER_IP_HEADER)?.trim();
  if (ip !== undefined && !isIP(ip)) {
    next(
      badRequest('invalid_shopper_ip', `${SHOPPER_IP_HEADER} must be an IPv4 or IPv6 address.`, [
        { field: SHOPPER_IP_HEADER, message: 'not an IP address' },
      ]),
    );
    return;
  }
  shopperIps.run(ip ?? null, () => next());
};

/** The shopper address of the request being served, or null when none was sent. */
export function currentClientIp(): string | null {
  return shopperIps.getStore() ?? null;
}
