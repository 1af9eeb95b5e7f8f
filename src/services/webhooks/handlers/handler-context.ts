import type { Sequelize, Transaction } from 'sequelize';
import type { StripeEvent, StripeObject } from '../stripe-object';

/** What a handler gets: the event, and the transaction every write of it must use. */
export interface HandlerContext {
  sequelize: Sequelize;
  transaction: Transaction;
  event: StripeEvent;
  /** The event's `created` second: the time of the state it carries. */
  at: number;
}

export type EventHandler = (ctx: HandlerContext) => Promise<void>;

export function objectOf(ctx: HandlerContext): StripeObject {
  return ctx.event.data.object;
}
