import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CatalogFileError,
  loadCatalogFile,
} from '../../../src/services/subscriptions/catalog-file';

function write(content: unknown): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-')), 'catalog.json');
  fs.writeFileSync(file, JSON.stringify(content));
  return file;
}

const price = {
  lookup_key: 'basic_monthly',
  currency: 'eur',
  unit_amount: 900,
  interval: 'month',
};

describe('loadCatalogFile', () => {
  test('When the shipped catalogue is read, then every price has an integer amount', () => {
    const products = loadCatalogFile(path.resolve(__dirname, '../../../config/catalog.json'));
    const prices = products.flatMap((p) => p.prices);
    expect(prices.length).toBeGreaterThan(0);
    for (const p of prices) expect(Number.isInteger(p.unitAmount)).toBe(true);
  });

  test('When a price omits interval_count, then it defaults to 1', () => {
    const [product] = loadCatalogFile(
      write({ products: [{ key: 'basic', name: 'Basic', prices: [price] }] }),
    );
    expect(product!.prices[0]).toMatchObject({ lookupKey: 'basic_monthly', intervalCount: 1 });
  });

  test.each([
    ['a decimal amount', { ...price, unit_amount: 9.99 }, /unit_amount/],
    ['an unknown interval', { ...price, interval: 'fortnight' }, /interval/],
    ['an upper-case currency', { ...price, currency: 'EUR' }, /currency/],
  ])('When a price has %s, then loading fails naming the field', (_case, bad, field) => {
    const file = write({ products: [{ key: 'basic', name: 'Basic', prices: [bad] }] });
    expect(() => loadCatalogFile(file)).toThrow(CatalogFileError);
    expect(() => loadCatalogFile(file)).toThrow(field);
  });

  test('When a lookup key repeats, then loading fails naming it', () => {
    const file = write({
      products: [
        { key: 'a', name: 'A', prices: [price] },
        { key: 'b', name: 'B', prices: [price] },
      ],
    });
    expect(() => loadCatalogFile(file)).toThrow(/basic_monthly is repeated/);
  });

  test('When the file is missing, then loading fails with a clear error', () => {
    expect(() => loadCatalogFile('/nonexistent/catalog.json')).toThrow(CatalogFileError);
  });
});
