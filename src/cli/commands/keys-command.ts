import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { openDatabase } from '../../db/database';
import { ApiKeyService, SCOPES } from '../../services/api-key-service';

async function withKeys<T>(fn: (keys: ApiKeyService) => Promise<T>): Promise<T> {
  const db = await openDatabase(loadConfig());
  try {
    return await fn(new ApiKeyService(db.sequelize));
  } finally {
    await db.close();
  }
}

function parseScopes(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * `keys create|list|rotate|revoke`. A new key is printed alone on the last line of stdout, so
 * a script can take it with `tail -n 1`; it is never shown again.
 */
export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('manage API keys');

  keys
    .command('create')
    .description('create an API key and print it once')
    .requiredOption('--name <name>', 'what the key is for')
    .requiredOption('--scopes <list>', `comma-separated: ${SCOPES.join(', ')}`)
    .option('--owner <ownerId>', 'storefront owning its objects (default: a new owner)')
    .action(async (opts: { name: string; scopes: string; owner?: string }) => {
      const created = await withKeys((s) =>
        s.create({ name: opts.name, scopes: parseScopes(opts.scopes), ownerId: opts.owner }),
      );
      const { id, ownerId, scopes } = created.summary;
      process.stdout.write(`Created ${id} (owner ${ownerId}, scopes ${scopes.join(',')}).\n`);
      process.stdout.write('The key is shown only once:\n');
      process.stdout.write(`${created.key}\n`);
    });

  keys
    .command('list')
    .description('list API keys (never their secrets)')
    .action(async () => {
      const all = await withKeys((s) => s.list());
      for (const k of all) {
        const state = k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active';
        process.stdout.write(
          `${k.id}\t${k.prefix}…\t${k.name}\t${k.ownerId}\t${k.scopes.join(',')}\t${state}\n`,
        );
      }
    });

  keys
    .command('rotate <id>')
    .description('replace a key by a new one with the same name, owner and scopes')
    .action(async (id: string) => {
      const created = await withKeys((s) => s.rotate(id));
      process.stdout.write(`Revoked ${id}; created ${created.summary.id}. Shown only once:\n`);
      process.stdout.write(`${created.key}\n`);
    });

  keys
    .command('revoke <id>')
    .description('revoke a key at once')
    .action(async (id: string) => {
      const revoked = await withKeys((s) => s.revoke(id));
      if (!revoked) throw new Error(`No active key ${id}`);
      process.stdout.write(`Revoked ${id}.\n`);
    });
}
