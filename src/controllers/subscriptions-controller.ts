import type { RequestHandler } from 'express';
import { listActivePrices } from '../services/subscriptions/catalog-service';
import { presentPreview } from '../services/subscriptions/subscription-presenter';
import type {
  ChangeInput,
  CreateSubscriptionInput,
} from '../services/subscriptions/subscription-service';
import type { SubscriptionsDomain } from '../services/subscriptions/subscriptions-domain';
import type { CatalogPrice } from '../models';
import { inputOf, principalOf, scopeOf } from './controller-helpers';

function presentPrice(price: CatalogPrice): Record<string, unknown> {
  return {
    id: price.lookupKey,
    object: 'price',
    stripe_price_id: price.stripePriceId,
    product: { id: price.productKey, name: price.productName },
    nickname: price.nickname,
    currency: price.currency,
    unit_amount: price.unitAmount,
    recurring: { interval: price.interval, interval_count: price.intervalCount },
    trial_period_days: price.trialPeriodDays,
  };
}

export function subscriptionsController(domain: SubscriptionsDomain) {
  const { subscriptions, entitlements } = domain;
  const caller = (req: Parameters<RequestHandler>[0], withKey = false) => ({
    ownerId: principalOf(req).ownerId,
    scope: withKey ? scopeOf(req) : undefined,
  });
  const idOf = (req: Parameters<RequestHandler>[0]) => inputOf(req).params.id!;

  const listPrices: RequestHandler = async (_req, res) => {
    const data = (await listActivePrices()).map(presentPrice);
    res.json({ object: 'list', data, has_more: false });
  };
  const create: RequestHandler = async (req, res) => {
    const { body } = inputOf<CreateSubscriptionInput>(req);
    const { row, pendingPayment } = await subscriptions.create(caller(req, true), body);
    res.status(201).json({ ...(await subscriptions.view(row)), pending_payment: pendingPayment });
  };
  const list: RequestHandler = async (req, res) => {
    const { customer } = inputOf(req).query as { customer?: string };
    const rows = await subscriptions.list(caller(req), customer);
    const data = await Promise.all(rows.map((row) => subscriptions.view(row)));
    res.json({ object: 'list', data, has_more: false });
  };
  const retrieve: RequestHandler = async (req, res) => {
    res.json(await subscriptions.view(await subscriptions.find(caller(req), idOf(req))));
  };
  const change: RequestHandler = async (req, res) => {
    const { body } = inputOf<ChangeInput>(req);
    res.json(
      await subscriptions.view(await subscriptions.change(caller(req, true), idOf(req), body)),
    );
  };
  const preview: RequestHandler = async (req, res) => {
    const query = inputOf(req).query as unknown as ChangeInput;
    const {
      row,
      change: planned,
      invoice,
    } = await subscriptions.previewChange(caller(req), idOf(req), query);
    res.json(presentPreview(row, planned, invoice));
  };
  const cancel: RequestHandler = async (req, res) => {
    const { body } = inputOf<{ at_period_end: boolean }>(req);
    const row = await subscriptions.cancel(caller(req), idOf(req), body.at_period_end);
    res.json(await subscriptions.view(row));
  };
  const resume: RequestHandler = async (req, res) => {
    res.json(await subscriptions.view(await subscriptions.resume(caller(req), idOf(req))));
  };
  const pauseCollection: RequestHandler = async (req, res) => {
    const { body } = inputOf<Parameters<typeof subscriptions.pauseCollection>[2]>(req);
    const row = await subscriptions.pauseCollection(caller(req), idOf(req), body);
    res.json(await subscriptions.view(row));
  };
  const resumeCollection: RequestHandler = async (req, res) => {
    const row = await subscriptions.resumeCollection(caller(req), idOf(req));
    res.json(await subscriptions.view(row));
  };
  const customerEntitlements: RequestHandler = async (req, res) => {
    res.json(await entitlements.forCustomer(principalOf(req).ownerId, idOf(req)));
  };
  return {
    listPrices,
    create,
    list,
    retrieve,
    change,
    preview,
    cancel,
    resume,
    pauseCollection,
    resumeCollection,
    customerEntitlements,
  };
}
