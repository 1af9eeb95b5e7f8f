import { logger } from '../../src/utils/logger';
import { runWithContext } from '../../src/utils/request-context';
import { captureLogs } from '../support/log-capture';

describe('logger redaction', () => {
  test('When secrets and card numbers are logged, then none of them is written', () => {
    const capture = captureLogs();
    logger.info('payment attempt', {
      authorization: 'Bearer psk_live_abcdef123456',
      stripeKey: 'sk_test_51Habcdefghijklmnop',
      note: 'card 4242 4242 4242 4242 and 5555-5555-5555-4444 then sk_live_zzzzzzzz',
      nested: { webhookSecret: 'whsec_abcdef', header: 't=1700000000,v1=deadbeef00' },
      email: 'jane.doe@example.com',
      list: ['4000000000000002'],
    });
    logger.warn('free text 4111111111111111 whsec_xyz');
    capture.stop();
    const raw = capture.raw();
    for (const secret of [
      'psk_live_abcdef123456',
      'sk_test_51Habcdefghijklmnop',
      '4242 4242 4242 4242',
      '5555-5555-5555-4444',
      'sk_live_zzzzzzzz',
      'whsec_abcdef',
      'deadbeef00',
      'jane.doe@',
      '4000000000000002',
      '4111111111111111',
      'whsec_xyz',
    ]) {
      expect(raw).not.toContain(secret);
    }
    const [first] = capture.lines();
    expect(first?.email).toBe('j***@example.com');
    expect(first?.message).toBe('payment attempt');
  });

  test('When a card number sits next to other digits, then it is still redacted', () => {
    const capture = captureLogs();
    logger.info('order', { note: 'order 12 4242424242424242', other: '5555 5555 5555 4444 7' });
    capture.stop();
    expect(capture.raw()).not.toMatch(/4242424242424242|5555 5555 5555 4444/);
    expect(capture.lines()[0]).toMatchObject({ note: 'order 12 [REDACTED_PAN]' });
  });

  test('When a number is not a valid card number, then it is kept', () => {
    const capture = captureLogs();
    logger.info('order', { orderNumber: '1234567890123', amount: 1999 });
    capture.stop();
    expect(capture.lines()[0]).toMatchObject({ orderNumber: '1234567890123', amount: 1999 });
  });

  test('When logging inside a request context, then the line carries the request id', () => {
    const capture = captureLogs();
    runWithContext({ requestId: 'req_ctx_1' }, () => logger.info('inside', {}));
    capture.stop();
    expect(capture.lines()[0]?.requestId).toBe('req_ctx_1');
  });
});
