import { createApp } from '../../src/app';
import { createSequelize } from '../../src/db/connection';
import { addressOf, closeGracefully, listen } from '../../src/lifecycle/http-server';
import { testConfig } from '../support/test-app';

describe('graceful shutdown', () => {
  test('When the server stops during a request, then that request finishes and new ones are refused', async () => {
    const config = testConfig();
    const sequelize = createSequelize({ url: config.databaseUrl!, poolMax: 2 });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered: () => void = () => undefined;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const built = createApp({
      config,
      sequelize,
      readiness: {
        slow: async () => {
          entered();
          await gate;
        },
      },
    });
    const server = await listen(built.app, 0, '127.0.0.1');
    const { port } = addressOf(server);

    const inFlight = fetch(`http://127.0.0.1:${port}/readyz`);
    await inside;
    const closing = closeGracefully(server, 5000);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    release();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ready' });
    await closing;
    expect(server.listening).toBe(false);
    await built.close();
    await sequelize.close();
  });
});
