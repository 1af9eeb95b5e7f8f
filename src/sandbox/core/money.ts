import { invalidParam } from './errors';

/** Currencies charged in whole units (no minor unit). */
const ZERO_DECIMAL = new Set(
  'bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf'.split(' '),
);
const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

/** Stripe's minimum charge amount per settlement currency, in minor units. */
const MINIMUM: Readonly<Record<string, number>> = {
  usd: 50,
  aed: 200,
  aud: 50,
  bgn: 100,
  brl: 50,
  cad: 50,
  chf: 50,
  czk: 1500,
  dkk: 250,
  eur: 50,
  gbp: 30,
  hkd: 400,
  huf: 17500,
  inr: 50,
  jpy: 50,
  krw: 700,
  mxn: 1000,
  myr: 200,
  nok: 300,
  nzd: 50,
  pln: 200,
  ron: 200,
  sek: 300,
  sgd: 50,
  thb: 1000,
  bhd: 500,
  kwd: 500,
  jod: 500,
  omr: 500,
  tnd: 500,
  clp: 500,
  vnd: 13000,
};

const OTHER = (
  'afn all amd ang aoa ars awg azn bam bbd bdt bmd bnd bob bsd bwp byn bzd cdf cny cop ' +
  'crc cve dop dzd egp etb fjd fkp gel gip gmd gtq gyd hnl htg idr ils isk jmd kes kgs ' +
  'khr kyd kzt lak lbp lkr lrd lsl mad mdl mkd mmk mnt mop mur mvr mwk mzn nad ngn nio ' +
  'npr pab pen pgk php pkr qar rsd rub sar sbd scr shp sle sos srd std szl tjs top try ' +
  'ttd twd tzs uah uyu uzs wst xcd yer zar zmw'
).split(' ');

export const CURRENCIES: ReadonlySet<string> = new Set([
  ...Object.keys(MINIMUM),
  ...ZERO_DECIMAL,
  ...THREE_DECIMAL,
  ...OTHER,
]);

/** Stripe accepts at most eight digits in an amount. */
export const MAX_AMOUNT = 99_999_999;

export function exponent(currency: string): number {
  if (ZERO_DECIMAL.has(currency)) return 0;
  if (THREE_DECIMAL.has(currency)) return 3;
  return 2;
}

export function formatAmount(amount: number, currency: string): string {
  const e = exponent(currency);
  const major = e === 0 ? String(amount) : (amount / 10 ** e).toFixed(e);
  return `${major} ${currency}`;
}

export function checkCurrency(currency: string, param = 'currency'): string {
  const c = currency.toLowerCase();
  if (!CURRENCIES.has(c)) {
    throw invalidParam(
      param,
      `Invalid currency: ${currency}. Stripe currently supports these currencies: ` +
        [...CURRENCIES].sort().join(', '),
    );
  }
  return c;
}

/** A charge amount: positive, at least the currency's minimum, at most eight digits. */
export function checkChargeAmount(amount: number, currency: string, param = 'amount'): void {
  if (amount > MAX_AMOUNT) {
    throw invalidParam(
      param,
      `Amount must be no more than ${formatAmount(MAX_AMOUNT, currency)}`,
      'amount_too_large',
    );
  }
  const minimum = MINIMUM[currency] ?? 50;
  if (amount < minimum) {
    throw invalidParam(
      param,
      `Amount must be at least ${formatAmount(minimum, currency)}`,
      'amount_too_small',
    );
  }
  // Stripe charges three-decimal currencies in tens of the minor unit: the last digit is 0.
  if (THREE_DECIMAL.has(currency) && amount % 10 !== 0) {
    throw invalidParam(
      param,
      `Invalid amount: amounts in ${currency} must be a multiple of 10 (the last digit 0)`,
      'invalid_charge_amount',
    );
  }
}

/** An amount that may be zero (prices, invoice items), still at most eight digits. */
export function checkPlainAmount(amount: number, currency: string, param = 'amount'): void {
  if (amount < 0) throw invalidParam(param, `Invalid ${param}: must be non-negative`);
  if (amount > MAX_AMOUNT) {
    throw invalidParam(
      param,
      `Amount must be no more than ${formatAmount(MAX_AMOUNT, currency)}`,
      'amount_too_large',
    );
  }
}

/** Stripe's US card fee, used for balance transactions: 2.9% + 30 minor units. */
export function cardFee(amount: number, currency: string): number {
  const fixed = exponent(currency) === 0 ? 0 : 30;
  return Math.round(amount * 0.029) + fixed;
}
