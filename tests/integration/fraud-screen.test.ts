import { QueryTypes, type Sequelize } from 'sequelize';
import { createSequelize } from '../../src/db/connection';
import { parseIpDenyList } from '../../src/services/fraud/fraud-rules';
import { attempt, newScreen, randomId, randomIp, testRules } from '../support/fraud-fixtures';
import { insertPayment } from '../support/ops-fixtures';

describe('Fraud screen', () => {
  let sequelize: Sequelize;
  beforeAll(() => {
    sequelize = createSequelize({ url: process.env.DATABASE_URL!, poolMax: 3 });
  });
  afterAll(() => sequelize.close());

  test.each([
    [1000, 'allow'],
    [5000, 'review'],
    [9000, 'block'],
  ])('When the amount is %i USD cents, then the decision is %s', async (amount, decision) => {
    const result = await newScreen(sequelize).screen(attempt({ amount }));
    expect(result.decision).toBe(decision);
    if (decision !== 'allow') expect(result.reasons[0]).toMatchObject({ rule: 'amount_threshold' });
  });

  test('When a currency has no threshold, then the amount rule does not apply', async () => {
    const result = await newScreen(sequelize).screen(
      attempt({ amount: 9_999_999, currency: 'eur' }),
    );
    expect(result.decision).toBe('allow');
  });

  test('When the decision is stored, then it carries its reasons and no raw email', async () => {
    const email = `${randomId('who')}@example.com`;
    const result = await newScreen(sequelize).screen(attempt({ amount: 5000, email }));
    const [row] = await sequelize.query<Record<string, unknown>>(
      'SELECT * FROM fraud_screenings WHERE id = ?',
      { type: QueryTypes.SELECT, replacements: [result.id] },
    );
    expect(row).toMatchObject({ decision: 'review', amount: '5000', currency: 'usd' });
    expect(row!.reasons).toEqual([
      { rule: 'amount_threshold', action: 'review', value: 5000, threshold: 5000 },
    ]);
    expect(JSON.stringify(row)).not.toContain(email);
  });

  test('When the IP is in a denied CIDR range, then block; outside it, allow', async () => {
    const deny = parseIpDenyList('203.0.113.0/24\n2001:db8::/32');
    const screen = newScreen(sequelize, testRules(), deny);
    expect((await screen.screen(attempt({ ip: '203.0.113.50' }))).decision).toBe('block');
    expect((await screen.screen(attempt({ ip: '2001:db8::1' }))).decision).toBe('block');
    expect((await screen.screen(attempt({ ip: '203.0.114.1' }))).decision).toBe('allow');
    const reviewing = newScreen(sequelize, testRules({ ipDenyList: { action: 'review' } }), deny);
    expect((await reviewing.screen(attempt({ ip: '203.0.113.9' }))).decision).toBe('review');
  });

  test.each([
    ['customer', { customerId: randomId('cus') }, ['allow', 'allow', 'review', 'review', 'block']],
    [
      'email',
      { email: `${randomId('v')}@example.com` },
      ['allow', 'allow', 'review', 'review', 'block'],
    ],
    ['ip', { ip: randomIp() }, ['allow', 'allow', 'allow', 'review', 'review', 'block']],
  ])(
    'When one %s makes attempts in the window, then allow, review, then block',
    async (key, shared, expected) => {
      const screen = newScreen(sequelize);
      const decisions = [];
      for (let i = 0; i < expected.length; i++) {
        decisions.push((await screen.screen(attempt({ ...shared }))).decision);
      }
      expect(decisions).toEqual(expected);
      expect((await screen.screen(attempt())).decision).toBe('allow');
      void key;
    },
  );

  test('When a customer collects declines, then review and then block', async () => {
    const screen = newScreen(
      sequelize,
      testRules({
        velocity: {
          windowSeconds: 3600,
          attempts: {},
          declines: { customer: { review: 2, block: 3 } },
        },
      }),
    );
    const customerId = randomId('cus');
    const decisions = [];
    for (let i = 0; i < 4; i++) {
      const result = await screen.screen(attempt({ customerId }));
      decisions.push(result.decision);
      await screen.markDeclined(result.id);
    }
    expect(decisions).toEqual(['allow', 'allow', 'review', 'block']);
  });

  test('When a payment row shows the decline, then it counts without marking', async () => {
    const screen = newScreen(
      sequelize,
      testRules({
        velocity: {
          windowSeconds: 3600,
          attempts: {},
          declines: { customer: { review: 2, block: 3 } },
        },
      }),
    );
    const customerId = randomId('cus');
    for (let i = 0; i < 2; i++) {
      const result = await screen.screen(attempt({ customerId }));
      const paymentId = await insertPayment(sequelize, {
        amount: 1000,
        currency: 'usd',
        status: 'requires_payment_method',
        failed: true,
        createdAt: new Date().toISOString(),
      });
      await screen.attachPayment(result.id, paymentId);
    }
    expect((await screen.screen(attempt({ customerId }))).decision).toBe('review');
  });

  test("When most of an IP's recent attempts were declined, then its next one is reviewed", async () => {
    const rules = testRules({
      velocity: { windowSeconds: 3600, attempts: {}, declines: {} },
      cardTesting: { windowSeconds: 900, smallAmounts: {}, declines: { block: 100 } },
    });
    const screen = newScreen(sequelize, rules);
    const ip = randomIp();
    for (let i = 0; i < 4; i++) {
      const result = await screen.screen(attempt({ ip }));
      if (i < 2) await screen.markDeclined(result.id);
    }
    const result = await screen.screen(attempt({ ip }));
    expect(result.decision).toBe('review');
    expect(result.reasons).toEqual([
      { rule: 'ip_decline_rate', action: 'review', value: 0.5, threshold: 0.5 },
    ]);
  });

  test('When small attempts from one IP keep being declined, then card testing reviews then blocks', async () => {
    const rules = testRules({
      velocity: { windowSeconds: 3600, attempts: {}, declines: {} },
      ipDeclineRate: { windowSeconds: 3600, minAttempts: 1000, review: 1 },
    });
    const screen = newScreen(sequelize, rules);
    const ip = randomIp();
    const decisions = [];
    for (let i = 0; i < 4; i++) {
      const result = await screen.screen(
        attempt({ ip, amount: 100 + i, customerId: randomId('cus') }),
      );
      decisions.push(result.decision);
      await screen.markDeclined(result.id);
    }
    expect(decisions).toEqual(['allow', 'allow', 'review', 'block']);
    const big = await newScreen(sequelize, rules).screen(attempt({ ip: randomIp(), amount: 150 }));
    expect(big.decision).toBe('allow');
  });

  test('When two app instances screen the same customer, then the limit holds across them', async () => {
    const other = createSequelize({ url: process.env.DATABASE_URL!, poolMax: 3 });
    try {
      const a = newScreen(sequelize);
      const b = newScreen(other);
      const customerId = randomId('cus');
      const decisions = [];
      for (const screen of [a, b, a, b, a]) {
        decisions.push((await screen.screen(attempt({ customerId }))).decision);
      }
      expect(decisions).toEqual(['allow', 'allow', 'review', 'review', 'block']);
      const parallel = await Promise.all(
        [a, b, a, b].map((s) => s.screen(attempt({ customerId: `${customerId}_p` }))),
      );
      expect(parallel.map((r) => r.decision).sort()).toEqual([
        'allow',
        'allow',
        'review',
        'review',
      ]);
    } finally {
      await other.close();
    }
  });
});
