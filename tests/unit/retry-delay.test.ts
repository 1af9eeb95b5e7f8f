import { retryDelayMs } from '../../src/jobs/lease-queue';

describe('retryDelayMs', () => {
  const policy = { maxAttempts: 8, baseDelayMs: 1000, maxDelayMs: 60_000 };

  test.each([
    [1, 500, 1000],
    [2, 1000, 2000],
    [3, 2000, 4000],
    [6, 16_000, 32_000],
    [7, 30_000, 60_000],
    [12, 30_000, 60_000],
  ])('When attempt %i failed, then the delay lies between %i and %i ms', (attempt, low, high) => {
    expect(retryDelayMs(attempt, policy, () => 0)).toBe(low);
    expect(retryDelayMs(attempt, policy, () => 1)).toBe(high);
    const sampled = retryDelayMs(attempt, policy);
    expect(sampled).toBeGreaterThanOrEqual(low);
    expect(sampled).toBeLessThanOrEqual(high);
  });

  test('When many events fail together, then their retries are spread out by the jitter', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelayMs(4, policy)));
    expect(delays.size).toBeGreaterThan(10);
  });
});
