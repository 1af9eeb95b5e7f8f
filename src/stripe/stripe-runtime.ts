import type Stripe from 'stripe';
import type { AppConfig } from '../config';
import { startSandbox } from '../sandbox';
import { createStripeClient } from './client';
import { endpointFor } from './default-gateway';
import { StripeGateway } from './stripe-gateway';
import { logger } from '../utils/logger';

/** Stripe as the process uses it: the real service, or the built-in sandbox it started. */
export interface StripeRuntime {
  gateway: StripeGateway;
  mode: AppConfig['stripeMode'];
  /** The sandbox's address when the process runs one. */
  sandboxUrl?: string;
  /**
   * Registers `<appUrl>/webhooks/stripe` for every event with the sandbox and returns its
   * signing secret. With real Stripe the endpoint is configured in the dashboard instead (its
   * secret comes from STRIPE_WEBHOOK_SECRET), so this answers undefined.
   */
  registerWebhookEndpoint(appUrl: string): Promise<string | undefined>;
  close(): Promise<void>;
}

/** Refuses unsafe combinations before anything starts. */
export function assertLiveModeGuards(config: AppConfig): void {
  if (config.stripeMode !== 'live') return;
  if (config.stripeWebhookSecrets.length === 0) {
    throw new Error('A live Stripe key needs STRIPE_WEBHOOK_SECRET');
  }
  if (config.sandboxPort !== 0) {
    throw new Error('SANDBOX_PORT is refused with a live Stripe key: the sandbox never runs live');
  }
}

export async function startStripeRuntime(config: AppConfig): Promise<StripeRuntime> {
  assertLiveModeGuards(config);
  if (config.stripeSecretKey) {
    const gateway = new StripeGateway(createStripeClient(endpointFor(config), config.stripe));
    return {
      gateway,
      mode: config.stripeMode,
      registerWebhookEndpoint: async () => undefined,
      close: async () => undefined,
    };
  }
  const sandbox = await startSandbox({ port: config.sandboxPort, host: '127.0.0.1' });
  const client: Stripe = createStripeClient(endpointFor(config, sandbox), config.stripe);
  return {
    gateway: new StripeGateway(client),
    mode: 'sandbox',
    sandboxUrl: sandbox.url,
    async registerWebhookEndpoint(appUrl) {
      const endpoint = await client.webhookEndpoints.create({
        url: `${appUrl}/webhooks/stripe`,
        enabled_events: ['*'],
        description: 'payments service (embedded mode)',
      });
      logger.info('sandbox webhook endpoint registered', { endpointId: endpoint.id });
      return endpoint.secret;
    },
    close: () => sandbox.close(),
  };
}
