import { DataTypes, Model, type Sequelize } from 'sequelize';
import { moneyColumn } from './columns';

/** A recurring price of the catalogue, as created in Stripe from config/catalog.json. */
export class CatalogPrice extends Model {
  declare lookupKey: string;
  declare productKey: string;
  declare productName: string;
  declare stripeProductId: string;
  declare stripePriceId: string;
  declare nickname: string | null;
  declare currency: string;
  declare unitAmount: number;
  declare interval: 'day' | 'week' | 'month' | 'year';
  declare intervalCount: number;
  declare trialPeriodDays: number | null;
  declare active: boolean;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): void {
    CatalogPrice.init(
      {
        lookupKey: { type: DataTypes.TEXT, primaryKey: true },
        productKey: { type: DataTypes.TEXT, allowNull: false },
        productName: { type: DataTypes.TEXT, allowNull: false },
        stripeProductId: { type: DataTypes.TEXT, allowNull: false },
        stripePriceId: { type: DataTypes.TEXT, allowNull: false, unique: true },
        nickname: { type: DataTypes.TEXT },
        currency: { type: DataTypes.CHAR(3), allowNull: false },
        unitAmount: moneyColumn('unitAmount'),
        interval: { type: DataTypes.TEXT, allowNull: false },
        intervalCount: { type: DataTypes.INTEGER, allowNull: false },
        trialPeriodDays: { type: DataTypes.INTEGER },
        active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
      },
      { sequelize, tableName: 'catalog_prices' },
    );
  }
}
