import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { killAllSpawned, runServiceExpectingExit, spawnService } from '../support/spawn-service';

/**
 * The embedded default, as a new user runs it: no DATABASE_URL, data under DATA_DIR. Each test
 * starts the real entry point in its own process (PGlite cannot run inside jest's sandbox).
 */
// A real process starts an embedded PostgreSQL and the sandbox: on a loaded 2-core machine that
// alone was measured at over 30 s, so these tests get the time spawnService itself allows.
jest.setTimeout(180_000);

describe('embedded default mode', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'payments-embedded-'));
  afterAll(() => {
    killAllSpawned();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('When started twice on one data folder, then data survives and migrations run once', async () => {
    const env = { DATA_DIR: dataDir, RATE_LIMIT_MAX: '1' };
    const auth = `Bearer psk_test_${randomUUID()}`;

    const first = await spawnService(env);
    expect(first.output()).toMatch(/database: embedded/);
    expect(first.output()).toMatch(/stripe: +built-in Stripe sandbox/);
    expect(first.output()).toContain('"migrations applied"');
    const ready = await fetch(`${first.url}/readyz`);
    expect(ready.status).toBe(200);
    // One request spends this client's whole budget; the counter lives in the database.
    expect(
      (await fetch(`${first.url}/v1/probe`, { headers: { authorization: auth } })).status,
    ).toBe(404);
    expect(await first.stop()).toBe(0);

    const second = await spawnService(env);
    expect(second.output()).not.toContain('"migrations applied"');
    const limited = await fetch(`${second.url}/v1/probe`, { headers: { authorization: auth } });
    expect(limited.status).toBe(429);
    expect(await second.stop()).toBe(0);
  }, 120_000);

  test('When a second process opens the same data folder, then it refuses to start', async () => {
    const first = await spawnService({ DATA_DIR: dataDir });
    try {
      const second = await runServiceExpectingExit({ DATA_DIR: dataDir, PORT: '0' });
      expect(second.code).toBe(1);
      expect(second.output).toMatch(/in use by process/);
    } finally {
      await first.stop();
    }
  }, 120_000);

  test('When a variable is malformed, then start-up stops with one line naming it', async () => {
    const result = await runServiceExpectingExit({ PORT: 'not-a-port', DATA_DIR: dataDir });
    expect(result.code).toBe(1);
    expect(result.output.trim().split('\n')).toHaveLength(1);
    expect(result.output).toMatch(/^Configuration error: Invalid environment variable PORT/);
  });
});
