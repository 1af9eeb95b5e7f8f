import { DataTypes, Model, type Sequelize } from 'sequelize';
import { epochColumn, moneyColumn } from './columns';

/** Stripe's subscription statuses. */
export const SUBSCRIPTION_STATUSES = [
  'incomplete',
  'incomplete_expired',
  'trialing',
  'active',
  'past_due',
  'unpaid',
  'canceled',
  'paused',
] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** What the next renewal will cost, from Stripe's `invoice.upcoming`. */
export interface UpcomingInvoice {
  amount_due: number;
  currency: string;
  /** When Stripe will try to collect it (Unix seconds). */
  at: number | null;
}

/** A subscription as the service keeps it: the newest Stripe state applied. */
export class Subscription extends Model {
  declare id: string;
  declare ownerId: string | null;
  declare customerId: string | null;
  declare stripeSubscriptionId: string;
  declare stripeCustomerId: string;
  declare status: SubscriptionStatus;
  declare stripePriceId: string | null;
  declare quantity: number;
  declare currency: string | null;
  declare unitAmount: number | null;
  declare currentPeriodStart: number | null;
  declare currentPeriodEnd: number | null;
  declare trialStart: number | null;
  declare trialEnd: number | null;
  declare cancelAtPeriodEnd: boolean;
  declare cancelAt: number | null;
  declare canceledAt: number | null;
  declare endedAt: number | null;
  declare pauseCollection: { behavior: string; resumes_at: number | null } | null;
  declare latestInvoiceId: string | null;
  declare defaultPaymentMethod: string | null;
  declare metadata: Record<string, string>;
  declare upcomingInvoice: UpcomingInvoice | null;
  declare trialWillEndAt: number | null;
  declare stripeEventAt: number;
  declare stripeRank: number;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): void {
    const seconds = (name: string) => moneyColumn(name, { allowNull: true });
    Subscription.init(
      {
        id: { type: DataTypes.TEXT, primaryKey: true },
        ownerId: { type: DataTypes.TEXT },
        customerId: { type: DataTypes.TEXT },
        stripeSubscriptionId: { type: DataTypes.TEXT, allowNull: false, unique: true },
        stripeCustomerId: { type: DataTypes.TEXT, allowNull: false },
        status: { type: DataTypes.TEXT, allowNull: false },
        stripePriceId: { type: DataTypes.TEXT },
        quantity: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
        currency: { type: DataTypes.CHAR(3) },
        unitAmount: moneyColumn('unitAmount', { allowNull: true }),
        currentPeriodStart: seconds('currentPeriodStart'),
        currentPeriodEnd: seconds('currentPeriodEnd'),
        trialStart: seconds('trialStart'),
        trialEnd: seconds('trialEnd'),
        cancelAtPeriodEnd: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        cancelAt: seconds('cancelAt'),
        canceledAt: seconds('canceledAt'),
        endedAt: seconds('endedAt'),
        pauseCollection: { type: DataTypes.JSONB },
        latestInvoiceId: { type: DataTypes.TEXT },
        defaultPaymentMethod: { type: DataTypes.TEXT },
        metadata: { type: DataTypes.JSONB, allowNull: false, defaultValue: {} },
        upcomingInvoice: { type: DataTypes.JSONB },
        trialWillEndAt: seconds('trialWillEndAt'),
        stripeEventAt: epochColumn('stripeEventAt'),
        stripeRank: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      },
      { sequelize, tableName: 'subscriptions' },
    );
  }
}
