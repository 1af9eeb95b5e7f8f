import { ConfigError, loadConfig } from '../../src/config';

describe('loadConfig', () => {
  test('When nothing is set, then the embedded defaults apply', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toMatch(/data$/);
    expect(config.stripeMode).toBe('sandbox');
    expect(config.host).toBe('127.0.0.1');
    expect(config.stripe.apiVersion).toBe('2026-11-18.endive');
  });

  test.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['LOG_LEVEL', 'loud'],
    ['STRIPE_SECRET_KEY', 'not-a-key'],
    ['STRIPE_WEBHOOK_SECRET', 'secret'],
    ['REDIS_URL', 'http://localhost'],
    ['BODY_LIMIT', 'huge'],
    ['NODE_ENV', 'staging'],
  ])('When %s is malformed (%s), then the error names it', (variable, value) => {
    let caught: unknown;
    try {
      loadConfig({ [variable]: value });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variable).toBe(variable);
    expect((caught as ConfigError).message).toContain(variable);
    expect((caught as ConfigError).message).not.toContain('\n');
  });

  test('When a live key has no webhook secret, then start-up is refused naming the secret', () => {
    expect(() => loadConfig({ STRIPE_SECRET_KEY: 'sk_live_abc123' })).toThrow(
      /STRIPE_WEBHOOK_SECRET/,
    );
  });

  test('When several webhook secrets are given, then all are kept in order', () => {
    const config = loadConfig({
      STRIPE_SECRET_KEY: 'sk_test_abc',
      STRIPE_WEBHOOK_SECRET: 'whsec_one, whsec_two',
    });
    expect(config.stripeWebhookSecrets).toEqual(['whsec_one', 'whsec_two']);
    expect(config.stripeMode).toBe('test');
  });

  test('When DATABASE_URL is set, then it is used and the host defaults to all interfaces', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u@db.internal:5432/app' });
    expect(config.databaseUrl).toBe('postgres://u@db.internal:5432/app');
    expect(config.host).toBe('0.0.0.0');
  });
});
