import { DataTypes, Model, type Sequelize } from 'sequelize';
import { epochColumn, moneyColumn } from './columns';

export class Charge extends Model {
  declare stripeChargeId: string;
  declare paymentId: string | null;
  declare stripePaymentIntentId: string | null;
  declare amount: number;
  declare amountCaptured: number;
  declare amountRefunded: number;
  declare currency: string;
  declare status: string;
  declare captured: boolean;
  declare refunded: boolean;
  declare disputed: boolean;
  declare riskLevel: string | null;
  declare riskScore: number | null;
  declare outcomeType: string | null;
  declare failureCode: string | null;
  declare stripeCreatedAt: Date | null;
  declare stripeEventAt: number;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): void {
    Charge.init(
      {
        stripeChargeId: { type: DataTypes.TEXT, primaryKey: true },
        paymentId: { type: DataTypes.TEXT },
        stripePaymentIntentId: { type: DataTypes.TEXT },
        amount: moneyColumn('amount'),
        amountCaptured: moneyColumn('amountCaptured', { defaultValue: 0 }),
        amountRefunded: moneyColumn('amountRefunded', { defaultValue: 0 }),
        currency: { type: DataTypes.CHAR(3), allowNull: false },
        status: { type: DataTypes.TEXT, allowNull: false },
        captured: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        refunded: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        disputed: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        riskLevel: { type: DataTypes.TEXT },
        riskScore: { type: DataTypes.INTEGER },
        outcomeType: { type: DataTypes.TEXT },
        failureCode: { type: DataTypes.TEXT },
        stripeCreatedAt: { type: DataTypes.DATE },
        stripeEventAt: epochColumn('stripeEventAt'),
      },
      { sequelize, tableName: 'charges' },
    );
  }
}
