import Stripe from 'stripe';
import type { StripeSettings } from '../config';

/** Where the SDK sends its requests: Stripe itself, or the local sandbox. */
export interface StripeEndpoint {
  secretKey: string;
  /** Unset: api.stripe.com over HTTPS. */
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
}

/**
 * The one Stripe SDK instance of the process. The API version is pinned from
 * config/stripe.json, so an account-level upgrade on Stripe's side never changes the shapes we
 * parse. Network retries are the SDK's own: it retries connection errors, 409 lock timeouts
 * and 5xx answers marked retryable, always re-sending the same idempotency key, so a retry
 * cannot create a second object.
 */
export function createStripeClient(endpoint: StripeEndpoint, settings: StripeSettings): Stripe {
  return new Stripe(endpoint.secretKey, {
    apiVersion: settings.apiVersion as Stripe.LatestApiVersion,
    timeout: settings.timeoutMs,
    maxNetworkRetries: settings.maxNetworkRetries,
    telemetry: false,
    appInfo: { name: 'payments-service' },
    ...(endpoint.host
      ? { host: endpoint.host, port: endpoint.port, protocol: endpoint.protocol ?? 'https' }
      : {}),
  });
}
