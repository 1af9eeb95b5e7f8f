import path from 'node:path';
import { QueryTypes } from 'sequelize';
import type { PaymentActions, ReviewedPayment } from '../../src/services/fraud/payment-actions';
import { sweepFraudSignals } from '../../src/services/fraud/fraud-signals';
import { warnReviewsNearDeadline } from '../../src/services/fraud/review-deadline';
import { api } from '../support/contract';
import { attempt, testRules } from '../support/fraud-fixtures';
import { captureLogs } from '../support/log-capture';
import { createApiKey, insertPayment } from '../support/ops-fixtures';
import { startTestApp, type TestContext } from '../support/test-app';

describe('Fraud review queue', () => {
  let ctx: TestContext;
  let auth: string;
  let owner: string;
  const moves: { action: string; paymentId: string }[] = [];

  /** The audit rows written for a review, oldest first. */
  const auditsOf = (reviewId: string) =>
    ctx.sequelize.query<Record<string, unknown>>(
      `SELECT action, target_id, outcome, owner_id, actor, before, after FROM audit_events
       WHERE target_type = 'fraud_review' AND target_id = ? ORDER BY id`,
      { type: QueryTypes.SELECT, replacements: [reviewId] },
    );

  // Stands in for the payments service: records the call and moves the payment row as Stripe
  // would (capture → succeeded, cancel → canceled, refund → amount_refunded).
  const actions: PaymentActions = {
    capture: async (p) => record('capture', p, `status = 'succeeded', amount_received = amount`),
    cancel: async (p) => record('cancel', p, `status = 'canceled'`),
    refund: async (p) => record('refund', p, `amount_refunded = amount`),
  };
  async function record(action: string, p: ReviewedPayment, set: string): Promise<void> {
    moves.push({ action, paymentId: p.id });
    await ctx.sequelize.query(`UPDATE payments SET ${set} WHERE id = ?`, { replacements: [p.id] });
  }

  beforeAll(async () => {
    ctx = await startTestApp(
      {
        METRICS_TOKEN: 'test-metrics-token-0123456789',
        FRAUD_RULES_FILE: path.resolve(__dirname, '../fixtures/fraud-rules.json'),
      },
      {
        paymentActions: actions,
      },
    );
    const key = await createApiKey(ctx.sequelize, ['reviews:write']);
    auth = `Bearer ${key.secret}`;
    owner = key.ownerId;
  });
  afterAll(() => ctx.close());

  /** A payment the screen sent to review: made with manual capture, awaiting capture. */
  async function reviewedPayment(
    status = 'requires_capture',
    createdAt = new Date().toISOString(),
  ) {
    const { fraud } = ctx.built;
    const screening = await fraud.screen.screen(attempt({ ownerId: owner, amount: 7000 }));
    expect(screening.decision).toBe('review');
    const paymentId = await insertPayment(ctx.sequelize, {
      amount: 7000,
      currency: 'usd',
      status,
      createdAt,
      ownerId: owner,
      captureMethod: 'manual',
    });
    await fraud.screen.attachPayment(screening.id, paymentId);
    const reviewId = await fraud.reviews.open({
      paymentId,
      source: 'screen',
      screeningId: screening.id,
      reasons: screening.reasons,
    });
    return { paymentId, reviewId };
  }

  const post = (path: string) => api(ctx.built.app).post(path).set('Authorization', auth).send({});

  test('When a review is open, then the list shows it with its reasons and payment', async () => {
    const { paymentId, reviewId } = await reviewedPayment();
    const res = await api(ctx.built.app).get('/v1/reviews').set('Authorization', auth).expect(200);
    const review = res.body.data.find((r: { id: string }) => r.id === reviewId);
    expect(review).toMatchObject({
      status: 'open',
      source: 'screen',
      reasons: [{ rule: 'amount_threshold', action: 'review' }],
      payment: { id: paymentId, amount: 7000, currency: 'usd', status: 'requires_capture' },
      near_deadline: false,
    });
    expect(Date.parse(review.capture_before) - Date.parse(review.payment.created_at)).toBe(
      168 * 3600_000,
    );
  });

  test('When opened twice for one payment, then there is one open review', async () => {
    const { paymentId, reviewId } = await reviewedPayment();
    const again = await ctx.built.fraud.reviews.open({ paymentId, source: 'radar', reasons: [] });
    expect(again).toBe(reviewId);
  });

  test('When approved, then the payment is captured and the decision audited', async () => {
    const { paymentId, reviewId } = await reviewedPayment();
    const res = await post(`/v1/reviews/${reviewId}/approve`).expect(200);
    expect(res.body).toMatchObject({
      status: 'approved',
      resolution: 'captured',
      payment: { status: 'succeeded' },
    });
    expect(moves).toContainEqual({ action: 'capture', paymentId });
    expect(await auditsOf(reviewId)).toEqual([
      expect.objectContaining({
        action: 'fraud_review.approve',
        outcome: 'captured',
        owner_id: owner,
        before: { status: 'open', payment_status: 'requires_capture' },
      }),
    ]);
    const again = await post(`/v1/reviews/${reviewId}/approve`).expect(409);
    expect(again.body.error.code).toBe('review_closed');
    expect(moves.filter((m) => m.paymentId === paymentId)).toHaveLength(1);
  });

  test('When rejected before capture, then the payment is canceled', async () => {
    const { paymentId, reviewId } = await reviewedPayment();
    const res = await post(`/v1/reviews/${reviewId}/reject`).expect(200);
    expect(res.body).toMatchObject({
      status: 'rejected',
      resolution: 'canceled',
      payment: { status: 'canceled' },
    });
    expect(moves).toContainEqual({ action: 'cancel', paymentId });
    expect(await auditsOf(reviewId)).toEqual([
      expect.objectContaining({ action: 'fraud_review.reject', outcome: 'canceled' }),
    ]);
  });

  test('When an early fraud warning hits a captured payment and it is rejected, then it is refunded', async () => {
    const paymentId = await insertPayment(ctx.sequelize, {
      amount: 4200,
      currency: 'usd',
      status: 'succeeded',
      createdAt: new Date().toISOString(),
      ownerId: owner,
    });
    const reviewId = await ctx.built.fraud.signals.earlyFraudWarning(paymentId, {
      id: 'issfr_1',
      fraudType: 'made_with_stolen_card',
    });
    const review = await ctx.built.fraud.reviews.get(reviewId, null);
    expect(review).toMatchObject({
      source: 'early_fraud_warning',
      capture_before: null,
      status: 'open',
    });
    const res = await post(`/v1/reviews/${reviewId}/reject`).expect(200);
    expect(res.body.resolution).toBe('refunded');
    expect(moves).toContainEqual({ action: 'refund', paymentId });
  });

  test('When Radar rates a charge elevated, then a review opens; normal opens none', async () => {
    const paymentId = await insertPayment(ctx.sequelize, {
      amount: 4200,
      currency: 'usd',
      status: 'succeeded',
      createdAt: new Date().toISOString(),
      ownerId: owner,
    });
    expect(await ctx.built.fraud.signals.radarRiskLevel(paymentId, 'normal')).toBeUndefined();
    const reviewId = await ctx.built.fraud.signals.radarRiskLevel(paymentId, 'elevated');
    expect((await ctx.built.fraud.reviews.get(reviewId!, null)).source).toBe('radar');
  });

  test('When the webhooks stored an early fraud warning and an elevated charge, then the sweep opens one review each', async () => {
    const now = new Date().toISOString();
    const warned = await insertPayment(ctx.sequelize, {
      amount: 3100,
      currency: 'usd',
      status: 'succeeded',
      createdAt: now,
      ownerId: owner,
    });
    const risky = await insertPayment(ctx.sequelize, {
      amount: 3200,
      currency: 'usd',
      status: 'succeeded',
      createdAt: now,
      ownerId: owner,
    });
    await ctx.sequelize.query(
      `INSERT INTO early_fraud_warnings (stripe_warning_id, stripe_charge_id, stripe_payment_intent_id,
         fraud_type, actionable) VALUES (?, 'ch_x', ?, 'card_never_received', true)`,
      { replacements: [`issfr_${warned}`, `pi_${warned.slice(4)}`] },
    );
    await ctx.sequelize.query(
      `INSERT INTO charges (stripe_charge_id, payment_id, amount, currency, status, risk_level)
       VALUES (?, ?, 3200, 'usd', 'succeeded', 'elevated')`,
      { replacements: [`ch_${risky}`, risky] },
    );
    const { fraud } = ctx.built;

    const opened = await sweepFraudSignals(ctx.sequelize, fraud.rules, fraud.signals);
    const again = await sweepFraudSignals(ctx.sequelize, fraud.rules, fraud.signals);

    const sources = await ctx.sequelize.query<{ payment_id: string; source: string }>(
      `SELECT payment_id, source FROM fraud_reviews WHERE payment_id IN (?, ?) ORDER BY source`,
      { type: QueryTypes.SELECT, replacements: [warned, risky] },
    );
    expect(sources).toEqual([
      { payment_id: warned, source: 'early_fraud_warning' },
      { payment_id: risky, source: 'radar' },
    ]);
    expect(opened.length).toBeGreaterThanOrEqual(2);
    expect(again).toEqual([]);
  });

  test('When a review nears the capture deadline, then it is flagged and warned once', async () => {
    const sixDaysAgo = new Date(Date.now() - 6.5 * 86_400_000).toISOString();
    const { reviewId } = await reviewedPayment('requires_capture', sixDaysAgo);
    const logs = captureLogs('warn');
    try {
      const first = await warnReviewsNearDeadline(
        ctx.sequelize,
        testRules().review.warnBeforeHours,
      );
      const second = await warnReviewsNearDeadline(ctx.sequelize, 24);
      expect(first).toContain(reviewId);
      expect(second).not.toContain(reviewId);
      expect(logs.lines().filter((l) => l.reviewId === reviewId)).toEqual([
        expect.objectContaining({ level: 'warn', message: 'fraud review near capture deadline' }),
      ]);
    } finally {
      logs.stop();
    }
    const res = await api(ctx.built.app)
      .get(`/v1/reviews/${reviewId}`)
      .set('Authorization', auth)
      .expect(200);
    expect(res.body.near_deadline).toBe(true);
  });

  test('When another owner or a key without reviews:write asks, then 404 or 403', async () => {
    const { reviewId } = await reviewedPayment();
    const stranger = await createApiKey(ctx.sequelize, ['reviews:write']);
    await api(ctx.built.app)
      .get(`/v1/reviews/${reviewId}`)
      .set('Authorization', `Bearer ${stranger.secret}`)
      .expect(404);
    await api(ctx.built.app)
      .post(`/v1/reviews/${reviewId}/approve`)
      .set('Authorization', `Bearer ${stranger.secret}`)
      .send({})
      .expect(404);
    const reader = await createApiKey(ctx.sequelize, ['reports:read'], owner);
    await api(ctx.built.app)
      .get('/v1/reviews')
      .set('Authorization', `Bearer ${reader.secret}`)
      .expect(403);
    const [row] = await ctx.sequelize.query<{ status: string }>(
      'SELECT status FROM fraud_reviews WHERE id = ?',
      { type: QueryTypes.SELECT, replacements: [reviewId] },
    );
    expect(row!.status).toBe('open');
  });

  test.each([
    ['/v1/reviews?status=closed', 'get'],
    ['/v1/reviews?limit=0', 'get'],
    ['/v1/reviews/rv_nothex', 'get'],
  ])('When the request is %s, then 400', async (path) => {
    await api(ctx.built.app).get(path).set('Authorization', auth).expect(400);
  });

  test('When the decision body has unknown fields, then 400 and nothing moves', async () => {
    const { paymentId, reviewId } = await reviewedPayment();
    await api(ctx.built.app)
      .post(`/v1/reviews/${reviewId}/approve`)
      .set('Authorization', auth)
      .send({ capture: 'all' })
      .expect(400);
    expect(moves.filter((m) => m.paymentId === paymentId)).toEqual([]);
  });

  test('When the payments service fails, then the review stays open and can be decided again', async () => {
    const { reviewId } = await reviewedPayment();
    const capture = actions.capture;
    actions.capture = async () => {
      throw new Error('stripe down');
    };
    try {
      await post(`/v1/reviews/${reviewId}/approve`).expect(500);
    } finally {
      actions.capture = capture;
    }
    await post(`/v1/reviews/${reviewId}/approve`).expect(200);
  });
});
