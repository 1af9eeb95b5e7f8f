import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import { signPayloadForTest } from '../../src/stripe/webhook-signature';
import { api } from './contract';

const FIXTURES = path.resolve(__dirname, '../fixtures/stripe/events');

export const TEST_WEBHOOK_SECRET = 'whsec_testsecretforwebhooks0001';

/** The fixture files' names without extension (`payment_intent_succeeded`, …). */
export function fixtureNames(): string[] {
  return fs
    .readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''))
    .sort();
}

/** A fixture's exact bytes. */
export function fixtureBody(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8');
}

export function randomId(prefix: string): string {
  return `${prefix}_${randomBytes(10).toString('hex')}`;
}

/** The same bytes with the event's own id (its first `"id"`) replaced. */
export function withEventId(body: string, id: string): string {
  return body.replace(/"id": "evt_\w+"/, `"id": "${id}"`);
}

/** A Stripe event body around `object`, as Stripe would send it at the given time. */
export function eventBody(
  type: string,
  object: Record<string, unknown>,
  created: number,
  id = randomId('evt'),
): string {
  return JSON.stringify({
    id,
    object: 'event',
    api_version: '2020-03-02',
    created,
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  });
}

/** Posts a body signed as Stripe would, through the contract-checking client. */
export function postSigned(
  app: Express,
  body: string,
  options: { secret?: string; timestamp?: number; path?: string } = {},
) {
  const header = signPayloadForTest(body, options.secret ?? TEST_WEBHOOK_SECRET, options.timestamp);
  return api(app)
    .post(options.path ?? '/webhooks/stripe')
    .set('content-type', 'application/json')
    .set('stripe-signature', header)
    .send(body);
}

/** Polls `check` until it returns true; for conditions reached by background work. */
export async function waitFor(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}
