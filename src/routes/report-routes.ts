import type { RequestHandler } from 'express';
import Joi from 'joi';
import type { AppDeps } from '../app';
import { badRequest } from '../errors/app-error';
import { authenticate, requireScope } from '../middleware/authenticate';
import type { ApiKeyService } from '../services/api-key-service';
import {
  assertDate,
  assertTimeZone,
  getDailyReport,
  getDailyReports,
} from '../services/reports/daily-report-service';
import type { RouteSpec } from './route-table';

const querySchema = Joi.object({
  date: Joi.string(),
  from: Joi.string(),
  to: Joi.string(),
  tz: Joi.string(),
})
  .xor('date', 'from')
  .and('from', 'to')
  .messages({
    'object.xor': 'Give either date, or from and to.',
    'object.missing': 'Give either date, or from and to.',
  });

/** GET /v1/reports/daily: one day (`date`) or a range (`from`, `to`), in `tz` or the default. */
export function reportRoutes(deps: AppDeps, apiKeys: ApiKeyService): RouteSpec[] {
  const daily: RequestHandler = async (req, res) => {
    const { error, value } = querySchema.validate(req.query, { abortEarly: true });
    if (error) {
      const field = String(error.details[0]?.path[0] ?? 'date');
      throw badRequest('invalid_query', error.message, [{ field, message: error.message }]);
    }
    const q = value as Record<string, string | undefined>;
    const timeZone = assertTimeZone(q.tz ?? deps.config.ops.reportTimeZone);
    if (q.date) {
      const date = assertDate(q.date, 'date');
      res.json(await getDailyReport(deps.sequelize, { date, timeZone }));
      return;
    }
    const from = assertDate(q.from, 'from');
    const to = assertDate(q.to, 'to');
    const data = await getDailyReports(deps.sequelize, { from, to, timeZone });
    res.json({ object: 'list', time_zone: timeZone, data });
  };
  return [
    {
      method: 'get',
      path: '/v1/reports/daily',
      handlers: [authenticate(apiKeys), requireScope('reports:read'), daily],
    },
  ];
}
