import { DataTypes, Model, type Sequelize } from 'sequelize';
import { epochColumn, moneyColumn } from './columns';

/** An invoice of a subscription: what a renewal cost and how collecting it went (dunning). */
export class SubscriptionInvoice extends Model {
  declare stripeInvoiceId: string;
  declare stripeSubscriptionId: string | null;
  declare stripeCustomerId: string | null;
  declare status: string;
  declare billingReason: string | null;
  declare currency: string;
  declare amountDue: number;
  declare amountPaid: number;
  declare amountRemaining: number;
  declare attemptCount: number;
  declare nextPaymentAttempt: number | null;
  declare actionRequired: boolean;
  declare lastFailureAt: number | null;
  declare hostedInvoiceUrl: string | null;
  declare periodStart: number | null;
  declare periodEnd: number | null;
  declare stripeCreated: number;
  declare stripeEventAt: number;
  declare stripeRank: number;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): void {
    const seconds = (name: string) => moneyColumn(name, { allowNull: true });
    SubscriptionInvoice.init(
      {
        stripeInvoiceId: { type: DataTypes.TEXT, primaryKey: true },
        stripeSubscriptionId: { type: DataTypes.TEXT },
        stripeCustomerId: { type: DataTypes.TEXT },
        status: { type: DataTypes.TEXT, allowNull: false },
        billingReason: { type: DataTypes.TEXT },
        currency: { type: DataTypes.CHAR(3), allowNull: false },
        amountDue: moneyColumn('amountDue', { defaultValue: 0 }),
        amountPaid: moneyColumn('amountPaid', { defaultValue: 0 }),
        amountRemaining: moneyColumn('amountRemaining', { defaultValue: 0 }),
        attemptCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        nextPaymentAttempt: seconds('nextPaymentAttempt'),
        actionRequired: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        lastFailureAt: seconds('lastFailureAt'),
        hostedInvoiceUrl: { type: DataTypes.TEXT },
        periodStart: seconds('periodStart'),
        periodEnd: seconds('periodEnd'),
        stripeCreated: epochColumn('stripeCreated'),
        stripeEventAt: epochColumn('stripeEventAt'),
        stripeRank: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      },
      { sequelize, tableName: 'subscription_invoices' },
    );
  }
}
