import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { runWithContext } from '../utils/request-context';

/** A caller's id is kept only when it is short and plain, so it cannot forge log content. */
const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives every request an id (the caller's X-Request-Id when sane, else a new one), returns it
 * in the response and runs the rest of the request inside its log context.
 */
export const requestId: RequestHandler = (req, res, next) => {
  const given = req.get('x-request-id');
  const id = given && SANE_ID.test(given) ? given : `req_${randomUUID().replace(/-/g, '')}`;
  req.id = id;
  res.setHeader('X-Request-Id', id);
  runWithContext({ requestId: id }, next);
};
