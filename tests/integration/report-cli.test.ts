import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { api } from '../support/contract';
import { createApiKey, insertPayment, isolatedPastDate } from '../support/ops-fixtures';
import { startTestApp, type TestContext } from '../support/test-app';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');

/** `npm run cli -- report …`, as an operator runs it, on the run's database. */
async function cli(...args: string[]): Promise<{ stdout: string; code: number }> {
  try {
    const { stdout } = await run(
      process.execPath,
      [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'src/cli/index.ts', 'report', ...args],
      { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'error' } },
    );
    return { stdout, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout + e.stderr, code: e.code };
  }
}

describe('npm run cli -- report', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp();
  });
  afterAll(() => ctx.close());

  test('When run for a day, then it prints the same JSON as the API', async () => {
    const day = isolatedPastDate();
    await insertPayment(ctx.sequelize, {
      amount: 1999,
      currency: 'usd',
      status: 'succeeded',
      createdAt: `${day}T12:00:00Z`,
    });
    await insertPayment(ctx.sequelize, {
      amount: 12345,
      currency: 'bhd',
      status: 'succeeded',
      createdAt: `${day}T13:00:00Z`,
    });

    const printed = await cli('--date', day, '--tz', 'Europe/Paris');

    expect(printed.code).toBe(0);
    const key = await createApiKey(ctx.sequelize, ['reports:read']);
    const res = await api(ctx.built.app)
      .get(`/v1/reports/daily?date=${day}&tz=Europe/Paris`)
      .set('Authorization', `Bearer ${key.secret}`)
      .expect(200);
    expect(JSON.parse(printed.stdout)).toEqual(res.body);
    expect(
      res.body.currencies.map((c: { gross_succeeded_amount: number }) => c.gross_succeeded_amount),
    ).toEqual([12345, 1999]);
  });

  test('When the date is not a date, then it exits 1 saying so', async () => {
    const printed = await cli('--date', '2026-13-01');
    expect(printed.code).toBe(1);
    expect(printed.stdout).toContain('date');
  });
});
