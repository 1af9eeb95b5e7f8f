import { randomUUID } from 'node:crypto';
import type { Sequelize } from 'sequelize';
import { createSequelize } from '../../src/db/connection';
import { loadOpsConfig } from '../../src/config/ops-config';
import { observeStripeCall, registry } from '../../src/metrics/registry';
import { AlertMonitor, type AlertResult } from '../../src/services/alerts/alert-service';
import { captureLogs } from '../support/log-capture';
import { insertPayment } from '../support/ops-fixtures';

const thresholds = {
  ...loadOpsConfig({}).alerts,
  minSuccessRate: 0.9,
  minAttempts: 5,
  maxInboxLagSeconds: 60,
  maxStripeErrorRate: 0.2,
  minStripeCalls: 5,
};

const byName = (results: AlertResult[], alert: string): AlertResult =>
  results.find((r) => r.alert === alert)!;

describe('Alerts', () => {
  let sequelize: Sequelize;
  const inbox = `alert_inbox_${randomUUID().slice(0, 8)}`;
  beforeAll(async () => {
    sequelize = createSequelize({ url: process.env.DATABASE_URL!, poolMax: 2 });
    await sequelize.query(
      `CREATE TABLE ${inbox} (id TEXT PRIMARY KEY, status TEXT NOT NULL,
         received_at TIMESTAMPTZ NOT NULL)`,
    );
  });
  afterAll(async () => {
    await sequelize.query(`DROP TABLE ${inbox}`);
    await sequelize.close();
  });

  test('When recent payments mostly fail, then low_success_rate fires once as a warning', async () => {
    const monitor = new AlertMonitor(sequelize, thresholds, Date.now, inbox);
    const logs = captureLogs('info');
    try {
      const now = new Date().toISOString();
      for (let i = 0; i < 10; i++) {
        await insertPayment(sequelize, {
          amount: 500 + i,
          currency: 'usd',
          status: 'requires_payment_method',
          failed: true,
          createdAt: now,
        });
      }
      const first = await monitor.evaluate();
      await monitor.evaluate();
      expect(byName(first, 'low_success_rate').active).toBe(true);
      const warnings = logs.lines().filter((l) => l.message === 'alert firing');
      expect(warnings.filter((w) => w.alert === 'low_success_rate')).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ level: 'warn', alert: 'low_success_rate' });
      const text = await registry.getSingleMetricAsString('ops_alert_active');
      expect(text).toContain('ops_alert_active{alert="low_success_rate"} 1');
    } finally {
      logs.stop();
    }
  });

  test('When the inbox has an old pending event and a failed one, then lag and failed fire', async () => {
    const monitor = new AlertMonitor(sequelize, thresholds, Date.now, inbox);
    let results = await monitor.evaluate();
    expect(byName(results, 'inbox_lag').active).toBe(false);
    expect(byName(results, 'failed_events').active).toBe(false);
    await sequelize.query(
      `INSERT INTO ${inbox} VALUES ('evt_1', 'pending', now() - interval '10 minutes'),
         ('evt_2', 'failed', now())`,
    );
    results = await monitor.evaluate();
    expect(byName(results, 'inbox_lag')).toMatchObject({ active: true });
    expect(byName(results, 'inbox_lag').fields.lagSeconds).toBeGreaterThan(590);
    expect(byName(results, 'failed_events')).toMatchObject({
      active: true,
      fields: { failedEvents: 1 },
    });
  });

  test('When Stripe calls fail beyond the rate in the window, then stripe_error_rate fires; declines do not count', async () => {
    let clock = 1_000_000;
    const monitor = new AlertMonitor(sequelize, thresholds, () => clock, inbox);
    await monitor.evaluate();
    const fail = (type: string) =>
      observeStripeCall('charges.list', async () => {
        throw Object.assign(new Error('x'), { type });
      }).catch(() => undefined);
    for (let i = 0; i < 6; i++) await fail('StripeCardError');
    clock += 60_000;
    expect(byName(await monitor.evaluate(), 'stripe_error_rate').active).toBe(false);
    for (let i = 0; i < 6; i++) await fail('StripeAPIError');
    clock += 60_000;
    const result = byName(await monitor.evaluate(), 'stripe_error_rate');
    expect(result.active).toBe(true);
    expect(result.fields.errorRate).toBeCloseTo(0.5);
    clock += thresholds.windowSeconds * 1000 + 1;
    await monitor.evaluate();
    clock += 1000;
    expect(byName(await monitor.evaluate(), 'stripe_error_rate').active).toBe(false);
  });
});
