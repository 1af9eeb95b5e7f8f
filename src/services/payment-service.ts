import type Stripe from 'stripe';
import { Op, QueryTypes, type Sequelize, type Transaction, type WhereOptions } from 'sequelize';
import { AppError, badRequest, notFound } from '../errors/app-error';
import { Payment, type PaymentStatus } from '../models/payment';
import {
  DeclinedPayment,
  type IdempotencyScope,
  type StripeGateway,
} from '../stripe/stripe-gateway';
import type { Keyring } from '../utils/encryption';
import { checkChargeAmount, checkPartialAmount, type AmountProblem } from '../utils/money';
import type { Principal } from './api-key-service';
import { appendAudit } from './audit-service';
import type { CustomerService } from './customer-service';
import { newId } from './ids';
import { afterCursor, NEWEST_FIRST, toPage, type Page } from './pagination';
import { CANCELABLE, CONFIRMABLE, statusesLeadingTo } from './payment-status';

export interface CreatePaymentInput {
  amount: number;
  currency: string;
  customer?: string;
  payment_method?: string;
  confirm?: boolean;
  capture_method?: 'automatic' | 'manual';
  description?: string;
  receipt_email?: string;
  metadata?: Record<string, string>;
  return_url?: string;
}

export interface PaymentView {
  id: string;
  object: 'payment';
  stripe_payment_intent_id: string;
  amount: number;
  currency: string;
  status: PaymentStatus;
  capture_method: string;
  amount_capturable: number;
  amount_received: number;
  amount_refunded: number;
  customer: string | null;
  payment_method: string | null;
  description: string | null;
  receipt_email: string | null;
  metadata: Record<string, string>;
  client_secret: string | null;
  next_action: unknown;
  last_payment_error: Record<string, unknown> | null;
  created: number;
  canceled_at: number | null;
}

export interface ListPaymentsQuery {
  limit: number;
  cursor?: string;
  status?: PaymentStatus;
  customer?: string;
  created?: { gte?: number; lte?: number; gt?: number; lt?: number };
}

/** A Stripe object field that may be expanded. */
function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === 'string' ? value : value.id;
}

function amountError(field: string, problem: AmountProblem): AppError {
  return badRequest(problem.code, problem.message, [{ field, message: problem.message }]);
}

function lastErrorOf(pi: Stripe.PaymentIntent): Record<string, unknown> | null {
  const e = pi.last_payment_error;
  if (!e) return null;
  // Only the machine fields: Stripe's own message text is not passed on.
  return { type: e.type, code: e.code ?? null, decline_code: e.decline_code ?? null };
}

/** Statuses Stripe never moves a payment out of. */
const FINAL: readonly PaymentStatus[] = ['succeeded', 'canceled'];

const toSeconds = (d: Date | null): number | null => (d ? Math.floor(d.getTime() / 1000) : null);

/**
 * Payments: a Stripe payment intent and the local row that mirrors it. Each operation calls
 * Stripe first (with a derived idempotency key) and then writes the row and its audit entry
 * in one short transaction, so no transaction waits on the network and a retry after a
 * crash between the two finds Stripe's first answer and writes the row then.
 */
export class PaymentService {
  constructor(
    private readonly sequelize: Sequelize,
    private readonly stripe: StripeGateway,
    private readonly customers: CustomerService,
    private readonly keyring: Keyring,
  ) {}

  present(row: Payment, intent?: Stripe.PaymentIntent): PaymentView {
    return {
      id: row.id,
      object: 'payment',
      stripe_payment_intent_id: row.stripePaymentIntentId,
      amount: row.amount,
      currency: row.currency,
      status: row.status,
      capture_method: row.captureMethod,
      amount_capturable: row.amountCapturable,
      amount_received: row.amountReceived,
      amount_refunded: row.amountRefunded,
      customer: row.customerId,
      payment_method: row.paymentMethod,
      description: row.description,
      receipt_email: this.keyring.decryptOptional(row.receiptEmailEncrypted),
      metadata: row.metadata ?? {},
      client_secret: intent?.client_secret ?? null,
      next_action: intent?.next_action ?? null,
      last_payment_error: row.lastPaymentError,
      created: Math.floor(row.createdAt.getTime() / 1000),
      canceled_at: toSeconds(row.canceledAt),
    };
  }

  async create(
    principal: Principal,
    input: CreatePaymentInput,
    scope: IdempotencyScope,
  ): Promise<PaymentView> {
    const currency = input.currency.toLowerCase();
    const problem = checkChargeAmount(input.amount, currency);
    if (problem) {
      throw amountError(problem.code === 'currency_not_supported' ? 'currency' : 'amount', problem);
    }
    const customer = input.customer
      ? await this.customers.find(principal, input.customer)
      : undefined;
    const paymentMethod =
      input.payment_method ?? (input.confirm ? customer?.defaultPaymentMethod : undefined);
    const params: Stripe.PaymentIntentCreateParams = {
      amount: input.amount,
      currency,
      capture_method: input.capture_method ?? 'automatic',
      ...(customer ? { customer: customer.stripeCustomerId } : {}),
      ...(paymentMethod ? { payment_method: paymentMethod } : {}),
      ...(input.confirm ? { confirm: true } : {}),
      ...(input.confirm && input.return_url ? { return_url: input.return_url } : {}),
      ...(input.description ? { description: input.description } : {}),
      ...(input.receipt_email ? { receipt_email: input.receipt_email } : {}),
      ...(input.metadata ? { metadata: input.metadata } : {}),
    };
    const context = { customerId: customer?.id ?? null, receiptEmail: input.receipt_email };
    try {
      const intent = await this.stripe.createPaymentIntent(params, scope);
      const row = await this.record(principal, intent, context, scope, 'succeeded');
      return this.present(row, intent);
    } catch (err) {
      if (!(err instanceof DeclinedPayment)) throw err;
      const row = await this.record(principal, err.paymentIntent, context, scope, 'declined');
      throw withPayment(err.cause as AppError, row.id);
    }
  }

  /** Inserts (or, after a retry or an early webhook, completes) the row, with its audit. */
  private async record(
    principal: Principal,
    intent: Stripe.PaymentIntent,
    context: { customerId: string | null; receiptEmail?: string },
    scope: IdempotencyScope,
    outcome: string,
  ): Promise<Payment> {
    return this.sequelize.transaction(async (transaction) => {
      await this.sequelize.query(
        `INSERT INTO payments (id, owner_id, customer_id, stripe_payment_intent_id,
           stripe_customer_id, amount, currency, status, capture_method, description,
           receipt_email_encrypted, metadata, stripe_created_at, created_at, updated_at)
         VALUES (:id, :ownerId, :customerId, :intentId, :stripeCustomerId, :amount, :currency,
           :status, :captureMethod, :description, :receiptEmail, :metadata,
           to_timestamp(:created), now(), now())
         ON CONFLICT (stripe_payment_intent_id) DO UPDATE SET
           owner_id = COALESCE(payments.owner_id, EXCLUDED.owner_id),
           customer_id = COALESCE(payments.customer_id, EXCLUDED.customer_id)`,
        {
          transaction,
          replacements: {
            id: newId('pay'),
            ownerId: principal.ownerId,
            customerId: context.customerId,
            intentId: intent.id,
            stripeCustomerId: idOf(intent.customer),
            amount: intent.amount,
            currency: intent.currency,
            status: intent.status,
            captureMethod: intent.capture_method.startsWith('manual') ? 'manual' : 'automatic',
            description: intent.description ?? null,
            receiptEmail: this.keyring.encryptOptional(context.receiptEmail),
            metadata: JSON.stringify(intent.metadata ?? {}),
            created: intent.created,
          },
        },
      );
      const row = await Payment.findOne({
        where: { stripePaymentIntentId: intent.id },
        transaction,
      });
      if (!row || row.ownerId !== principal.ownerId) throw notFound('No such payment.');
      await this.apply(row.id, intent, transaction);
      await row.reload({ transaction });
      await this.audit(principal, 'payment.create', row, outcome, scope, transaction, null);
      return row;
    });
  }

  /**
   * Applies a payment intent's state to the row, only if its status is reachable from the
   * row's (never backwards); amounts received only grow.
   */
  async apply(paymentId: string, pi: Stripe.PaymentIntent, transaction?: Transaction) {
    const status = pi.status as PaymentStatus;
    await this.sequelize.query(
      `UPDATE payments SET
         status = :status,
         amount_capturable = :capturable,
         amount_received = GREATEST(amount_received, :received),
         latest_charge_id = COALESCE(:charge, latest_charge_id),
         payment_method = COALESCE(:paymentMethod, payment_method),
         last_payment_error = CAST(:lastError AS JSONB),
         canceled_at = COALESCE(canceled_at, :canceledAt),
         succeeded_at = COALESCE(succeeded_at, :succeededAt),
         updated_at = now()
       WHERE id = :id AND status IN (:from)`,
      {
        transaction,
        type: QueryTypes.UPDATE,
        replacements: {
          id: paymentId,
          status,
          from: statusesLeadingTo(status),
          capturable: pi.amount_capturable ?? 0,
          received: pi.amount_received ?? 0,
          charge: idOf(pi.latest_charge),
          paymentMethod: idOf(pi.payment_method),
          lastError: JSON.stringify(lastErrorOf(pi)),
          canceledAt: pi.canceled_at ? new Date(pi.canceled_at * 1000) : null,
          succeededAt: status === 'succeeded' ? new Date() : null,
        },
      },
    );
  }

  private async audit(
    principal: Principal,
    action: string,
    row: Payment,
    outcome: string,
    scope: IdempotencyScope | null,
    transaction: Transaction,
    before: Record<string, unknown> | null,
  ): Promise<void> {
    await appendAudit(
      {
        actor: principal.keyId,
        ownerId: principal.ownerId,
        action,
        targetType: 'payment',
        targetId: row.id,
        outcome,
        idempotencyKey: scope?.idempotencyKey ?? null,
        before,
        after: snapshot(row),
      },
      transaction,
    );
  }

  /** The owner's payment, or 404 (also for another storefront's payment). */
  async find(principal: Principal, id: string, transaction?: Transaction): Promise<Payment> {
    const row = await Payment.findOne({ where: { id, ownerId: principal.ownerId }, transaction });
    if (!row) throw notFound('No such payment.');
    return row;
  }

  /**
   * The owner's payment for an operation allowed only from `allowed` statuses. The row may lag
   * behind Stripe (a 3-D Secure challenge passed with Stripe, no webhook applied yet), so a
   * status that refuses the operation, unless final, is refreshed from Stripe once first.
   */
  private async findIn(
    principal: Principal,
    id: string,
    allowed: readonly PaymentStatus[],
  ): Promise<Payment> {
    const row = await this.find(principal, id);
    if (allowed.includes(row.status) || FINAL.includes(row.status)) return row;
    await this.apply(row.id, await this.stripe.retrievePaymentIntent(row.stripePaymentIntentId));
    await row.reload();
    return row;
  }

  /** Runs a Stripe operation on the payment, then records its result and audit row. */
  private async transition(
    principal: Principal,
    row: Payment,
    action: string,
    scope: IdempotencyScope,
    operation: () => Promise<Stripe.PaymentIntent>,
  ): Promise<PaymentView> {
    const before = snapshot(row);
    let intent: Stripe.PaymentIntent;
    let outcome = 'succeeded';
    let failure: AppError | undefined;
    try {
      intent = await operation();
    } catch (err) {
      if (!(err instanceof DeclinedPayment)) throw err;
      intent = err.paymentIntent;
      outcome = 'declined';
      failure = withPayment(err.cause as AppError, row.id);
    }
    await this.sequelize.transaction(async (transaction) => {
      await this.apply(row.id, intent, transaction);
      await row.reload({ transaction });
      await this.audit(principal, action, row, outcome, scope, transaction, before);
    });
    if (failure) throw failure;
    return this.present(row, intent);
  }

  async confirm(
    principal: Principal,
    id: string,
    input: { payment_method?: string; return_url?: string; capture_method?: 'manual' },
    scope: IdempotencyScope,
  ): Promise<PaymentView> {
    const row = await this.findIn(principal, id, CONFIRMABLE);
    if (!CONFIRMABLE.includes(row.status)) {
      throw stateError(row, 'confirmed', CONFIRMABLE);
    }
    const params: Stripe.PaymentIntentConfirmParams = {
      ...(input.payment_method ? { payment_method: input.payment_method } : {}),
      ...(input.return_url ? { return_url: input.return_url } : {}),
      // Set by the fraud screen when the payment goes to review: authorize only.
      ...(input.capture_method ? { capture_method: input.capture_method } : {}),
    };
    return this.transition(principal, row, 'payment.confirm', scope, () =>
      this.stripe.confirmPaymentIntent(row.stripePaymentIntentId, params, scope),
    );
  }

  async capture(
    principal: Principal,
    id: string,
    input: { amount_to_capture?: number },
    scope: IdempotencyScope,
  ): Promise<PaymentView> {
    const row = await this.findIn(principal, id, ['requires_capture']);
    if (row.status !== 'requires_capture') throw stateError(row, 'captured', ['requires_capture']);
    const amount = input.amount_to_capture;
    if (amount !== undefined) {
      const problem = checkPartialAmount(amount, row.currency);
      if (problem) throw amountError('amount_to_capture', problem);
      if (amount > row.amountCapturable) {
        const message = `amount_to_capture must be at most ${row.amountCapturable}.`;
        throw badRequest('amount_too_large', message, [{ field: 'amount_to_capture', message }]);
      }
    }
    const params = amount !== undefined ? { amount_to_capture: amount } : {};
    return this.transition(principal, row, 'payment.capture', scope, () =>
      this.stripe.capturePaymentIntent(row.stripePaymentIntentId, params, scope),
    );
  }

  async cancel(
    principal: Principal,
    id: string,
    input: { cancellation_reason?: Stripe.PaymentIntentCancelParams.CancellationReason },
    scope: IdempotencyScope,
  ): Promise<PaymentView> {
    const row = await this.findIn(principal, id, CANCELABLE);
    if (!CANCELABLE.includes(row.status)) throw stateError(row, 'canceled', CANCELABLE);
    return this.transition(principal, row, 'payment.cancel', scope, () =>
      this.stripe.cancelPaymentIntent(row.stripePaymentIntentId, input, scope),
    );
  }

  /**
   * The payment, refreshed from Stripe (so the answer carries the current status,
   * client_secret and next_action); the local row alone when Stripe does not answer.
   */
  async retrieve(principal: Principal, id: string): Promise<PaymentView> {
    const row = await this.find(principal, id);
    let intent: Stripe.PaymentIntent;
    try {
      intent = await this.stripe.retrievePaymentIntent(row.stripePaymentIntentId);
    } catch (err) {
      if (err instanceof AppError && err.status >= 500) return this.present(row);
      throw err;
    }
    await this.apply(row.id, intent);
    await row.reload();
    return this.present(row, intent);
  }

  async list(principal: Principal, query: ListPaymentsQuery): Promise<Page<PaymentView>> {
    const where: WhereOptions = { ownerId: principal.ownerId, ...afterCursor(query.cursor) };
    const conditions: WhereOptions[] = [where];
    if (query.status) conditions.push({ status: query.status });
    if (query.customer) conditions.push({ customerId: query.customer });
    const created = query.created ?? {};
    const range: Record<symbol, Date> = {};
    if (created.gte !== undefined) range[Op.gte] = new Date(created.gte * 1000);
    if (created.gt !== undefined) range[Op.gt] = new Date(created.gt * 1000);
    if (created.lte !== undefined) range[Op.lte] = new Date(created.lte * 1000);
    if (created.lt !== undefined) range[Op.lt] = new Date(created.lt * 1000);
    if (Object.getOwnPropertySymbols(range).length > 0) conditions.push({ createdAt: range });
    const rows = await Payment.findAll({
      where: { [Op.and]: conditions },
      order: NEWEST_FIRST,
      limit: query.limit + 1,
    });
    return toPage(rows, query.limit, (row) => this.present(row));
  }
}

function snapshot(row: Payment): Record<string, unknown> {
  return {
    status: row.status,
    amount: row.amount,
    currency: row.currency,
    amount_capturable: row.amountCapturable,
    amount_received: row.amountReceived,
    amount_refunded: row.amountRefunded,
  };
}

function stateError(row: Payment, verb: string, allowed: readonly string[]): AppError {
  return new AppError(
    400,
    'invalid_request_error',
    'payment_unexpected_state',
    `A payment in status ${row.status} cannot be ${verb}; it must be ${allowed.join(' or ')}.`,
  );
}

/** The mapped decline, with the id of the payment it left behind. */
function withPayment(error: AppError, paymentId: string): AppError {
  return new AppError(error.status, error.type, error.code, error.message, {
    details: error.details,
    retryAfter: error.retryAfter,
    extra: { ...error.extra, payment_id: paymentId },
    cause: error.cause,
  });
}
