import { DataTypes, Model, type Sequelize } from 'sequelize';
import { epochColumn, moneyColumn } from './columns';

/** Stripe's payment intent statuses, in the order a payment moves through them. */
export const PAYMENT_STATUSES = [
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
  'processing',
  'requires_capture',
  'succeeded',
  'canceled',
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** A payment (a Stripe payment intent) as the service keeps it. */
export class Payment extends Model {
  declare id: string;
  declare ownerId: string | null;
  declare customerId: string | null;
  declare stripePaymentIntentId: string;
  declare stripeCustomerId: string | null;
  declare amount: number;
  declare currency: string;
  declare status: PaymentStatus;
  declare captureMethod: string;
  declare amountCapturable: number;
  declare amountReceived: number;
  declare amountRefunded: number;
  /** Refund amount being submitted to Stripe, not yet confirmed; counts as spent. */
  declare amountRefundReserved: number;
  declare amountDisputed: number;
  declare latestChargeId: string | null;
  declare paymentMethod: string | null;
  declare description: string | null;
  declare receiptEmailEncrypted: string | null;
  declare metadata: Record<string, string>;
  declare lastPaymentError: Record<string, unknown> | null;
  declare canceledAt: Date | null;
  declare succeededAt: Date | null;
  declare stripeCreatedAt: Date | null;
  declare stripeEventAt: number;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): void {
    Payment.init(
      {
        id: { type: DataTypes.TEXT, primaryKey: true },
        ownerId: { type: DataTypes.TEXT },
        customerId: { type: DataTypes.TEXT },
        stripePaymentIntentId: { type: DataTypes.TEXT, allowNull: false, unique: true },
        stripeCustomerId: { type: DataTypes.TEXT },
        amount: moneyColumn('amount'),
        currency: { type: DataTypes.CHAR(3), allowNull: false },
        status: { type: DataTypes.TEXT, allowNull: false },
        captureMethod: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'automatic' },
        amountCapturable: moneyColumn('amountCapturable', { defaultValue: 0 }),
        amountReceived: moneyColumn('amountReceived', { defaultValue: 0 }),
        amountRefunded: moneyColumn('amountRefunded', { defaultValue: 0 }),
        amountRefundReserved: moneyColumn('amountRefundReserved', { defaultValue: 0 }),
        amountDisputed: moneyColumn('amountDisputed', { defaultValue: 0 }),
        latestChargeId: { type: DataTypes.TEXT },
        paymentMethod: { type: DataTypes.TEXT },
        description: { type: DataTypes.TEXT },
        receiptEmailEncrypted: { type: DataTypes.TEXT },
        metadata: { type: DataTypes.JSONB, allowNull: false, defaultValue: {} },
        lastPaymentError: { type: DataTypes.JSONB },
        canceledAt: { type: DataTypes.DATE },
        succeededAt: { type: DataTypes.DATE },
        stripeCreatedAt: { type: DataTypes.DATE },
        stripeEventAt: epochColumn('stripeEventAt'),
      },
      { sequelize, tableName: 'payments' },
    );
  }
}
