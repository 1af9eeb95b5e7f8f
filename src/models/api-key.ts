import { DataTypes, Model, type Sequelize } from 'sequelize';

export class ApiKey extends Model {
  declare id: string;
  declare ownerId: string;
  declare name: string;
  declare prefix: string;
  declare keyHash: string;
  declare scopes: string[];
  declare revokedAt: Date | null;
  declare lastUsedAt: Date | null;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): void {
    ApiKey.init(
      {
        id: { type: DataTypes.TEXT, primaryKey: true },
        ownerId: { type: DataTypes.TEXT, allowNull: false },
        name: { type: DataTypes.TEXT, allowNull: false },
        prefix: { type: DataTypes.TEXT, allowNull: false },
        keyHash: { type: DataTypes.TEXT, allowNull: false, unique: true },
        scopes: { type: DataTypes.ARRAY(DataTypes.TEXT), allowNull: false },
        revokedAt: { type: DataTypes.DATE },
        lastUsedAt: { type: DataTypes.DATE },
      },
      { sequelize, tableName: 'api_keys' },
    );
  }
}
