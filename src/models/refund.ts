import { DataTypes, Model, type Sequelize } from 'sequelize';
import { epochColumn, moneyColumn } from './columns';

export class Refund extends Model {
  declare id: string;
  declare ownerId: string | null;
  declare paymentId: string | null;
  declare stripeRefundId: string | null;
  declare stripeChargeId: string | null;
  declare amount: number;
  declare currency: string;
  declare status: string;
  declare reason: string | null;
  declare failureReason: string | null;
  /** Hash of the storefront request (API key + Idempotency-Key) that made this refund. */
  declare requestRef: string | null;
  declare stripeCreatedAt: Date | null;
  declare stripeEventAt: number;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): void {
    Refund.init(
      {
        id: { type: DataTypes.TEXT, primaryKey: true },
        ownerId: { type: DataTypes.TEXT },
        paymentId: { type: DataTypes.TEXT },
        stripeRefundId: { type: DataTypes.TEXT, unique: true },
        stripeChargeId: { type: DataTypes.TEXT },
        amount: moneyColumn('amount'),
        currency: { type: DataTypes.CHAR(3), allowNull: false },
        status: { type: DataTypes.TEXT, allowNull: false },
        reason: { type: DataTypes.TEXT },
        failureReason: { type: DataTypes.TEXT },
        requestRef: { type: DataTypes.TEXT, unique: true },
        stripeCreatedAt: { type: DataTypes.DATE },
        stripeEventAt: epochColumn('stripeEventAt'),
      },
      { sequelize, tableName: 'refunds' },
    );
  }
}
