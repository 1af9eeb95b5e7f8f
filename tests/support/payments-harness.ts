import Stripe from 'stripe';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { ApiKeyService, OPS_SCOPES, STOREFRONT_SCOPES } from '../../src/services/api-key-service';
import { createGateway } from '../../src/stripe/default-gateway';
import { startTestApp, type TestContext } from './test-app';

export interface PaymentsHarness {
  ctx: TestContext;
  sandbox: Sandbox;
  /** An SDK client on the same sandbox, to look at what the service did there. */
  stripe: Stripe;
  keys: {
    storefront: string;
    otherStorefront: string;
    readOnly: string;
    ops: string;
  };
  keyService: ApiKeyService;
  close(): Promise<void>;
}

/**
 * The app on the run's database, talking through the official SDK over HTTP to a sandbox of
 * its own, with API keys for two storefronts, a read-only key and an ops key.
 */
export async function startPaymentsHarness(): Promise<PaymentsHarness> {
  const sandbox = await startSandbox({ port: 0 });
  const env = { RATE_LIMIT_MAX: '100000' };
  const probe = await startTestApp(env);
  const gateway = createGateway(probe.config, sandbox);
  await probe.close();
  const ctx = await startTestApp(env, { stripe: gateway });
  const keyService = new ApiKeyService(ctx.sequelize);
  const make = async (name: string, scopes: string[]) =>
    (await keyService.create({ name, scopes, actor: 'test' })).key;
  const keys = {
    storefront: await make('storefront-a', STOREFRONT_SCOPES),
    otherStorefront: await make('storefront-b', STOREFRONT_SCOPES),
    readOnly: await make('read-only', ['payments:read', 'customers:read']),
    ops: await make('ops', OPS_SCOPES),
  };
  const stripe = new Stripe('sk_test_observer', {
    host: '127.0.0.1',
    port: sandbox.port,
    protocol: 'http',
    maxNetworkRetries: 0,
  });
  return {
    ctx,
    sandbox,
    stripe,
    keys,
    keyService,
    async close() {
      await ctx.close();
      await sandbox.close();
    },
  };
}

let counter = 0;
/** A fresh Idempotency-Key. */
export function idemKey(label = 'k'): string {
  counter += 1;
  return `${label}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 10)}`;
}

export const bearer = (key: string): string => `Bearer ${key}`;
