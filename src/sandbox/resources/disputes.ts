import { invalidParam, unexpectedState } from '../core/errors';
import { paginate } from '../core/list';
import { LIST_SPEC, mergeMetadata, validate, type Rule } from '../core/params';
import { EVIDENCE_FIELDS, createBalanceTransaction } from '../payments/charge-service';
import type { RequestMeta } from '../events/event-log';
import type { Router } from '../server/router';
import type { SandboxState } from '../core/state';
import type { StripeObject } from '../core/store';

const EVIDENCE: Rule = {
  object: Object.fromEntries(EVIDENCE_FIELDS.map((f) => [f, 'string' as const])),
};
const OPEN = ['needs_response', 'warning_needs_response', 'under_review', 'warning_under_review'];

/**
 * Closes a dispute as the card network would: `won` returns the funds (an inquiry just
 * closes), `lost` keeps them withdrawn. Emits `charge.dispute.closed`.
 */
export function closeDispute(
  state: SandboxState,
  dispute: StripeObject,
  outcome: 'won' | 'lost',
  meta: RequestMeta,
): StripeObject {
  if (!OPEN.includes(dispute.status as string)) {
    throw unexpectedState(
      'dispute_already_closed',
      `Dispute ${dispute.id} is already closed (status ${String(dispute.status)}).`,
    );
  }
  const inquiry = (dispute.status as string).startsWith('warning_');
  const previous = { status: dispute.status };
  dispute.status = inquiry ? 'warning_closed' : outcome;
  if (!inquiry && outcome === 'won') {
    const txn = createBalanceTransaction(state, {
      amount: dispute.amount as number,
      currency: dispute.currency as string,
      source: dispute.id,
      type: 'adjustment',
      category: 'dispute_reversal',
      description: `Chargeback reversal for ${String(dispute.charge)}`,
    });
    (dispute.balance_transactions as StripeObject[]).push(txn);
    state.emit('charge.dispute.funds_reinstated', dispute, meta);
  }
  state.emit('charge.dispute.closed', dispute, meta, previous);
  return dispute;
}

export function registerDisputeRoutes(router: Router, state: SandboxState): void {
  router.on('GET', '/v1/disputes/:id', (c) => {
    validate(c.form, {});
    return state.store.get('dispute', c.pathParams.id);
  });
  router.on('POST', '/v1/disputes/:id', (c) => {
    const p = validate(c.form, { evidence: EVIDENCE, metadata: 'metadata', submit: 'boolean' });
    const dispute = state.store.get('dispute', c.pathParams.id);
    if (!OPEN.includes(dispute.status as string)) {
      throw invalidParam('evidence', 'This dispute is closed; evidence can no longer be changed.');
    }
    const previous = { evidence: structuredClone(dispute.evidence), status: dispute.status };
    const evidence = p.evidence as Record<string, unknown> | undefined;
    if (evidence) {
      Object.assign(dispute.evidence as object, evidence);
      (dispute.evidence_details as Record<string, unknown>).has_evidence = true;
    }
    dispute.metadata = mergeMetadata(dispute.metadata as Record<string, string>, p.metadata);
    if (p.submit !== false && evidence) {
      const details = dispute.evidence_details as Record<string, number>;
      details.submission_count++;
      dispute.status = (dispute.status as string).startsWith('warning_')
        ? 'warning_under_review'
        : 'under_review';
    }
    state.emit('charge.dispute.updated', dispute, c.meta, previous);
    return dispute;
  });
  router.on('POST', '/v1/disputes/:id/close', (c) => {
    validate(c.form, {});
    return closeDispute(state, state.store.get('dispute', c.pathParams.id), 'lost', c.meta);
  });
  router.on('GET', '/v1/disputes', (c) => {
    const p = validate(c.form, { ...LIST_SPEC, charge: 'string', payment_intent: 'string' });
    return paginate(
      state.store,
      'dispute',
      p,
      '/v1/disputes',
      (o) =>
        (!p.charge || o.charge === p.charge) &&
        (!p.payment_intent || o.payment_intent === p.payment_intent),
    );
  });
}
