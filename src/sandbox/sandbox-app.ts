import { DEFAULT_CONFIG, SandboxState, type SandboxConfig } from './core/state';
import { Router } from './server/router';
import { registerConnectRoutes } from './resources/accounts';
import { registerChargeRoutes } from './resources/charges';
import { registerControlRoutes, type SandboxControls } from './resources/controls';
import { registerCustomerRoutes } from './resources/customers';
import { registerDisputeRoutes } from './resources/disputes';
import { registerEventRoutes } from './resources/events';
import { registerPaymentIntentRoutes } from './resources/payment-intents';
import { registerPaymentMethodRoutes } from './resources/payment-methods';
import { registerRefundRoutes } from './resources/refunds';
import { registerInvoiceRoutes } from './resources/invoices';
import { registerProductRoutes } from './resources/products';
import { registerSubscriptionRoutes } from './resources/subscriptions';
import { installInvoicePaymentHook } from './payments/invoice-service';
import { installBillingClock } from './payments/subscription-service';

export interface SandboxApp {
  state: SandboxState;
  api: Router;
  control: Router;
  controls: SandboxControls;
}

/** Wires state and routes; no listening (the HTTP server is built on top in index.ts). */
export interface SandboxAppConfig extends Partial<Omit<SandboxConfig, 'webhooks'>> {
  webhooks?: Partial<SandboxConfig['webhooks']>;
}

export function buildSandboxApp(config: SandboxAppConfig = {}): SandboxApp {
  const state = new SandboxState({
    ...DEFAULT_CONFIG,
    ...defined(config),
    webhooks: { ...DEFAULT_CONFIG.webhooks, ...defined(config.webhooks ?? {}) },
  });
  const api = new Router();
  registerCustomerRoutes(api, state);
  registerPaymentMethodRoutes(api, state);
  registerPaymentIntentRoutes(api, state);
  registerChargeRoutes(api, state);
  registerRefundRoutes(api, state);
  registerDisputeRoutes(api, state);
  registerEventRoutes(api, state);
  registerConnectRoutes(api, state);
  registerProductRoutes(api, state);
  registerInvoiceRoutes(api, state);
  registerSubscriptionRoutes(api, state);
  installInvoicePaymentHook(state);
  installBillingClock(state);
  const control = new Router();
  const controls = registerControlRoutes(control, state);
  return { state, api, control, controls };
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
