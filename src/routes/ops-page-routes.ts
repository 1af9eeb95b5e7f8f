import fs from 'node:fs';
import path from 'node:path';
import type { RequestHandler } from 'express';
import type { AppDeps } from '../app';
import { authenticate, requireScope } from '../middleware/authenticate';
import type { FraudServices } from '../services/fraud/fraud-services';
import type { PaymentsDomain } from '../services/payments-domain';
import { assertTimeZone } from '../services/reports/daily-report-service';
import { opsOverview } from '../services/reports/ops-overview';
import type { RouteSpec } from './route-table';

// The page's files sit in src/ops-page, found the same way from src/ and from dist/.
const PAGE_DIR = path.resolve(__dirname, '../../src/ops-page');

function staticFile(name: string, type: string): RequestHandler {
  const body = fs.readFileSync(path.join(PAGE_DIR, name), 'utf8');
  return (_req, res) => {
    res.type(type).set('Cache-Control', 'no-cache').send(body);
  };
}

/**
 * The ops page: /ops is a static shell (no data, no key needed); its script asks for an ops
 * key and reads GET /v1/ops/overview (scope reports:read) with it.
 */
export function opsPageRoutes(
  deps: AppDeps,
  payments: PaymentsDomain,
  fraud: FraudServices,
): RouteSpec[] {
  const overview: RequestHandler = async (req, res) => {
    const timeZone = assertTimeZone(req.query.tz ?? deps.config.ops.reportTimeZone);
    const principal = req.principal!;
    const ownerId = principal.scopes.includes('admin') ? null : principal.ownerId;
    res.json(await opsOverview(deps.sequelize, fraud.reviews, { timeZone, ownerId }));
  };
  return [
    { method: 'get', path: '/ops', handlers: [staticFile('ops.html', 'html')] },
    { method: 'get', path: '/ops/app.js', handlers: [staticFile('app.js', 'js')] },
    { method: 'get', path: '/ops/app.css', handlers: [staticFile('app.css', 'css')] },
    {
      method: 'get',
      path: '/v1/ops/overview',
      handlers: [authenticate(payments.apiKeys), requireScope('reports:read'), overview],
    },
  ];
}
