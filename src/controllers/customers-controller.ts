import type { RequestHandler } from 'express';
import type { CustomerInput, CustomerService } from '../services/customer-service';
import type { PaymentMethodService } from '../services/payment-method-service';
import { inputOf, principalOf, scopeOf } from './controller-helpers';

export function customersController(customers: CustomerService, methods: PaymentMethodService) {
  const create: RequestHandler = async (req, res) => {
    const { body } = inputOf<CustomerInput>(req);
    res.status(201).json(await customers.create(principalOf(req), body, scopeOf(req)));
  };
  const retrieve: RequestHandler = async (req, res) => {
    res.json(await customers.retrieve(principalOf(req), inputOf(req).params.id!));
  };
  const update: RequestHandler = async (req, res) => {
    const { params, body } = inputOf<CustomerInput>(req);
    res.json(await customers.update(principalOf(req), params.id!, body));
  };
  const list: RequestHandler = async (req, res) => {
    const query = inputOf(req).query as { limit: number; cursor?: string };
    res.json(await customers.list(principalOf(req), query));
  };
  const attachMethod: RequestHandler = async (req, res) => {
    const { params, body } = inputOf<{ payment_method: string; set_default?: boolean }>(req);
    res.status(201).json(await methods.attach(principalOf(req), params.id!, body, scopeOf(req)));
  };
  const listMethods: RequestHandler = async (req, res) => {
    const data = await methods.list(principalOf(req), inputOf(req).params.id!);
    res.json({ object: 'list', data, has_more: false, next_cursor: null });
  };
  const detachMethod: RequestHandler = async (req, res) => {
    const { params } = inputOf(req);
    res.json(await methods.detach(principalOf(req), params.id!, params.pm!));
  };
  const setDefaultMethod: RequestHandler = async (req, res) => {
    const { params } = inputOf(req);
    res.json(await methods.setDefault(principalOf(req), params.id!, params.pm!));
  };
  return {
    create,
    retrieve,
    update,
    list,
    attachMethod,
    listMethods,
    detachMethod,
    setDefaultMethod,
  };
}
