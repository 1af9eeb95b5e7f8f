import { Op, type WhereOptions } from 'sequelize';
import { badRequest } from '../errors/app-error';

/** A page of a list answer, Stripe-like, with an opaque cursor to the next page. */
export interface Page<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

interface CursorPosition {
  createdAt: Date;
  id: string;
}

/** Opaque cursor: the (created_at, id) of the last item of the page, newest first. */
export function encodeCursor(row: CursorPosition): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): CursorPosition {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(iso ?? '');
  if (!id || Number.isNaN(createdAt.getTime())) {
    throw badRequest('parameter_invalid', 'The cursor is not valid.', [
      { field: 'cursor', message: 'not a cursor returned by this API' },
    ]);
  }
  return { createdAt, id };
}

/** Rows strictly after the cursor in (created_at DESC, id DESC) order. */
export function afterCursor(cursor: string | undefined): WhereOptions {
  if (!cursor) return {};
  const { createdAt, id } = decodeCursor(cursor);
  return {
    [Op.or]: [{ createdAt: { [Op.lt]: createdAt } }, { createdAt, id: { [Op.lt]: id } }],
  };
}

export const NEWEST_FIRST: [string, string][] = [
  ['createdAt', 'DESC'],
  ['id', 'DESC'],
];

/** Builds the page from `limit + 1` fetched rows. */
export function toPage<R extends CursorPosition, T>(
  rows: R[],
  limit: number,
  present: (row: R) => T,
): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  const hasMore = rows.length > limit;
  return {
    object: 'list',
    data: items.map(present),
    has_more: hasMore,
    next_cursor: hasMore && last ? encodeCursor(last) : null,
  };
}
