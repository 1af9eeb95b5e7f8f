import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { startSandbox, type Sandbox } from '../../../src/sandbox';
import { ApiKeyService, STOREFRONT_SCOPES } from '../../../src/services/api-key-service';
import { syncConfiguredCatalog } from '../../../src/services/subscriptions/catalog-bootstrap';
import {
  subscriptionEventHandlers,
  type BillingEventContext,
} from '../../../src/services/subscriptions/subscription-event-handlers';
import { createBillingGateway, type BillingGateway } from '../../../src/stripe/billing-gateway';
import { SANDBOX_SECRET_KEY, createGateway } from '../../../src/stripe/default-gateway';
import { api } from '../../support/contract';
import { startTestApp, testConfig, type TestContext } from '../../support/test-app';

export const DAY = 86400;

export interface SubscriptionHarness {
  sandbox: Sandbox;
  /** The official SDK on the sandbox, standing in for Stripe.js in the browser. */
  stripe: Stripe;
  billing: BillingGateway;
  ctx: TestContext;
  key: string;
  /** Signing secrets the app accepts; a test that registers an endpoint adds its secret. */
  webhookSecrets: string[];
  http: ReturnType<typeof api>;
  close(): Promise<void>;
}

/** The app wired to its own sandbox, with the catalogue synced and a storefront API key. */
export async function startSubscriptionHarness(
  env: Record<string, string> = {},
): Promise<SubscriptionHarness> {
  const sandbox = await startSandbox({ port: 0 });
  const endpoint = { host: '127.0.0.1', port: sandbox.port };
  const config = testConfig(env);
  const billing = createBillingGateway(config, endpoint);
  const webhookSecrets: string[] = [];
  const ctx = await startTestApp(env, {
    stripe: createGateway(config, endpoint),
    billing,
    clock: () => sandbox.now(),
    webhookSecrets,
  });
  await syncConfiguredCatalog(ctx.config, billing);
  const { key } = await new ApiKeyService(ctx.sequelize).create({
    name: 'storefront',
    scopes: STOREFRONT_SCOPES,
  });
  const stripe = new Stripe(SANDBOX_SECRET_KEY, {
    host: '127.0.0.1',
    port: sandbox.port,
    protocol: 'http',
    maxNetworkRetries: 0,
  });
  return {
    sandbox,
    stripe,
    billing,
    ctx,
    key,
    webhookSecrets,
    http: api(ctx.built.app),
    async close() {
      await ctx.close();
      await sandbox.close();
    },
  };
}

export const auth = (h: SubscriptionHarness) => ({ authorization: `Bearer ${h.key}` });
export const once = () => ({ 'idempotency-key': randomUUID() });

/** A storefront customer, created through the API. */
export async function createCustomer(h: SubscriptionHarness): Promise<string> {
  const res = await h.http
    .post('/v1/customers')
    .set(auth(h))
    .set(once())
    .send({ email: `member-${randomUUID()}@example.com` })
    .expect(201);
  return (res.body as { id: string }).id;
}

/** Every sandbox event about one Stripe customer's subscriptions and invoices, oldest first. */
export async function billingEventsOf(
  h: SubscriptionHarness,
  stripeCustomerId: string,
): Promise<Stripe.Event[]> {
  const events: Stripe.Event[] = [];
  for await (const event of h.stripe.events.list({ limit: 100 })) {
    const object = event.data.object as { customer?: unknown; object?: string };
    if (!(event.type in subscriptionEventHandlers)) continue;
    if (object.customer === stripeCustomerId) events.push(event);
  }
  return events.reverse();
}

/** Applies events through the billing handlers, each in its own transaction, as the worker does. */
export async function applyEvents(h: SubscriptionHarness, events: Stripe.Event[]): Promise<void> {
  for (const event of events) {
    const handler = subscriptionEventHandlers[event.type]!;
    await h.ctx.sequelize.transaction((transaction) => {
      const ctx: BillingEventContext = {
        sequelize: h.ctx.sequelize,
        transaction,
        event: event as unknown as BillingEventContext['event'],
        at: event.created,
      };
      return handler(ctx);
    });
  }
}

/** A deterministic shuffle (so a failure can be replayed) with some events repeated. */
export function shuffledWithDuplicates<T>(items: T[], seed: number): T[] {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const out = [...items, ...items.filter(() => random() < 0.5)];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Moves the sandbox's clock forward; renewals, retries and trial ends due by then run. */
export function advance(h: SubscriptionHarness, seconds: number): void {
  h.sandbox.advanceTime(seconds);
}
