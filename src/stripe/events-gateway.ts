import type Stripe from 'stripe';
import type { AppConfig } from '../config';
import { createStripeClient } from './client';
import { endpointFor } from './default-gateway';

/** The Stripe reads the webhook pipeline needs: recent events and current payment intents. */
export interface StripeEventsGateway {
  /** Events created at or after `createdGte` (Unix seconds), newest first, every page. */
  listEventsSince(createdGte: number): AsyncIterable<Record<string, unknown>>;
  retrievePaymentIntent(id: string): Promise<Record<string, unknown>>;
}

/** The gateway over a configured SDK client (real Stripe or the sandbox). */
export function createEventsGateway(stripe: Stripe): StripeEventsGateway {
  return {
    async *listEventsSince(createdGte) {
      for await (const event of stripe.events.list({ created: { gte: createdGte }, limit: 100 })) {
        yield event as unknown as Record<string, unknown>;
      }
    },
    async retrievePaymentIntent(id) {
      return (await stripe.paymentIntents.retrieve(id)) as unknown as Record<string, unknown>;
    },
  };
}

/** The gateway for this configuration: Stripe with the key, else the sandbox at `sandboxUrl`. */
export function eventsGatewayFor(
  config: AppConfig,
  sandboxUrl: string | undefined,
): StripeEventsGateway {
  const sandbox = sandboxUrl ? new URL(sandboxUrl) : undefined;
  const endpoint = endpointFor(
    config,
    sandbox && { host: sandbox.hostname, port: Number(sandbox.port) },
  );
  return createEventsGateway(createStripeClient(endpoint, config.stripe));
}
