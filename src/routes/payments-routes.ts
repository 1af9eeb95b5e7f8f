import type { RequestHandler } from 'express';
import { listAuditEvents } from '../controllers/audit-controller';
import { customersController } from '../controllers/customers-controller';
import { paymentsController } from '../controllers/payments-controller';
import { authenticate, requireScope } from '../middleware/authenticate';
import { idempotent } from '../middleware/idempotency';
import { validate, type RequestSchemas } from '../middleware/validate';
import type { Scope } from '../services/api-key-service';
import type { PaymentsDomain } from '../services/payments-domain';
import * as s from '../validation/payments-schemas';
import type { HttpMethod, RouteSpec } from './route-table';

type Handlers = ReturnType<typeof handlersOf>;

interface Row {
  method: HttpMethod;
  path: string;
  scope: Scope;
  input: RequestSchemas;
  handler: keyof Handlers;
  /** A creating POST: Idempotency-Key required. */
  creating?: true;
}

const CUSTOMER = { params: s.customerIdParams };
const PAYMENT = { params: s.paymentIdParams };
const METHOD = { params: s.paymentMethodParams };

/** The storefront API, one row per route. */
const ROWS: Row[] = [
  {
    method: 'post',
    path: '/v1/customers',
    scope: 'customers:write',
    input: { body: s.createCustomerBody },
    handler: 'createCustomer',
    creating: true,
  },
  {
    method: 'get',
    path: '/v1/customers',
    scope: 'customers:read',
    input: { query: s.listQuery },
    handler: 'listCustomers',
  },
  {
    method: 'get',
    path: '/v1/customers/{id}',
    scope: 'customers:read',
    input: CUSTOMER,
    handler: 'retrieveCustomer',
  },
  {
    method: 'patch',
    path: '/v1/customers/{id}',
    scope: 'customers:write',
    input: { ...CUSTOMER, body: s.updateCustomerBody },
    handler: 'updateCustomer',
  },
  {
    method: 'post',
    path: '/v1/customers/{id}/payment-methods',
    scope: 'customers:write',
    input: { ...CUSTOMER, body: s.attachPaymentMethodBody },
    handler: 'attachMethod',
    creating: true,
  },
  {
    method: 'get',
    path: '/v1/customers/{id}/payment-methods',
    scope: 'customers:read',
    input: CUSTOMER,
    handler: 'listMethods',
  },
  {
    method: 'delete',
    path: '/v1/customers/{id}/payment-methods/{pm}',
    scope: 'customers:write',
    input: METHOD,
    handler: 'detachMethod',
  },
  {
    method: 'post',
    path: '/v1/customers/{id}/payment-methods/{pm}/default',
    scope: 'customers:write',
    input: METHOD,
    handler: 'setDefaultMethod',
  },
  {
    method: 'post',
    path: '/v1/payments',
    scope: 'payments:write',
    input: { body: s.createPaymentBody },
    handler: 'createPayment',
    creating: true,
  },
  {
    method: 'get',
    path: '/v1/payments',
    scope: 'payments:read',
    input: { query: s.listPaymentsQuery },
    handler: 'listPayments',
  },
  {
    method: 'get',
    path: '/v1/payments/{id}',
    scope: 'payments:read',
    input: PAYMENT,
    handler: 'retrievePayment',
  },
  ...(['confirm', 'capture', 'cancel'] as const).map((action): Row => ({
    method: 'post',
    path: `/v1/payments/{id}/${action}`,
    scope: 'payments:write',
    input: { ...PAYMENT, body: s[`${action}PaymentBody`] },
    handler: `${action}Payment`,
    creating: true,
  })),
  {
    method: 'post',
    path: '/v1/payments/{id}/refunds',
    scope: 'payments:write',
    input: { ...PAYMENT, body: s.createRefundBody },
    handler: 'createRefund',
    creating: true,
  },
  {
    method: 'get',
    path: '/v1/payments/{id}/refunds',
    scope: 'payments:read',
    input: PAYMENT,
    handler: 'listRefunds',
  },
  {
    method: 'get',
    path: '/v1/audit',
    scope: 'admin',
    input: { query: s.listAuditQuery },
    handler: 'listAudit',
  },
];

function handlersOf(domain: PaymentsDomain) {
  const c = customersController(domain.customers, domain.paymentMethods);
  const p = paymentsController(domain.payments, domain.refunds);
  return {
    createCustomer: c.create,
    listCustomers: c.list,
    retrieveCustomer: c.retrieve,
    updateCustomer: c.update,
    attachMethod: c.attachMethod,
    listMethods: c.listMethods,
    detachMethod: c.detachMethod,
    setDefaultMethod: c.setDefaultMethod,
    createPayment: p.create,
    listPayments: p.list,
    retrievePayment: p.retrieve,
    confirmPayment: p.confirm,
    capturePayment: p.capture,
    cancelPayment: p.cancel,
    createRefund: p.createRefund,
    listRefunds: p.listRefunds,
    listAudit: listAuditEvents,
  } satisfies Record<string, RequestHandler>;
}

/**
 * The storefront API: customers and their payment methods, payments, refunds, and the audit
 * trail for ops. Each route: API key → scope → joi validation → (creating POST) idempotency
 * → a thin controller.
 */
export function paymentsApiRoutes(domain: PaymentsDomain): RouteSpec[] {
  const auth = authenticate(domain.apiKeys);
  const once = idempotent(domain.idempotency);
  const handlers = handlersOf(domain);
  return ROWS.map((row) => ({
    method: row.method,
    path: row.path,
    handlers: [
      auth,
      requireScope(row.scope),
      validate(row.input),
      ...(row.creating ? [once] : []),
      handlers[row.handler],
    ],
  }));
}
