import fs from 'node:fs';
import path from 'node:path';
import {
  actionFor,
  isDenied,
  parseFraudRules,
  parseIpDenyList,
} from '../../src/services/fraud/fraud-rules';

describe('IP deny list', () => {
  const list = parseIpDenyList(
    ['# known bad', '203.0.113.7', '198.51.100.0/24  # a range', '2001:db8::/32', ''].join('\n'),
  );

  test.each([
    ['203.0.113.7', true],
    ['203.0.113.8', false],
    ['198.51.100.255', true],
    ['198.51.101.1', false],
    ['::ffff:198.51.100.3', true],
    ['2001:db8:1::5', true],
    ['2001:db9::1', false],
    ['not-an-ip', false],
  ])('When %s is checked, then denied is %s', (ip, denied) => {
    expect(isDenied(list, ip)).toBe(denied);
  });

  test.each(['10.0.0.0/33', '10.0.0.300', '10.0.0.0/8/1', 'example.com', '10.0.0.0/x'])(
    'When the file has the bad entry %s, then loading fails naming the line',
    (entry) => {
      expect(() => parseIpDenyList(`10.1.1.1\n${entry}`)).toThrow('line 2');
    },
  );
});

describe('Fraud rules', () => {
  test('When the shipped config/fraud.json is read, then it is valid', () => {
    const file = path.resolve(__dirname, '../../config/fraud.json');
    expect(() => parseFraudRules(JSON.parse(fs.readFileSync(file, 'utf8')))).not.toThrow();
  });

  test('When a level is not a number, then the rules are refused', () => {
    const file = path.resolve(__dirname, '../../config/fraud.json');
    const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    raw.amountThresholds.usd.review = '100';
    expect(() => parseFraudRules(raw)).toThrow(/amountThresholds\.usd\.review/);
  });

  test('When a value reaches a level, then block wins over review', () => {
    expect(actionFor(4, { review: 5, block: 10 })).toBeUndefined();
    expect(actionFor(5, { review: 5, block: 10 })).toBe('review');
    expect(actionFor(10, { review: 5, block: 10 })).toBe('block');
    expect(actionFor(10, { block: 10 })).toBe('block');
    expect(actionFor(10, undefined)).toBeUndefined();
  });
});
