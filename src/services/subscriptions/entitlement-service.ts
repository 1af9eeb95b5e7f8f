import { notFound } from '../../errors/app-error';
import { Customer, Subscription } from '../../models';
import { accessAt, type AccessReason } from './entitlement-rules';

export interface EntitlementView {
  object: 'entitlements';
  customer: string;
  has_access: boolean;
  /** Unix second access lasts until, over every subscription; null without access. */
  access_until: number | null;
  /** The time the answer was computed for. */
  as_of: number;
  grace_period_days: number;
  subscriptions: Array<{
    id: string;
    status: string;
    price: string | null;
    access: boolean;
    access_until: number | null;
    reason: AccessReason;
  }>;
}

/** Whether a customer may use what they subscribe to, and until when. */
export class EntitlementService {
  constructor(
    private readonly gracePeriodDays: number,
    private readonly now: () => number,
  ) {}

  async forCustomer(ownerId: string, customerId: string): Promise<EntitlementView> {
    const customer = await Customer.findOne({ where: { id: customerId, ownerId } });
    if (!customer) throw notFound('No such customer.');
    const rows = await Subscription.findAll({
      where: { stripeCustomerId: customer.stripeCustomerId },
      order: [['createdAt', 'ASC']],
    });
    const now = this.now();
    const grace = this.gracePeriodDays * 86400;
    const subscriptions = rows.map((row) => {
      const access = accessAt(row, now, grace);
      return {
        id: row.id,
        status: row.status,
        price: row.stripePriceId,
        access: access.access,
        access_until: access.accessUntil,
        reason: access.reason,
      };
    });
    const granting = subscriptions.filter((s) => s.access);
    return {
      object: 'entitlements',
      customer: customer.id,
      has_access: granting.length > 0,
      access_until: granting.length ? Math.max(...granting.map((s) => s.access_until!)) : null,
      as_of: now,
      grace_period_days: this.gracePeriodDays,
      subscriptions,
    };
  }
}
