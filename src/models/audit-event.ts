import { DataTypes, Model, type Sequelize } from 'sequelize';

/** One row of the append-only, hash-chained audit trail. */
export class AuditEvent extends Model {
  declare id: number;
  declare occurredAt: Date;
  declare actor: string;
  declare ownerId: string | null;
  declare action: string;
  declare targetType: string;
  declare targetId: string | null;
  declare outcome: string;
  declare requestId: string | null;
  declare idempotencyKey: string | null;
  declare before: unknown;
  declare after: unknown;
  declare prevHash: string;
  declare hash: string;

  static initModel(sequelize: Sequelize): void {
    AuditEvent.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        occurredAt: { type: DataTypes.DATE, allowNull: false },
        actor: { type: DataTypes.TEXT, allowNull: false },
        ownerId: { type: DataTypes.TEXT },
        action: { type: DataTypes.TEXT, allowNull: false },
        targetType: { type: DataTypes.TEXT, allowNull: false },
        targetId: { type: DataTypes.TEXT },
        outcome: { type: DataTypes.TEXT, allowNull: false },
        requestId: { type: DataTypes.TEXT },
        idempotencyKey: { type: DataTypes.TEXT },
        before: { type: DataTypes.JSONB },
        after: { type: DataTypes.JSONB },
        prevHash: { type: DataTypes.TEXT, allowNull: false },
        hash: { type: DataTypes.TEXT, allowNull: false, unique: true },
      },
      { sequelize, tableName: 'audit_events', timestamps: false },
    );
  }
}
