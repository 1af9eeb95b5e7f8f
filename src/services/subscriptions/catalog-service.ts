import { createHash } from 'node:crypto';
import type Stripe from 'stripe';
import { Op } from 'sequelize';
import { CatalogPrice } from '../../models';
import type { BillingGateway, CatalogPriceSpec } from '../../stripe/billing-gateway';
import { logger } from '../../utils/logger';
import type { CatalogProductSpec } from './catalog-file';

export interface CatalogSyncResult {
  created: string[];
  unchanged: string[];
  replaced: string[];
  retired: string[];
}

/** Stripe product id of a catalogue product: ours, so creating it twice is impossible. */
export function catalogProductId(productKey: string): string {
  return `prod_catalog_${productKey}`;
}

function matches(price: Stripe.Price, productId: string, spec: CatalogPriceSpec): boolean {
  const product = typeof price.product === 'string' ? price.product : price.product.id;
  return (
    price.active &&
    product === productId &&
    price.currency === spec.currency &&
    price.unit_amount === spec.unitAmount &&
    price.recurring?.interval === spec.interval &&
    price.recurring.interval_count === spec.intervalCount &&
    (price.recurring.trial_period_days ?? null) === spec.trialPeriodDays
  );
}

function definitionHash(productId: string, spec: CatalogPriceSpec): string {
  return createHash('sha256')
    .update(JSON.stringify([productId, spec]))
    .digest('hex')
    .slice(0, 40);
}

/**
 * Makes Stripe and the local catalogue match the catalogue file. Running it again changes
 * nothing: products have our own ids, prices are found by lookup key and created with an
 * idempotency key derived from their definition. A price whose definition changed is replaced
 * by a new one that takes over its lookup key; the old one is archived so no new subscription
 * uses it, while existing subscriptions keep it.
 */
export async function syncCatalog(
  billing: BillingGateway,
  products: CatalogProductSpec[],
): Promise<CatalogSyncResult> {
  const result: CatalogSyncResult = { created: [], unchanged: [], replaced: [], retired: [] };
  for (const product of products) {
    const productId = catalogProductId(product.key);
    await billing.ensureProduct(productId, product.name);
    for (const spec of product.prices) {
      const existing = await billing.findPriceByLookupKey(spec.lookupKey);
      let price = existing;
      if (!existing || !matches(existing, productId, spec)) {
        price = await billing.createPrice(productId, spec, definitionHash(productId, spec));
        if (existing && existing.id !== price.id) await billing.archivePrice(existing.id);
        (existing ? result.replaced : result.created).push(spec.lookupKey);
      } else {
        result.unchanged.push(spec.lookupKey);
      }
      await CatalogPrice.upsert({
        lookupKey: spec.lookupKey,
        productKey: product.key,
        productName: product.name,
        stripeProductId: productId,
        stripePriceId: price!.id,
        nickname: spec.nickname,
        currency: spec.currency,
        unitAmount: spec.unitAmount,
        interval: spec.interval,
        intervalCount: spec.intervalCount,
        trialPeriodDays: spec.trialPeriodDays,
        active: true,
      });
    }
  }
  result.retired = await retireMissing(products);
  logger.info('catalogue synced', { ...result });
  return result;
}

/** Prices no longer in the file stop being offered; Stripe keeps them for old subscriptions. */
async function retireMissing(products: CatalogProductSpec[]): Promise<string[]> {
  const keep = products.flatMap((p) => p.prices.map((s) => s.lookupKey));
  const gone = await CatalogPrice.findAll({
    where: { active: true, lookupKey: { [Op.notIn]: keep } },
  });
  if (gone.length === 0) return [];
  await CatalogPrice.update(
    { active: false },
    { where: { lookupKey: gone.map((g) => g.lookupKey) } },
  );
  return gone.map((g) => g.lookupKey);
}

/** The prices on offer, cheapest first within each product. */
export function listActivePrices(): Promise<CatalogPrice[]> {
  return CatalogPrice.findAll({
    where: { active: true },
    order: [
      ['productKey', 'ASC'],
      ['unitAmount', 'ASC'],
      ['lookupKey', 'ASC'],
    ],
  });
}

/** A catalogue price by its lookup key or its Stripe price id. */
export async function findPrice(reference: string): Promise<CatalogPrice | null> {
  return CatalogPrice.findOne({
    where: { [Op.or]: [{ lookupKey: reference }, { stripePriceId: reference }] },
  });
}
