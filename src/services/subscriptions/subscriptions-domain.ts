import type { Sequelize } from 'sequelize';
import type { AppConfig } from '../../config';
import type { BillingGateway } from '../../stripe/billing-gateway';
import { EntitlementService } from './entitlement-service';
import { SubscriptionService } from './subscription-service';

/** The subscriptions domain, wired once per app. */
export interface SubscriptionsDomain {
  billing: BillingGateway;
  subscriptions: SubscriptionService;
  entitlements: EntitlementService;
}

// Limitation: entitlements are computed against this process's wall clock, so with Stripe test
// clocks (or the sandbox's advanced time) "now" differs from the subscription's; the clock is
// injectable (AppDeps.clock) and tests pass the sandbox's, production has no other clock.
/** The wall clock in Unix seconds. */
export const wallClock = (): number => Math.floor(Date.now() / 1000);

export function buildSubscriptionsDomain(deps: {
  config: AppConfig;
  sequelize: Sequelize;
  billing: BillingGateway;
  clock?: () => number;
}): SubscriptionsDomain {
  const clock = deps.clock ?? wallClock;
  return {
    billing: deps.billing,
    subscriptions: new SubscriptionService(deps.sequelize, deps.billing, clock),
    entitlements: new EntitlementService(deps.config.subscriptions.gracePeriodDays, clock),
  };
}
