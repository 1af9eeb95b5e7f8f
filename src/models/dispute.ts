import { DataTypes, Model, type Sequelize } from 'sequelize';
import { epochColumn, moneyColumn } from './columns';

export class Dispute extends Model {
  declare stripeDisputeId: string;
  declare paymentId: string | null;
  declare stripeChargeId: string;
  declare amount: number;
  declare currency: string;
  declare status: string;
  declare reason: string | null;
  declare evidenceDueBy: Date | null;
  declare stripeCreatedAt: Date | null;
  declare stripeEventAt: number;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): void {
    Dispute.init(
      {
        stripeDisputeId: { type: DataTypes.TEXT, primaryKey: true },
        paymentId: { type: DataTypes.TEXT },
        stripeChargeId: { type: DataTypes.TEXT, allowNull: false },
        amount: moneyColumn('amount'),
        currency: { type: DataTypes.CHAR(3), allowNull: false },
        status: { type: DataTypes.TEXT, allowNull: false },
        reason: { type: DataTypes.TEXT },
        evidenceDueBy: { type: DataTypes.DATE },
        stripeCreatedAt: { type: DataTypes.DATE },
        stripeEventAt: epochColumn('stripeEventAt'),
      },
      { sequelize, tableName: 'disputes' },
    );
  }
}
