import { DataTypes, Model, type Sequelize } from 'sequelize';

export type IdempotencyState = 'in_progress' | 'completed';

export class IdempotencyRecord extends Model {
  declare id: number;
  declare apiKeyId: string;
  declare idempotencyKey: string;
  declare requestMethod: string;
  declare requestPath: string;
  declare requestHash: string;
  declare state: IdempotencyState;
  declare responseStatus: number | null;
  declare responseBody: unknown;
  declare lockedUntil: Date | null;
  declare expiresAt: Date;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): void {
    IdempotencyRecord.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        apiKeyId: { type: DataTypes.TEXT, allowNull: false },
        idempotencyKey: { type: DataTypes.TEXT, allowNull: false },
        requestMethod: { type: DataTypes.TEXT, allowNull: false },
        requestPath: { type: DataTypes.TEXT, allowNull: false },
        requestHash: { type: DataTypes.TEXT, allowNull: false },
        state: { type: DataTypes.TEXT, allowNull: false },
        responseStatus: { type: DataTypes.INTEGER },
        responseBody: { type: DataTypes.JSONB },
        lockedUntil: { type: DataTypes.DATE },
        expiresAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: 'idempotency_records' },
    );
  }
}
