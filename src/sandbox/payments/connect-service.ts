import { newId } from '../core/ids';
import { createBalanceTransaction } from './charge-service';
import type { RequestMeta } from '../events/event-log';
import type { SandboxState } from '../core/state';
import type { StripeObject } from '../core/store';

/** A transfer of funds to a connected account, booked in the platform's balance. */
export function createTransfer(
  state: SandboxState,
  opts: {
    amount: number;
    currency: string;
    destination: string;
    sourceTransaction?: string | null;
    transferGroup?: string | null;
    description?: string | null;
    metadata?: Record<string, string>;
  },
  meta: RequestMeta,
): StripeObject {
  const id = newId('tr');
  const txn = createBalanceTransaction(state, {
    amount: -opts.amount,
    currency: opts.currency,
    source: id,
    type: 'transfer',
    category: 'transfer',
  });
  const transfer: StripeObject = {
    id,
    object: 'transfer',
    amount: opts.amount,
    amount_reversed: 0,
    balance_transaction: txn.id,
    created: state.now(),
    currency: opts.currency,
    description: opts.description ?? null,
    destination: opts.destination,
    destination_payment: newId('py'),
    livemode: false,
    metadata: opts.metadata ?? {},
    reversals: {
      object: 'list',
      data: [],
      has_more: false,
      url: `/v1/transfers/${id}/reversals`,
    },
    reversed: false,
    source_transaction: opts.sourceTransaction ?? null,
    source_type: 'card',
    transfer_group: opts.transferGroup ?? null,
  };
  state.store.insert(transfer);
  state.emit('transfer.created', transfer, meta);
  return transfer;
}

/**
 * Destination charges: once captured, the amount less the application fee moves to
 * `transfer_data[destination]`, and the fee is recorded as an application fee.
 */
export function afterDestinationCharge(
  state: SandboxState,
  pi: StripeObject,
  charge: StripeObject,
  meta: RequestMeta,
): void {
  const transferData = pi.transfer_data as { destination?: string; amount?: number } | null;
  const fee = pi.application_fee_amount as number | null;
  const destination = transferData?.destination ?? meta.account ?? null;
  if (!destination) return;
  const captured = charge.amount_captured as number;
  if (transferData?.destination) {
    const amount = transferData.amount ?? captured - (fee ?? 0);
    const transfer = createTransfer(
      state,
      {
        amount: Math.min(amount, captured),
        currency: charge.currency as string,
        destination,
        sourceTransaction: charge.id,
        transferGroup: (pi.transfer_group as string | null) ?? `group_${pi.id}`,
      },
      meta,
    );
    charge.transfer = transfer.id;
  }
  if (fee) createApplicationFee(state, charge, destination, fee, meta);
}

function createApplicationFee(
  state: SandboxState,
  charge: StripeObject,
  account: string,
  amount: number,
  meta: RequestMeta,
): void {
  const id = newId('fee');
  const txn = createBalanceTransaction(state, {
    amount,
    currency: charge.currency as string,
    source: id,
    type: 'application_fee',
    category: 'platform_earning',
  });
  const fee: StripeObject = {
    id,
    object: 'application_fee',
    account,
    amount,
    amount_refunded: 0,
    application: 'ca_sandbox',
    balance_transaction: txn.id,
    charge: charge.id,
    created: state.now(),
    currency: charge.currency,
    fee_source: { charge: charge.id, type: 'charge' },
    livemode: false,
    originating_transaction: null,
    refunded: false,
    refunds: {
      object: 'list',
      data: [],
      has_more: false,
      url: `/v1/application_fees/${id}/refunds`,
    },
  };
  state.store.insert(fee);
  charge.application_fee = id;
  state.emit('application_fee.created', fee, meta);
}
