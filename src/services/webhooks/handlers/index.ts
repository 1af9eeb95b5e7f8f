import { chargeHandlers } from './charge-handlers';
import { customerHandlers } from './customer-handlers';
import { disputeHandlers } from './dispute-handlers';
import type { EventHandler } from './handler-context';
import { paymentIntentHandlers } from './payment-intent-handlers';
import { radarHandlers } from './radar-handlers';
import { refundHandlers } from './refund-handlers';

export type { EventHandler, HandlerContext } from './handler-context';

/**
 * Event type → handler, one small table per event family. A type with no entry is stored,
 * acknowledged and marked processed without effects (subscription, invoice and Connect
 * families join as those features land).
 */
export const eventHandlers: Readonly<Record<string, EventHandler>> = Object.freeze({
  ...paymentIntentHandlers,
  ...chargeHandlers,
  ...disputeHandlers,
  ...refundHandlers,
  ...customerHandlers,
  ...radarHandlers,
});
