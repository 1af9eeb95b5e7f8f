import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { loadConfig } from '../../config';
import { openDatabase } from '../../db/database';
import type { EventStatus } from '../../services/webhooks/event-inbox';
import { EventOpsService, MAX_BULK_REPLAY } from '../../services/webhooks/event-ops-service';

const STATUSES: EventStatus[] = ['pending', 'processing', 'processed', 'failed'];

function status(value: string): EventStatus {
  if (!STATUSES.includes(value as EventStatus)) {
    throw new InvalidArgumentError(`one of ${STATUSES.join(', ')}`);
  }
  return value as EventStatus;
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a positive integer');
  return n;
}

function date(value: string): Date {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new InvalidArgumentError('an ISO date-time');
  return d;
}

interface FilterOptions {
  status?: EventStatus;
  type?: string;
  since?: Date;
  until?: Date;
  limit: number;
}

async function withOps<T>(run: (ops: EventOpsService) => Promise<T>): Promise<T> {
  const db = await openDatabase(loadConfig());
  try {
    return await run(new EventOpsService(db.sequelize));
  } finally {
    await db.close();
  }
}

const filterOf = (o: FilterOptions) => ({
  status: o.status,
  type: o.type,
  receivedAfter: o.since,
  receivedBefore: o.until,
  limit: o.limit,
});

/** `events list` and `events replay`: the ops view of the webhook inbox, from a shell. */
export function registerEventsCommand(program: Command): void {
  const events = program.command('events').description('stored Stripe webhook events');
  events
    .command('list')
    .description('list stored events, newest first (tab-separated)')
    .option('--status <status>', STATUSES.join('|'), status)
    .option('--type <type>', 'event type, e.g. charge.refunded')
    .option('--since <iso>', 'received at or after', date)
    .option('--until <iso>', 'received before', date)
    .option('--limit <n>', 'at most this many', positive, 20)
    .action(async (options: FilterOptions) => {
      const page = await withOps((ops) => ops.list(filterOf(options)));
      for (const e of page.events) {
        const line = [e.id, e.type, e.status, e.attempts, e.receivedAt.toISOString()];
        process.stdout.write(`${[...line, e.lastError ?? ''].join('\t')}\n`);
      }
      if (page.hasMore) process.stderr.write('(more events match; raise --limit)\n');
    });
  events
    .command('replay [id]')
    .description('replay one event by id, or every event matching the filters')
    .option('--status <status>', STATUSES.join('|'), status)
    .option('--type <type>', 'event type')
    .option('--since <iso>', 'received at or after', date)
    .option('--until <iso>', 'received before', date)
    .option('--limit <n>', `at most this many (max ${MAX_BULK_REPLAY})`, positive, 100)
    .action(async (id: string | undefined, options: FilterOptions) => {
      const filtered = options.status || options.type || options.since || options.until;
      if (!id && !filtered) {
        throw new Error('name an event id or at least one filter (--status, --type, --since)');
      }
      const replayed = await withOps(async (ops) =>
        id
          ? (await ops.replayOne(id, 'cli'))
            ? [id]
            : []
          : ops.replayMany(filterOf(options), 'cli'),
      );
      process.stdout.write(`Replayed ${replayed.length} event(s).\n`);
      for (const r of replayed) process.stdout.write(`${r}\n`);
    });
}
