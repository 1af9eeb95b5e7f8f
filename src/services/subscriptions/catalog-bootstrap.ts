import type { AppConfig } from '../../config';
import type { BillingGateway } from '../../stripe/billing-gateway';
import { logger } from '../../utils/logger';
import { loadCatalogFile } from './catalog-file';
import { syncCatalog, type CatalogSyncResult } from './catalog-service';

/** Reads the configured catalogue file and makes Stripe and the database match it. */
export function syncConfiguredCatalog(
  config: AppConfig,
  billing: BillingGateway,
): Promise<CatalogSyncResult> {
  return syncCatalog(billing, loadCatalogFile(config.subscriptions.catalogFile));
}

/**
 * The start-up sync; it never rejects. A failure (Stripe unreachable, a malformed catalogue
 * file) is logged: the API still serves, the prices already stored stay on offer, and
 * `npm run cli -- catalog sync` reports the cause and can be rerun.
 */
export async function syncCatalogAtStart(
  config: AppConfig,
  billing: BillingGateway,
  stripeReachable = true,
): Promise<void> {
  if (!config.subscriptions.syncCatalogOnStart) return;
  if (!stripeReachable) {
    logger.warn('catalogue sync skipped', { reason: 'no Stripe endpoint configured' });
    return;
  }
  try {
    await syncConfiguredCatalog(config, billing);
  } catch (err) {
    logger.error('catalogue sync failed', { err });
  }
}
