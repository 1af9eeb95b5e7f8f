/**
 * The one currency table of the service. Amounts are integers of the currency's minor unit;
 * this table says how many decimals that unit has, the smallest amount Stripe will charge and
 * the largest amount it accepts, so a bad amount is refused here before Stripe is called.
 */
export interface CurrencyRule {
  /** Decimal places of the minor unit: 0 (JPY), 2 (USD) or 3 (BHD). */
  exponent: 0 | 2 | 3;
  /** Stripe's minimum charge amount, in minor units. */
  minimum: number;
}

/** Stripe accepts at most eight digits in an amount, whatever the currency. */
export const MAX_AMOUNT = 99_999_999;

/**
 * Stripe's published minimum charge per settlement currency. Currencies Stripe publishes no
 * minimum for are priced at about USD 0.50 and rounded up to a round figure.
 */
const TABLE: Readonly<Record<string, CurrencyRule>> = {
  usd: { exponent: 2, minimum: 50 },
  aed: { exponent: 2, minimum: 200 },
  aud: { exponent: 2, minimum: 50 },
  bgn: { exponent: 2, minimum: 100 },
  brl: { exponent: 2, minimum: 50 },
  cad: { exponent: 2, minimum: 50 },
  chf: { exponent: 2, minimum: 50 },
  czk: { exponent: 2, minimum: 1500 },
  dkk: { exponent: 2, minimum: 250 },
  eur: { exponent: 2, minimum: 50 },
  gbp: { exponent: 2, minimum: 30 },
  hkd: { exponent: 2, minimum: 400 },
  huf: { exponent: 2, minimum: 17500 },
  inr: { exponent: 2, minimum: 50 },
  mxn: { exponent: 2, minimum: 1000 },
  myr: { exponent: 2, minimum: 200 },
  nok: { exponent: 2, minimum: 300 },
  nzd: { exponent: 2, minimum: 50 },
  pln: { exponent: 2, minimum: 200 },
  ron: { exponent: 2, minimum: 200 },
  sek: { exponent: 2, minimum: 300 },
  sgd: { exponent: 2, minimum: 50 },
  thb: { exponent: 2, minimum: 1000 },
  // Zero-decimal: the amount is in whole units (¥50 is 50).
  jpy: { exponent: 0, minimum: 50 },
  krw: { exponent: 0, minimum: 700 },
  clp: { exponent: 0, minimum: 500 },
  vnd: { exponent: 0, minimum: 13000 },
  // Three-decimal: Stripe requires the last digit to be 0 (amounts in tens of fils).
  bhd: { exponent: 3, minimum: 500 },
  jod: { exponent: 3, minimum: 500 },
  kwd: { exponent: 3, minimum: 500 },
  omr: { exponent: 3, minimum: 500 },
  tnd: { exponent: 3, minimum: 500 },
};

/** Lower-case ISO codes the service charges in. */
export const SUPPORTED_CURRENCIES: readonly string[] = Object.keys(TABLE).sort();

export function currencyRule(currency: string): CurrencyRule | undefined {
  return TABLE[currency.toLowerCase()];
}

/** Formats minor units for a human message, e.g. 50 usd → "0.50 USD", 500 bhd → "0.500 BHD". */
export function formatMoney(amount: number, currency: string): string {
  const exponent = currencyRule(currency)?.exponent ?? 2;
  const sign = amount < 0 ? '-' : '';
  const digits = String(Math.abs(amount)).padStart(exponent + 1, '0');
  const major =
    exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
  return `${sign}${major} ${currency.toUpperCase()}`;
}

export type AmountProblem =
  | { code: 'amount_not_integer'; message: string }
  | { code: 'amount_too_small'; message: string }
  | { code: 'amount_too_large'; message: string }
  | { code: 'amount_invalid_precision'; message: string }
  | { code: 'currency_not_supported'; message: string };

/**
 * Checks a charge amount against its currency. Returns what is wrong, in words fit for a
 * client (naming the limit), or undefined when the amount can be charged.
 */
export function checkChargeAmount(amount: unknown, currency: string): AmountProblem | undefined {
  const rule = currencyRule(currency);
  if (!rule) {
    return {
      code: 'currency_not_supported',
      message: `currency ${currency} is not supported (supported: ${SUPPORTED_CURRENCIES.join(', ')}).`,
    };
  }
  return checkAmount(amount, currency, rule.minimum);
}

/**
 * Checks a partial amount (a capture or a refund): a positive integer of at most eight digits,
 * with the currency's precision; no Stripe minimum applies.
 */
export function checkPartialAmount(amount: unknown, currency: string): AmountProblem | undefined {
  return checkAmount(amount, currency, 1);
}

function checkAmount(
  amount: unknown,
  currency: string,
  minimum: number,
): AmountProblem | undefined {
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount)) {
    return {
      code: 'amount_not_integer',
      message: 'amount must be an integer number of minor units (e.g. 1999 for 19.99).',
    };
  }
  if (amount < minimum) {
    return {
      code: 'amount_too_small',
      message: `amount must be at least ${minimum} (${formatMoney(minimum, currency)}).`,
    };
  }
  if (amount > MAX_AMOUNT) {
    return {
      code: 'amount_too_large',
      message: `amount must be at most ${MAX_AMOUNT} (${formatMoney(MAX_AMOUNT, currency)}).`,
    };
  }
  if (currencyRule(currency)?.exponent === 3 && amount % 10 !== 0) {
    return {
      code: 'amount_invalid_precision',
      message: `amount in ${currency.toUpperCase()} must be a multiple of 10 (last digit 0).`,
    };
  }
  return undefined;
}
