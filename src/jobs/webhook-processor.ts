import { hostname } from 'node:os';
import type { Sequelize } from 'sequelize';
import { loadRawBody, markProcessed, recordAttempt } from '../services/webhooks/event-inbox';
import { eventHandlers, type EventHandler } from '../services/webhooks/handlers';
import { parseEvent } from '../services/webhooks/stripe-object';
import type { WebhookMetrics } from '../services/webhooks/webhook-metrics';
import { logger } from '../utils/logger';
import { claimDue, holdClaim, releaseFailed, type Claim, type RetryPolicy } from './lease-queue';

export interface WebhookProcessorDeps {
  sequelize: Sequelize;
  metrics: WebhookMetrics;
  retry: RetryPolicy;
  leaseMs: number;
  batchSize: number;
  /** Names this worker in the attempt log. */
  workerId?: string;
  /** The handler table; the service's own unless a test swaps one in. */
  handlers?: Readonly<Record<string, EventHandler>>;
}

/** The claim was taken over by another worker after this one's lease ran out. */
class LostClaimError extends Error {}

const MAX_ERROR_LENGTH = 500;

export function defaultWorkerId(): string {
  return `${hostname()}:${process.pid}`;
}

/**
 * Applies one claimed event. The handler's writes, the `processed` mark and the attempt record
 * share one transaction that first locks the event row and re-checks the claim, so an event is
 * either applied and marked once or not at all, whichever worker gets to it.
 */
async function applyClaim(deps: WebhookProcessorDeps, claim: Claim, worker: string): Promise<Date> {
  const { sequelize } = deps;
  const handlers = deps.handlers ?? eventHandlers;
  const startedAt = new Date();
  let receivedAt = startedAt;
  await sequelize.transaction(async (transaction) => {
    if (!(await holdClaim(sequelize, 'webhook_events', claim, transaction))) {
      throw new LostClaimError();
    }
    const stored = await loadRawBody(sequelize, claim.id, transaction);
    if (!stored) throw new LostClaimError();
    receivedAt = stored.receivedAt;
    const event = parseEvent(stored.rawBody);
    const handler = handlers[event.type];
    if (handler) await handler({ sequelize, transaction, event, at: event.created });
    await markProcessed(
      sequelize,
      { id: claim.id, attempt: claim.attempts, worker, startedAt },
      transaction,
    );
  });
  return receivedAt;
}

async function processClaim(deps: WebhookProcessorDeps, claim: Claim): Promise<void> {
  const worker = deps.workerId ?? defaultWorkerId();
  const startedAt = new Date();
  try {
    const receivedAt = await applyClaim(deps, claim, worker);
    deps.metrics.increment('processed');
    deps.metrics.observeLag((Date.now() - receivedAt.getTime()) / 1000);
  } catch (err) {
    if (err instanceof LostClaimError) {
      logger.warn('webhook claim lost', { eventId: claim.id });
      return;
    }
    const message = (err instanceof Error ? err.message : String(err)).slice(0, MAX_ERROR_LENGTH);
    await recordAttempt(deps.sequelize, {
      id: claim.id,
      attempt: claim.attempts,
      worker,
      startedAt,
      outcome: 'failed',
      error: message,
    });
    const next = await releaseFailed(deps.sequelize, 'webhook_events', claim, deps.retry, message);
    deps.metrics.increment(next === 'failed' ? 'failed' : 'retried');
    logger.warn('webhook processing failed', {
      eventId: claim.id,
      attempt: claim.attempts,
      next,
      err,
    });
  }
}

/** One poll: claims due events and applies them one by one. Resolves with how many it claimed. */
export async function processDueEvents(deps: WebhookProcessorDeps): Promise<number> {
  const claims = await claimDue(deps.sequelize, 'webhook_events', deps.batchSize, deps.leaseMs);
  for (const claim of claims) await processClaim(deps, claim);
  return claims.length;
}
