import type { Sequelize } from 'sequelize';
import { verifyStripeSignature } from '../../stripe/webhook-signature';
import { logger } from '../../utils/logger';
import { storeEvent, type EventSource, type IncomingEvent } from './event-inbox';
import type { WebhookMetrics } from './webhook-metrics';

export interface IntakeDeps {
  sequelize: Sequelize;
  /** Secrets accepted for this endpoint; any one verifying is enough. */
  secrets: () => readonly string[];
  toleranceSeconds: number;
  metrics: WebhookMetrics;
}

export type IntakeOutcome = 'stored' | 'duplicate' | 'rejected';

/** The envelope of a verified body, or undefined when it is not a Stripe event. */
function envelopeOf(raw: string, source: EventSource): IncomingEvent | undefined {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const { id, type, created, data } = parsed ?? {};
  const valid =
    typeof id === 'string' &&
    /^evt_\w+$/.test(id) &&
    typeof type === 'string' &&
    type.length > 0 &&
    Number.isSafeInteger(created) &&
    typeof data === 'object' &&
    data !== null;
  if (!valid) return undefined;
  return {
    id,
    type,
    created: created as number,
    apiVersion: typeof parsed.api_version === 'string' ? parsed.api_version : null,
    account: typeof parsed.account === 'string' ? parsed.account : null,
    livemode: parsed.livemode === true,
    source,
    rawBody: raw,
  };
}

/**
 * Takes one delivery: verifies the signature on the exact bytes, checks the body is an event,
 * stores it once. Nothing is applied here; the worker does that, so intake stays fast however
 * slow or broken processing is.
 */
export async function receiveDelivery(
  deps: IntakeDeps,
  delivery: { rawBody: Buffer; signatureHeader: string | undefined; source: EventSource },
): Promise<IntakeOutcome> {
  const reject = (reason: string): IntakeOutcome => {
    deps.metrics.increment('rejected', { reason, source: delivery.source });
    logger.warn('webhook rejected', { reason, source: delivery.source });
    return 'rejected';
  };
  const check = verifyStripeSignature(
    delivery.rawBody,
    delivery.signatureHeader,
    deps.secrets(),
    deps.toleranceSeconds,
  );
  if (!check.ok) return reject(check.reason);
  const event = envelopeOf(delivery.rawBody.toString('utf8'), delivery.source);
  if (!event) return reject('malformed_body');

  const outcome = await storeEvent(deps.sequelize, event);
  deps.metrics.increment(outcome === 'stored' ? 'received' : 'duplicate', {
    source: delivery.source,
  });
  logger.info('webhook received', { eventId: event.id, eventType: event.type, outcome });
  return outcome;
}
