import type { Sequelize } from 'sequelize';
import { QueryTypes } from 'sequelize';
import { processDueEvents, type WebhookProcessorDeps } from '../../src/jobs/webhook-processor';
import { CountingWebhookMetrics } from '../../src/services/webhooks/webhook-metrics';

/** Processor settings for tests: quick retries, short leases. */
export function testProcessor(
  sequelize: Sequelize,
  overrides: Partial<WebhookProcessorDeps> = {},
): WebhookProcessorDeps {
  return {
    sequelize,
    metrics: new CountingWebhookMetrics(),
    retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 200 },
    leaseMs: 30_000,
    batchSize: 20,
    workerId: 'test-worker',
    ...overrides,
  };
}

/** Processes until the given events are no longer pending or processing. */
export async function drainEvents(deps: WebhookProcessorDeps, ids: string[]): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    await processDueEvents(deps);
    const [row] = await deps.sequelize.query<{ open: string }>(
      `SELECT count(*) AS open FROM webhook_events
       WHERE id = ANY($1) AND status IN ('pending', 'processing')`,
      { bind: [ids], type: QueryTypes.SELECT },
    );
    if (Number(row!.open) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('events were not drained in time');
}

export async function eventStatus(sequelize: Sequelize, id: string): Promise<string | undefined> {
  const [row] = await sequelize.query<{ status: string }>(
    'SELECT status FROM webhook_events WHERE id = $1',
    { bind: [id], type: QueryTypes.SELECT },
  );
  return row?.status;
}
