import type { RequestHandler } from 'express';
import { listAudit } from '../services/audit-service';
import { inputOf } from './controller-helpers';

export const listAuditEvents: RequestHandler = async (req, res) => {
  const query = inputOf(req).query as Parameters<typeof listAudit>[0];
  res.json(await listAudit(query));
};
