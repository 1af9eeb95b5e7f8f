import type Stripe from 'stripe';
import { notFound } from '../errors/app-error';
import { Customer } from '../models';
import type { IdempotencyScope, StripeGateway } from '../stripe/stripe-gateway';
import type { Keyring } from '../utils/encryption';
import type { Principal } from './api-key-service';
import { newId } from './ids';
import { afterCursor, NEWEST_FIRST, toPage, type Page } from './pagination';

export interface Address {
  line1?: string;
  line2?: string;
  city?: string;
  state?: string;
  postal_code?: string;
  country?: string;
}

export interface CustomerInput {
  email?: string | null;
  name?: string | null;
  phone?: string | null;
  address?: Address | null;
}

export interface CustomerView {
  id: string;
  object: 'customer';
  stripe_customer_id: string;
  email: string | null;
  name: string | null;
  phone: string | null;
  address: Address | null;
  default_payment_method: string | null;
  created: number;
}

/**
 * Customers of a storefront, mirrored to Stripe customers. Personal fields (email, name,
 * phone, address) are kept locally only encrypted; Stripe holds them too, as it must to
 * send receipts and run fraud checks.
 */
export class CustomerService {
  constructor(
    private readonly stripe: StripeGateway,
    private readonly keyring: Keyring,
  ) {}

  present(row: Customer): CustomerView {
    const address = this.keyring.decryptOptional(row.addressEncrypted);
    return {
      id: row.id,
      object: 'customer',
      stripe_customer_id: row.stripeCustomerId,
      email: this.keyring.decryptOptional(row.emailEncrypted),
      name: this.keyring.decryptOptional(row.nameEncrypted),
      phone: this.keyring.decryptOptional(row.phoneEncrypted),
      address: address ? (JSON.parse(address) as Address) : null,
      default_payment_method: row.defaultPaymentMethod,
      created: Math.floor(row.createdAt.getTime() / 1000),
    };
  }

  private encrypted(input: CustomerInput): Partial<Customer> {
    const out: Partial<Customer> = {};
    if (input.email !== undefined) out.emailEncrypted = this.keyring.encryptOptional(input.email);
    if (input.name !== undefined) out.nameEncrypted = this.keyring.encryptOptional(input.name);
    if (input.phone !== undefined) out.phoneEncrypted = this.keyring.encryptOptional(input.phone);
    if (input.address !== undefined) {
      out.addressEncrypted = this.keyring.encryptOptional(
        input.address ? JSON.stringify(input.address) : null,
      );
    }
    return out;
  }

  private toStripe(input: CustomerInput): Stripe.CustomerUpdateParams {
    const params: Stripe.CustomerUpdateParams = {};
    if (input.email !== undefined) params.email = input.email ?? '';
    if (input.name !== undefined) params.name = input.name ?? '';
    if (input.phone !== undefined) params.phone = input.phone ?? '';
    if (input.address !== undefined) params.address = input.address ?? '';
    return params;
  }

  async create(
    principal: Principal,
    input: CustomerInput,
    scope: IdempotencyScope,
  ): Promise<CustomerView> {
    const remote = await this.stripe.createCustomer(
      { ...(this.toStripe(input) as object), metadata: { owner: principal.ownerId } },
      scope,
    );
    // A retry after a crash gets the same Stripe customer back; keep the row made first.
    const existing = await Customer.findOne({ where: { stripeCustomerId: remote.id } });
    if (existing) return this.present(existing);
    const row = await Customer.create({
      id: newId('cust'),
      ownerId: principal.ownerId,
      stripeCustomerId: remote.id,
      stripeEventAt: remote.created,
      ...this.encrypted(input),
    });
    return this.present(row);
  }

  /** The owner's customer, or 404 (also for another storefront's customer). */
  async find(principal: Principal, id: string): Promise<Customer> {
    const row = await Customer.findOne({
      where: { id, ownerId: principal.ownerId, deletedAt: null },
    });
    if (!row) throw notFound('No such customer.');
    return row;
  }

  async retrieve(principal: Principal, id: string): Promise<CustomerView> {
    return this.present(await this.find(principal, id));
  }

  async update(principal: Principal, id: string, input: CustomerInput): Promise<CustomerView> {
    const row = await this.find(principal, id);
    await this.stripe.updateCustomer(row.stripeCustomerId, this.toStripe(input));
    await row.update(this.encrypted(input));
    return this.present(row);
  }

  async list(
    principal: Principal,
    query: { limit: number; cursor?: string },
  ): Promise<Page<CustomerView>> {
    const rows = await Customer.findAll({
      where: { ownerId: principal.ownerId, deletedAt: null, ...afterCursor(query.cursor) },
      order: NEWEST_FIRST,
      limit: query.limit + 1,
    });
    return toPage(rows, query.limit, (row) => this.present(row));
  }
}
