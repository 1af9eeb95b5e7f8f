import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { openDatabase } from '../../db/database';
import { syncConfiguredCatalog } from '../../services/subscriptions/catalog-bootstrap';
import { createBillingGateway } from '../../stripe/billing-gateway';

/**
 * `catalog sync`: creates the products and prices of the catalogue file in Stripe (or in the
 * sandbox on SANDBOX_PORT when no STRIPE_SECRET_KEY is set) and stores them. Safe to rerun.
 */
export function registerCatalogCommand(program: Command): void {
  const catalog = program.command('catalog').description('the subscription catalogue');
  catalog
    .command('sync')
    .description('create the catalogue file’s products and prices in Stripe, idempotently')
    .action(async () => {
      const config = loadConfig();
      const db = await openDatabase(config);
      try {
        const result = await syncConfiguredCatalog(config, createBillingGateway(config));
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      } finally {
        await db.close();
      }
    });
}
