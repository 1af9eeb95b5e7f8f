import type { AppConfig } from '../config';
import { createStripeClient, type StripeEndpoint } from './client';
import { StripeGateway } from './stripe-gateway';

/** The secret key the app presents to the built-in sandbox (it is no Stripe credential). */
export const SANDBOX_SECRET_KEY = 'sk_test_localsandbox';

/** Where the SDK goes for this configuration: Stripe with the key, else the local sandbox. */
export function endpointFor(config: AppConfig, sandbox?: { host: string; port: number }) {
  if (config.stripeSecretKey) return { secretKey: config.stripeSecretKey } as StripeEndpoint;
  return {
    secretKey: SANDBOX_SECRET_KEY,
    host: sandbox?.host ?? '127.0.0.1',
    port: sandbox?.port ?? config.sandboxPort,
    protocol: 'http',
  } as StripeEndpoint;
}

export function createGateway(config: AppConfig, sandbox?: { host: string; port: number }) {
  return new StripeGateway(createStripeClient(endpointFor(config, sandbox), config.stripe));
}
