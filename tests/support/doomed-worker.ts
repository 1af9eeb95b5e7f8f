// A worker process for the crash test: applies events like any worker, but stops forever
// inside the transaction of one named event, so the test can kill it there.
import { createSequelize } from '../../src/db/connection';
import { processDueEvents } from '../../src/jobs/webhook-processor';
import { initModels } from '../../src/models';
import { eventHandlers, type EventHandler } from '../../src/services/webhooks/handlers';
import { CountingWebhookMetrics } from '../../src/services/webhooks/webhook-metrics';

const hangOn = process.argv[2]!;
const sequelize = createSequelize({ url: process.env.DATABASE_URL!, poolMax: 1 });
initModels(sequelize);

const handlers: Record<string, EventHandler> = {};
for (const [type, handler] of Object.entries(eventHandlers)) {
  handlers[type] = async (ctx) => {
    await handler(ctx);
    if (ctx.event.id !== hangOn) return;
    process.stdout.write('inside\n');
    await new Promise(() => undefined);
  };
}

void processDueEvents({
  sequelize,
  metrics: new CountingWebhookMetrics(),
  retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 200 },
  leaseMs: 1500,
  batchSize: 200,
  workerId: 'doomed',
  handlers,
});
