import { createHash, randomBytes } from 'node:crypto';
import type { BlockList } from 'node:net';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { fraudDecisions, fraudRuleHits } from '../../metrics/registry';
import { logger } from '../../utils/logger';
import {
  actionFor,
  isDenied,
  type FraudRules,
  type RuleAction,
  type VelocityKey,
} from './fraud-rules';

export type Decision = 'allow' | 'review' | 'block';

/** What the screen knows about a payment attempt before Stripe is called. */
export interface ScreenInput {
  stage: 'create' | 'confirm';
  ownerId: string | null;
  amount: number;
  currency: string;
  customerId?: string | null;
  /** The shopper's email; only its hash is stored. */
  email?: string | null;
  ip?: string | null;
  /** Known on confirm: the payment being confirmed. */
  paymentId?: string | null;
}

export interface ScreenReason {
  rule: string;
  action: RuleAction;
  /** The measured value and the level it reached. */
  value: number;
  threshold: number;
}

export interface ScreenResult {
  id: string;
  decision: Decision;
  reasons: ScreenReason[];
}

type Counts = Record<string, string | number | null>;

export function emailHash(email: string | null | undefined): string | null {
  if (!email) return null;
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}

// Earlier attempts sharing a key, with whether each was declined: marked on the screening by
// the payments service, or seen on the payment row (its last attempt failed).
const COUNTS_SQL = `
WITH recent AS (
  SELECT f.customer_id, f.ip, f.email_hash, f.amount, f.currency, f.created_at,
    (f.declined OR COALESCE(p.payment_failed, false)) AS declined
  FROM fraud_screenings f LEFT JOIN payments p ON p.id = f.payment_id
  WHERE f.created_at >= now() - interval '1 second' * :maxWindow
    AND (f.customer_id = :customer OR f.ip = :ip OR f.email_hash = :email))
SELECT
  count(*) FILTER (WHERE customer_id = :customer AND created_at >= :velocitySince) AS customer_attempts,
  count(*) FILTER (WHERE ip = :ip AND created_at >= :velocitySince) AS ip_attempts,
  count(*) FILTER (WHERE email_hash = :email AND created_at >= :velocitySince) AS email_attempts,
  count(*) FILTER (WHERE customer_id = :customer AND declined AND created_at >= :velocitySince)
    AS customer_declines,
  count(*) FILTER (WHERE ip = :ip AND declined AND created_at >= :velocitySince) AS ip_declines,
  count(*) FILTER (WHERE email_hash = :email AND declined AND created_at >= :velocitySince)
    AS email_declines,
  count(*) FILTER (WHERE ip = :ip AND created_at >= :rateSince) AS rate_attempts,
  count(*) FILTER (WHERE ip = :ip AND declined AND created_at >= :rateSince) AS rate_declines,
  count(*) FILTER (WHERE ip = :ip AND declined AND created_at >= :testingSince
    AND amount <= COALESCE((CAST(:small AS jsonb) ->> lower(currency))::bigint, 0)) AS testing_ip,
  count(*) FILTER (WHERE customer_id = :customer AND declined AND created_at >= :testingSince
    AND amount <= COALESCE((CAST(:small AS jsonb) ->> lower(currency))::bigint, 0))
    AS testing_customer
FROM recent`;

const KEYS: VelocityKey[] = ['customer', 'ip', 'email'];

/**
 * The fraud screen in front of payment creation and confirmation. Every attempt is stored in
 * `fraud_screenings` with its decision and reasons, and the velocity, decline-rate and
 * card-testing rules count those rows in PostgreSQL, so limits hold across any number of
 * instances. Attempts sharing a key are screened one at a time (advisory locks per key), so
 * two simultaneous attempts cannot both slip under a limit.
 */
export class FraudScreen {
  constructor(
    private readonly sequelize: Sequelize,
    private readonly rules: FraudRules,
    private readonly denyList: BlockList,
  ) {}

  async screen(input: ScreenInput): Promise<ScreenResult> {
    const keys = {
      customer: input.customerId ?? null,
      ip: input.ip ?? null,
      email: emailHash(input.email),
    };
    const result = await this.sequelize.transaction(async (transaction) => {
      await this.lockKeys(keys, transaction);
      const counts = await this.counts(keys, transaction);
      const reasons = this.evaluate(input, counts);
      const decision = decide(reasons);
      const id = `fs_${randomBytes(12).toString('hex')}`;
      await this.sequelize.query(
        `INSERT INTO fraud_screenings (id, owner_id, payment_id, stage, decision, reasons, amount,
           currency, customer_id, email_hash, ip)
         VALUES (:id, :owner, :payment, :stage, :decision, :reasons, :amount, :currency,
           :customer, :email, :ip)`,
        {
          replacements: {
            ...keys,
            id,
            owner: input.ownerId,
            payment: input.paymentId ?? null,
            stage: input.stage,
            decision,
            reasons: JSON.stringify(reasons),
            amount: input.amount,
            currency: input.currency.toLowerCase(),
          },
          transaction,
        },
      );
      return { id, decision, reasons };
    });
    fraudDecisions.inc({ decision: result.decision });
    for (const r of result.reasons) fraudRuleHits.inc({ rule: r.rule, action: r.action });
    if (result.decision !== 'allow') {
      logger.warn('fraud screen flagged payment', {
        screeningId: result.id,
        decision: result.decision,
        rules: result.reasons.map((r) => r.rule),
        stage: input.stage,
      });
    }
    return result;
  }

  /** Links the screening to the payment the service created for it. */
  async attachPayment(
    screeningId: string,
    paymentId: string,
    transaction?: Transaction,
  ): Promise<void> {
    await this.sequelize.query(
      'UPDATE fraud_screenings SET payment_id = ?, updated_at = now() WHERE id = ?',
      { replacements: [paymentId, screeningId], transaction },
    );
  }

  /** Marks a screened attempt as declined by Stripe, for the decline rules. */
  async markDeclined(screeningId: string): Promise<void> {
    await this.sequelize.query(
      'UPDATE fraud_screenings SET declined = true, updated_at = now() WHERE id = ?',
      { replacements: [screeningId] },
    );
  }

  private async lockKeys(
    keys: Record<VelocityKey, string | null>,
    transaction: Transaction,
  ): Promise<void> {
    const names = KEYS.filter((k) => keys[k])
      .map((k) => `fraud:${k}:${keys[k]}`)
      .sort();
    for (const name of names) {
      await this.sequelize.query('SELECT pg_advisory_xact_lock(hashtext(?))', {
        replacements: [name],
        transaction,
      });
    }
  }

  private async counts(
    keys: Record<VelocityKey, string | null>,
    transaction: Transaction,
  ): Promise<Counts> {
    const { velocity, ipDeclineRate, cardTesting } = this.rules;
    const since = (seconds: number): Date => new Date(Date.now() - seconds * 1000);
    const [row] = await this.sequelize.query<Counts>(COUNTS_SQL, {
      type: QueryTypes.SELECT,
      transaction,
      replacements: {
        ...keys,
        maxWindow: Math.max(
          velocity.windowSeconds,
          ipDeclineRate.windowSeconds,
          cardTesting.windowSeconds,
        ),
        velocitySince: since(velocity.windowSeconds),
        rateSince: since(ipDeclineRate.windowSeconds),
        testingSince: since(cardTesting.windowSeconds),
        small: JSON.stringify(cardTesting.smallAmounts),
      },
    });
    return row ?? {};
  }

  private evaluate(input: ScreenInput, counts: Counts): ScreenReason[] {
    const reasons: ScreenReason[] = [];
    const add = (
      rule: string,
      value: number,
      levels: { review?: number; block?: number } | undefined,
    ): void => {
      const action = actionFor(value, levels);
      if (action) reasons.push({ rule, action, value, threshold: levels![action]! });
    };
    const n = (name: string): number => Number(counts[name] ?? 0);
    const { rules } = this;

    add('amount_threshold', input.amount, rules.amountThresholds[input.currency.toLowerCase()]);
    if (isDenied(this.denyList, input.ip ?? undefined)) {
      reasons.push({
        rule: 'ip_deny_list',
        action: rules.ipDenyList.action,
        value: 1,
        threshold: 1,
      });
    }
    const present = { customer: input.customerId, ip: input.ip, email: input.email };
    for (const key of KEYS) {
      if (!present[key]) continue;
      add(`velocity_attempts_${key}`, n(`${key}_attempts`) + 1, rules.velocity.attempts[key]);
      add(`velocity_declines_${key}`, n(`${key}_declines`), rules.velocity.declines[key]);
    }
    const rate = rules.ipDeclineRate;
    if (input.ip && n('rate_attempts') >= rate.minAttempts) {
      add('ip_decline_rate', n('rate_declines') / n('rate_attempts'), rate);
    }
    add(
      'card_testing',
      Math.max(n('testing_ip'), n('testing_customer')),
      rules.cardTesting.declines,
    );
    return reasons;
  }
}

/** Block when any rule blocks, review when any reviews, else allow. */
export function decide(reasons: ScreenReason[]): Decision {
  if (reasons.some((r) => r.action === 'block')) return 'block';
  if (reasons.some((r) => r.action === 'review')) return 'review';
  return 'allow';
}
