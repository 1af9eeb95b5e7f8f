import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { startSandbox } from '../src/sandbox';
import {
  ScenarioError,
  eventsSince,
  listScenarios,
  loadScenario,
  newestEventId,
  replay,
  type ReplayOptions,
} from './scenario-replayer';

/**
 * `npm run trigger <event>` replays Stripe CLI's trigger scenario for that event.
 * - With `--api <url>` (or STRIPE_SANDBOX_URL), against a running sandbox, e.g. the one the
 *   app started: the app's registered endpoint receives the event.
 * - Without, against a sandbox started here, with a local endpoint that checks the event
 *   arrives signed.
 * `--all` runs every scenario. A scenario the sandbox cannot run fails with exit code 1.
 */
export interface TriggerOutcome {
  event: string;
  eventIds: string[];
  delivered: boolean;
}

const WAIT_MS = 10000;

/** Replays one scenario against a sandbox of our own and checks the signed delivery. */
export async function triggerLocally(event: string): Promise<TriggerOutcome> {
  const scenario = loadScenario(event);
  const sandbox = await startSandbox({ port: 0, webhookRetryBaseMs: 50 });
  const received: Array<{ body: string; signature: string }> = [];
  const receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        body: Buffer.concat(chunks).toString('utf8'),
        signature: String(req.headers['stripe-signature'] ?? ''),
      });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  try {
    const opts: ReplayOptions = { apiBase: sandbox.url, apiKey: 'sk_test_trigger' };
    const port = (receiver.address() as AddressInfo).port;
    const stripe = new Stripe(opts.apiKey, {
      host: '127.0.0.1',
      port: sandbox.port,
      protocol: 'http',
    });
    const endpoint = await stripe.webhookEndpoints.create({
      url: `http://127.0.0.1:${port}/webhooks/stripe`,
      enabled_events: ['*'],
    });
    await replay(scenario, opts);
    const events = await eventsSince(scenario, null, opts);
    if (events.length === 0) {
      throw new ScenarioError(`The sandbox ran ${event} but emitted no ${event} event`);
    }
    await sandbox.waitForWebhooks(WAIT_MS);
    const types = [scenario.event, ...scenario.aliases];
    const delivered = received.some((r) => {
      const parsed = Stripe.webhooks.constructEvent(r.body, r.signature, endpoint.secret!);
      return types.includes(parsed.type);
    });
    if (!delivered) throw new ScenarioError(`${event} was emitted but not delivered signed`);
    return { event, eventIds: events.map((e) => e.id), delivered };
  } finally {
    await sandbox.close();
    await new Promise<void>((r) => {
      receiver.close(() => r());
      receiver.closeAllConnections();
    });
  }
}

/** Replays against a running sandbox; the event goes to whatever endpoints it has. */
export async function triggerRemote(event: string, opts: ReplayOptions): Promise<TriggerOutcome> {
  const scenario = loadScenario(event);
  const since = await newestEventId(opts);
  await replay(scenario, opts);
  const events = await eventsSince(scenario, since, opts);
  if (events.length === 0) {
    throw new ScenarioError(`The sandbox ran ${event} but emitted no ${event} event`);
  }
  const deadline = Date.now() + WAIT_MS;
  let delivered = false;
  while (!delivered && Date.now() < deadline) {
    const res = await fetch(`${opts.apiBase}/_sandbox/webhook_deliveries?event_id=${events[0].id}`);
    const body = (await res.json()) as { data?: Array<{ ok: boolean }> };
    delivered = !!body.data?.some((d) => d.ok);
    if (!delivered) await new Promise((r) => setTimeout(r, 100));
  }
  return { event, eventIds: events.map((e) => e.id), delivered };
}

function parseArgs(argv: string[]): { events: string[]; api?: string; key: string } {
  const events: string[] = [];
  let api = process.env.STRIPE_SANDBOX_URL;
  let key = process.env.STRIPE_SECRET_KEY ?? 'sk_test_trigger';
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--api') api = argv[++i];
    else if (argv[i] === '--key') key = argv[++i];
    else if (argv[i] === '--all') events.push(...listScenarios());
    else events.push(argv[i]);
  }
  if (events.length === 0) {
    throw new ScenarioError(
      `Usage: npm run trigger <event> [--api URL]; events: ${listScenarios().join(', ')}`,
    );
  }
  if (!key.startsWith('sk_test_')) throw new ScenarioError('Only sk_test_ keys are allowed');
  return { events, api, key };
}

async function main(): Promise<void> {
  const { events, api, key } = parseArgs(process.argv.slice(2));
  let failed = 0;
  for (const event of events) {
    try {
      const outcome = api
        ? await triggerRemote(event, { apiBase: api.replace(/\/$/, ''), apiKey: key })
        : await triggerLocally(event);
      const how = outcome.delivered ? 'delivered signed' : 'recorded (no endpoint took it)';
      process.stdout.write(`ok   ${event}: ${outcome.eventIds.join(', ')} ${how}\n`);
    } catch (err) {
      failed++;
      process.stderr.write(`FAIL ${event}: ${(err as Error).message}\n`);
    }
  }
  process.exitCode = failed > 0 ? 1 : 0;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  });
}
