import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { eventBody, postSigned, randomId, TEST_WEBHOOK_SECRET } from '../../support/stripe-events';
import { startTestApp, type TestContext } from '../../support/test-app';
import { eventStatus } from '../../support/webhook-pipeline';

const ROOT = path.resolve(__dirname, '../../..');
const run = promisify(execFile);

function cli(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'silent' },
  });
}

describe('CLI: events', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp({ STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET });
  });
  afterAll(() => ctx.close());

  test('When ops list failed events of a type and replay one by id, then it is due again', async () => {
    const type = `test.cli_${randomId('x').slice(2, 10)}`;
    const body = eventBody(type, { id: 'obj_1' }, 1_760_000_000);
    const id = (JSON.parse(body) as { id: string }).id;
    await postSigned(ctx.built.app, body).expect(200);
    await ctx.sequelize.query(`UPDATE webhook_events SET status = 'failed' WHERE id = $1`, {
      bind: [id],
    });

    const listed = await cli('events', 'list', '--status', 'failed', '--type', type);
    expect(listed.stdout.split('\t').slice(0, 3)).toEqual([id, type, 'failed']);
    const replayed = await cli('events', 'replay', id);

    expect(replayed.stdout).toContain('Replayed 1 event(s).');
    expect(await eventStatus(ctx.sequelize, id)).toBe('pending');
  });

  test('When replay names neither an id nor a filter, then it refuses with exit code 1', async () => {
    await expect(cli('events', 'replay')).rejects.toMatchObject({ code: 1 });
  });
});
