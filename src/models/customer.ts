import { DataTypes, Model, type Sequelize } from 'sequelize';
import { epochColumn } from './columns';

/** A storefront's customer, mirrored to a Stripe customer. Personal fields are encrypted. */
export class Customer extends Model {
  declare id: string;
  declare ownerId: string | null;
  declare stripeCustomerId: string;
  declare emailEncrypted: string | null;
  declare emailHash: string | null;
  declare nameEncrypted: string | null;
  declare phoneEncrypted: string | null;
  declare addressEncrypted: string | null;
  declare defaultPaymentMethod: string | null;
  declare deletedAt: Date | null;
  declare stripeEventAt: number;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): void {
    Customer.init(
      {
        id: { type: DataTypes.TEXT, primaryKey: true },
        ownerId: { type: DataTypes.TEXT },
        stripeCustomerId: { type: DataTypes.TEXT, allowNull: false, unique: true },
        emailEncrypted: { type: DataTypes.TEXT },
        emailHash: { type: DataTypes.TEXT },
        nameEncrypted: { type: DataTypes.TEXT },
        phoneEncrypted: { type: DataTypes.TEXT },
        addressEncrypted: { type: DataTypes.TEXT },
        defaultPaymentMethod: { type: DataTypes.TEXT },
        deletedAt: { type: DataTypes.DATE },
        stripeEventAt: epochColumn('stripeEventAt'),
      },
      { sequelize, tableName: 'customers' },
    );
  }
}
