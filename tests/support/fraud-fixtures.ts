import { randomBytes } from 'node:crypto';
import { BlockList } from 'node:net';
import type { Sequelize } from 'sequelize';
import { FraudScreen, type ScreenInput } from '../../src/services/fraud/fraud-screen';
import { parseFraudRules, type FraudRules } from '../../src/services/fraud/fraud-rules';

/** Rules with low levels, so each one can be reached in a few attempts. */
export function testRules(overrides: Partial<FraudRules> = {}): FraudRules {
  return parseFraudRules({
    amountThresholds: { usd: { review: 5000, block: 9000 }, jpy: { review: 50000 } },
    velocity: {
      windowSeconds: 3600,
      attempts: {
        customer: { review: 3, block: 5 },
        ip: { review: 4, block: 6 },
        email: { review: 3, block: 5 },
      },
      declines: { customer: { review: 2, block: 3 } },
    },
    ipDenyList: { action: 'block' },
    ipDeclineRate: { windowSeconds: 3600, minAttempts: 4, review: 0.5, block: 0.9 },
    cardTesting: {
      windowSeconds: 900,
      smallAmounts: { usd: 200 },
      declines: { review: 2, block: 3 },
    },
    radar: { elevated: 'review', highest: 'review' },
    earlyFraudWarning: { autoRefund: false },
    review: { captureWindowHours: 168, warnBeforeHours: 24 },
    ...overrides,
  });
}

/** A documentation-range IPv4 address (RFC 5737) not used by any other test. */
export function randomIp(): string {
  const b = randomBytes(2);
  return `198.18.${b[0]}.${b[1]}`;
}

export const randomId = (prefix: string): string => `${prefix}_${randomBytes(8).toString('hex')}`;

export function newScreen(
  sequelize: Sequelize,
  rules = testRules(),
  deny = new BlockList(),
): FraudScreen {
  return new FraudScreen(sequelize, rules, deny);
}

export function attempt(overrides: Partial<ScreenInput> = {}): ScreenInput {
  return {
    stage: 'create',
    ownerId: 'own_fraud',
    amount: 1000,
    currency: 'usd',
    customerId: randomId('cus'),
    email: `${randomId('shopper')}@example.com`,
    ip: randomIp(),
    ...overrides,
  };
}
