import express, { type RequestHandler } from 'express';
import type { AppDeps } from '../app';
import { AppError } from '../errors/app-error';
import type { EventSource } from '../services/webhooks/event-inbox';
import { receiveDelivery, type IntakeDeps } from '../services/webhooks/intake-service';
import type { RouteSpec } from './route-table';

/** Stripe's payloads stay well under this; anything larger is not a Stripe event. */
const MAX_WEBHOOK_BODY = '512kb';

/**
 * One answer for every refusal: which check failed (signature, timestamp, body) would help a
 * forger, so the reason goes to the rejected counter and the log only.
 */
function rejected(): AppError {
  return new AppError(400, 'invalid_request_error', 'webhook_rejected', 'Webhook rejected.');
}

function intakeHandler(deps: IntakeDeps, source: EventSource): RequestHandler {
  return async (req, res) => {
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const outcome = await receiveDelivery(deps, {
      rawBody,
      signatureHeader: req.get('stripe-signature'),
      source,
    });
    if (outcome === 'rejected') throw rejected();
    res.status(200).json({ received: true, duplicate: outcome === 'duplicate' });
  };
}

/** `POST /webhooks/stripe` and the Connect endpoint: verified intake into the event inbox. */
export function webhookRoutes(deps: AppDeps, metrics: IntakeDeps['metrics']): RouteSpec[] {
  // Any content type: the bytes are verified as sent, whatever the header claims.
  const raw = express.raw({ type: () => true, limit: MAX_WEBHOOK_BODY });
  const base = {
    sequelize: deps.sequelize,
    toleranceSeconds: deps.config.stripe.webhookToleranceSeconds,
    metrics,
  };
  const platform: IntakeDeps = {
    ...base,
    secrets: () => [
      ...new Set([...deps.config.stripeWebhookSecrets, ...(deps.webhookSecrets ?? [])]),
    ],
  };
  const connect: IntakeDeps = {
    ...base,
    secrets: () => [
      ...deps.config.stripeConnectWebhookSecrets,
      ...(deps.connectWebhookSecrets ?? []),
    ],
  };
  return [
    {
      method: 'post',
      path: '/webhooks/stripe',
      handlers: [raw, intakeHandler(platform, 'webhook')],
    },
    {
      method: 'post',
      path: '/webhooks/stripe/connect',
      handlers: [raw, intakeHandler(connect, 'connect')],
    },
  ];
}
