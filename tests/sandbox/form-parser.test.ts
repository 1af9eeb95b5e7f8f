import { FormParseError, parseForm } from '../../src/sandbox/server/form-parser';

describe('Stripe form encoding', () => {
  test('When keys nest with brackets, then objects nest', () => {
    const parsed = parseForm('a[b][c]=1&a[b][d]=x%20y&metadata[order]=42&plain=ok+go');
    expect(parsed).toEqual({
      a: { b: { c: '1', d: 'x y' } },
      metadata: { order: '42' },
      plain: 'ok go',
    });
  });

  test('When arrays use [] or indexes, then arrays keep order', () => {
    const parsed = parseForm(
      'expand[]=latest_charge&expand[]=customer&items[1][price]=p2&items[0][price]=p1&items[0][quantity]=2',
    );
    expect(parsed).toEqual({
      expand: ['latest_charge', 'customer'],
      items: [{ price: 'p1', quantity: '2' }, { price: 'p2' }],
    });
  });

  test('When brackets are percent-encoded, then they still nest', () => {
    expect(parseForm('a%5Bb%5D=1')).toEqual({ a: { b: '1' } });
  });

  test('When a key tries prototype pollution, then it is refused', () => {
    expect(() => parseForm('__proto__[x]=1')).toThrow(FormParseError);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  test('When a key is malformed, then it is refused', () => {
    expect(() => parseForm('a[b=1')).toThrow(FormParseError);
    expect(() => parseForm('a=%E0%A4%A')).toThrow(FormParseError);
  });
});
