import type { RequestHandler } from 'express';
import type {
  CreatePaymentInput,
  ListPaymentsQuery,
  PaymentService,
} from '../services/payment-service';
import type { RefundReason, RefundService } from '../services/refund-service';
import { inputOf, principalOf, scopeOf } from './controller-helpers';

export function paymentsController(payments: PaymentService, refunds: RefundService) {
  const create: RequestHandler = async (req, res) => {
    const { body } = inputOf<CreatePaymentInput>(req);
    res.status(201).json(await payments.create(principalOf(req), body, scopeOf(req)));
  };
  const retrieve: RequestHandler = async (req, res) => {
    res.json(await payments.retrieve(principalOf(req), inputOf(req).params.id!));
  };
  const list: RequestHandler = async (req, res) => {
    const query = inputOf(req).query as unknown as ListPaymentsQuery;
    res.json(await payments.list(principalOf(req), query));
  };
  const confirm: RequestHandler = async (req, res) => {
    const { params, body } = inputOf<{ payment_method?: string; return_url?: string }>(req);
    res.json(await payments.confirm(principalOf(req), params.id!, body, scopeOf(req)));
  };
  const capture: RequestHandler = async (req, res) => {
    const { params, body } = inputOf<{ amount_to_capture?: number }>(req);
    res.json(await payments.capture(principalOf(req), params.id!, body, scopeOf(req)));
  };
  const cancel: RequestHandler = async (req, res) => {
    const { params, body } = inputOf<Parameters<PaymentService['cancel']>[2]>(req);
    res.json(await payments.cancel(principalOf(req), params.id!, body, scopeOf(req)));
  };
  const createRefund: RequestHandler = async (req, res) => {
    const { params, body } = inputOf<{ amount?: number; reason?: RefundReason }>(req);
    res.status(201).json(await refunds.create(principalOf(req), params.id!, body, scopeOf(req)));
  };
  const listRefunds: RequestHandler = async (req, res) => {
    res.json(await refunds.list(principalOf(req), inputOf(req).params.id!));
  };
  return { create, retrieve, list, confirm, capture, cancel, createRefund, listRefunds };
}
