import {
  checkChargeAmount,
  checkPartialAmount,
  currencyRule,
  formatMoney,
  MAX_AMOUNT,
  SUPPORTED_CURRENCIES,
} from '../../src/utils/money';

describe('currency table', () => {
  test.each([
    ['usd', 2, 50],
    ['gbp', 2, 30],
    ['jpy', 0, 50],
    ['krw', 0, 700],
    ['bhd', 3, 500],
    ['kwd', 3, 500],
  ])('When %s is looked up, then exponent %i and minimum %i', (currency, exponent, minimum) => {
    expect(currencyRule(currency)).toEqual({ exponent, minimum });
    expect(currencyRule(currency.toUpperCase())).toEqual({ exponent, minimum });
  });

  test('When every supported currency is checked, then its minimum is chargeable', () => {
    for (const c of SUPPORTED_CURRENCIES) {
      const { minimum } = currencyRule(c)!;
      expect(checkChargeAmount(minimum, c)).toBeUndefined();
      expect(
        checkChargeAmount(minimum - (currencyRule(c)!.exponent === 3 ? 10 : 1), c),
      ).toMatchObject({ code: 'amount_too_small' });
    }
  });

  test.each([
    [1999, 'usd', '19.99 USD'],
    [5, 'usd', '0.05 USD'],
    [500, 'jpy', '500 JPY'],
    [12_340, 'bhd', '12.340 BHD'],
    [MAX_AMOUNT, 'usd', '999999.99 USD'],
  ])('When %i %s is formatted, then %s', (amount, currency, text) => {
    expect(formatMoney(amount, currency)).toBe(text);
  });
});

describe('checkChargeAmount', () => {
  test.each([
    [19.99, 'usd', 'amount_not_integer'],
    ['1999', 'usd', 'amount_not_integer'],
    [Number.NaN, 'usd', 'amount_not_integer'],
    [-1, 'usd', 'amount_too_small'],
    [0, 'usd', 'amount_too_small'],
    [49, 'usd', 'amount_too_small'],
    [MAX_AMOUNT + 1, 'usd', 'amount_too_large'],
    [12_345, 'bhd', 'amount_invalid_precision'],
    [1000, 'xyz', 'currency_not_supported'],
  ])('When %p %s, then %s with the limit in words', (amount, currency, code) => {
    const problem = checkChargeAmount(amount, currency);
    expect(problem?.code).toBe(code);
    expect(problem?.message).toMatch(/amount|currency/);
  });

  test('When the amount is under the minimum, then the message names the minimum', () => {
    expect(checkChargeAmount(49, 'usd')?.message).toContain('at least 50 (0.50 USD)');
    expect(checkChargeAmount(MAX_AMOUNT + 1, 'jpy')?.message).toContain('at most 99999999');
  });

  test('When a partial amount is below the charge minimum, then it is still valid', () => {
    expect(checkPartialAmount(1, 'usd')).toBeUndefined();
    expect(checkPartialAmount(10, 'bhd')).toBeUndefined();
    expect(checkPartialAmount(15, 'bhd')?.code).toBe('amount_invalid_precision');
    expect(checkPartialAmount(0, 'usd')?.code).toBe('amount_too_small');
  });
});
