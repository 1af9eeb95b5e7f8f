import {
  listScenarios,
  resolveRefs,
  replay,
  ScenarioError,
} from '../../webhooks/scenario-replayer';
import { triggerLocally, triggerRemote } from '../../webhooks/trigger';
import { startHarness, type Harness } from './sandbox-harness';

describe('npm run trigger <event>', () => {
  test('There is a scenario for each copied trigger file', () => {
    expect(listScenarios().length).toBeGreaterThanOrEqual(25);
  });

  test.each(listScenarios())(
    'When %s is replayed, then the event is emitted and delivered signed',
    async (event) => {
      const outcome = await triggerLocally(event);
      expect(outcome.eventIds.length).toBeGreaterThan(0);
      expect(outcome.delivered).toBe(true);
    },
  );

  test('When the scenario does not exist, then it fails loudly', async () => {
    await expect(triggerLocally('no.such_event')).rejects.toThrow(ScenarioError);
  });
});

describe('scenario replay', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.sandbox.close());

  test('When a reference names no earlier step or field, then it fails loudly', () => {
    expect(() => resolveRefs('/v1/customers/${customer:id}', {})).toThrow(ScenarioError);
    expect(() => resolveRefs('${customer:nope}', { customer: { id: 'cus_1' } })).toThrow(
      ScenarioError,
    );
    expect(resolveRefs('/v1/x/${a:b.0.c}', { a: { b: [{ c: 'v' }] } })).toBe('/v1/x/v');
  });

  test('When a step hits something the sandbox cannot do, then the scenario fails naming it', async () => {
    const scenario = {
      event: 'radar.early_fraud_warning.created',
      aliases: [],
      steps: [{ name: 'unknown', path: '/v1/radar/early_fraud_warnings', method: 'post' as const }],
    };
    const opts = { apiBase: h.sandbox.url, apiKey: 'sk_test_x' };
    await expect(replay(scenario, opts)).rejects.toThrow(/Step unknown failed with 404/);
  });

  test('When an expected card error does not happen, then it fails loudly', async () => {
    const scenario = {
      event: 'charge.failed',
      aliases: [],
      steps: [
        {
          name: 'pi',
          path: '/v1/payment_intents',
          method: 'post' as const,
          expected_error_type: 'card_error',
          params: { amount: 1000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true },
        },
      ],
    };
    await expect(replay(scenario, { apiBase: h.sandbox.url, apiKey: 'sk_test_x' })).rejects.toThrow(
      /should fail with card_error/,
    );
  });

  test('When run against a running sandbox, then its endpoints get the event', async () => {
    const outcome = await triggerRemote('customer.created', {
      apiBase: h.sandbox.url,
      apiKey: 'sk_test_remote',
    });
    expect(outcome.eventIds).toHaveLength(1);
  });
});
