import fs from 'node:fs';
import Joi from 'joi';
import type { CatalogPriceSpec } from '../../stripe/billing-gateway';

export interface CatalogProductSpec {
  key: string;
  name: string;
  prices: CatalogPriceSpec[];
}

const KEY = Joi.string().pattern(/^[a-z0-9_]{1,60}$/);

const priceSchema = Joi.object({
  lookup_key: KEY.required(),
  nickname: Joi.string().max(200),
  currency: Joi.string()
    .pattern(/^[a-z]{3}$/)
    .required(),
  unit_amount: Joi.number().integer().min(0).max(99_999_999).required(),
  interval: Joi.string().valid('day', 'week', 'month', 'year').required(),
  interval_count: Joi.number().integer().min(1).max(12).default(1),
  trial_period_days: Joi.number().integer().min(1).max(730),
});

const catalogSchema = Joi.object({
  $comment: Joi.string(),
  products: Joi.array()
    .items(
      Joi.object({
        key: KEY.required(),
        name: Joi.string().min(1).max(250).required(),
        prices: Joi.array().items(priceSchema).min(1).required(),
      }),
    )
    .min(1)
    .required(),
});

/** Thrown when the catalogue file is missing or malformed; the message names the field. */
export class CatalogFileError extends Error {
  override name = 'CatalogFileError';
}

interface RawPrice {
  lookup_key: string;
  nickname?: string;
  currency: string;
  unit_amount: number;
  interval: CatalogPriceSpec['interval'];
  interval_count: number;
  trial_period_days?: number;
}

/** Reads and validates the catalogue; lookup keys must be unique across products. */
export function loadCatalogFile(file: string): CatalogProductSpec[] {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CatalogFileError(`Cannot read the catalogue file: ${(err as Error).message}`);
  }
  const { error, value } = catalogSchema.validate(raw, { abortEarly: true });
  if (error) throw new CatalogFileError(`Invalid catalogue: ${error.message}`);
  const products = (value as { products: Array<{ key: string; name: string; prices: RawPrice[] }> })
    .products;
  const seen = new Set<string>();
  return products.map((product) => ({
    key: product.key,
    name: product.name,
    prices: product.prices.map((p) => {
      if (seen.has(p.lookup_key)) {
        throw new CatalogFileError(`Invalid catalogue: lookup_key ${p.lookup_key} is repeated`);
      }
      seen.add(p.lookup_key);
      return {
        lookupKey: p.lookup_key,
        nickname: p.nickname ?? null,
        currency: p.currency,
        unitAmount: p.unit_amount,
        interval: p.interval,
        intervalCount: p.interval_count,
        trialPeriodDays: p.trial_period_days ?? null,
      };
    }),
  }));
}
