import { Sequelize } from 'sequelize';

export interface DatabaseOptions {
  url: string;
  poolMax: number;
  /** Milliseconds a statement may run before PostgreSQL cancels it. */
  statementTimeoutMs?: number;
}

/** The Sequelize instance of the process; models are initialised on it by initModels. */
export function createSequelize(options: DatabaseOptions): Sequelize {
  return new Sequelize(options.url, {
    dialect: 'postgres',
    logging: false,
    pool: { max: options.poolMax, min: 0, idle: 10_000, acquire: 30_000 },
    dialectOptions: {
      statement_timeout: options.statementTimeoutMs ?? 30_000,
      application_name: 'payments-service',
    },
    define: { underscored: true, timestamps: true },
  });
}

/** Answers when the database does; used by /readyz. */
export async function pingDatabase(sequelize: Sequelize): Promise<void> {
  await sequelize.query('SELECT 1');
}
