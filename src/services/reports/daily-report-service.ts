import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { badRequest } from '../../errors/app-error';
import { isTimeZone } from '../../config/ops-config';
import { queryDailyFigures, type CurrencyFigures, type DayFigures } from './daily-report-query';

/** A stored daily report: one day in one time zone, per currency, never summed across them. */
export interface DailyReport extends DayFigures {
  object: 'daily_report';
  date: string;
  time_zone: string;
  computed_at: string;
  /** True when computed after the day ended in its zone (later events may still recompute it). */
  complete: boolean;
  currencies: CurrencyFigures[];
}

export const MAX_RANGE_DAYS = 92;

type Row = Record<string, unknown>;

/** A calendar date `YYYY-MM-DD` that exists (no 2026-02-30). */
export function assertDate(value: unknown, field: string): string {
  const text = typeof value === 'string' ? value : '';
  const parsed = new Date(`${text}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(parsed.getTime())) {
    throw badRequest('invalid_date', `${field} must be a date as YYYY-MM-DD.`, [
      { field, message: 'expected YYYY-MM-DD' },
    ]);
  }
  if (parsed.toISOString().slice(0, 10) !== text) {
    throw badRequest('invalid_date', `${field} is not a calendar date.`, [
      { field, message: 'no such day' },
    ]);
  }
  return text;
}

export function assertTimeZone(value: unknown): string {
  if (typeof value !== 'string' || !isTimeZone(value)) {
    throw badRequest('invalid_time_zone', 'tz must be an IANA time zone such as Europe/Paris.', [
      { field: 'tz', message: 'unknown time zone' },
    ]);
  }
  return value;
}

/** The dates from `from` to `to` inclusive; refuses reversed or over-long ranges. */
export function datesBetween(from: string, to: string): string[] {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  const days = Math.round((end - start) / 86_400_000) + 1;
  if (days < 1 || days > MAX_RANGE_DAYS) {
    throw badRequest(
      'invalid_range',
      `from must not be after to, and a range is at most ${MAX_RANGE_DAYS} days.`,
      [{ field: 'to', message: `1 to ${MAX_RANGE_DAYS} days from "from"` }],
    );
  }
  return Array.from({ length: days }, (_, i) =>
    new Date(start + i * 86_400_000).toISOString().slice(0, 10),
  );
}

interface DayKey {
  date: string;
  timeZone: string;
}

async function lockDay(sequelize: Sequelize, key: DayKey, transaction: Transaction): Promise<void> {
  await sequelize.query(
    `SELECT pg_advisory_xact_lock(hashtext('daily_report:' || ? || ':' || ?))`,
    {
      replacements: [key.date, key.timeZone],
      transaction,
    },
  );
}

/**
 * Computes the day with SQL aggregates and stores it, overwriting an earlier computation of the
 * same day and zone (currencies that vanished are removed). Concurrent computations of one day
 * are serialised by an advisory lock, so the stored rows are always one whole computation.
 */
export async function computeDailyReport(
  sequelize: Sequelize,
  key: DayKey,
  outer?: Transaction,
): Promise<DailyReport> {
  const run = async (transaction: Transaction): Promise<DailyReport> => {
    await lockDay(sequelize, key, transaction);
    const scope = { sequelize, transaction, date: key.date, timeZone: key.timeZone };
    const { currencies, day } = await queryDailyFigures(scope);
    const replacements = { date: key.date, tz: key.timeZone };
    await sequelize.query(
      `DELETE FROM daily_reports WHERE report_date = :date AND time_zone = :tz
         AND NOT (currency = ANY (ARRAY[:currencies]::text[]))`,
      {
        replacements: { ...replacements, currencies: currencies.map((c) => c.currency).concat('') },
        transaction,
      },
    );
    for (const figures of currencies) {
      await sequelize.query(
        `INSERT INTO daily_reports (report_date, time_zone, currency, figures, computed_at)
         VALUES (:date, :tz, :currency, :figures, now())
         ON CONFLICT (report_date, time_zone, currency)
         DO UPDATE SET figures = EXCLUDED.figures, computed_at = EXCLUDED.computed_at`,
        {
          replacements: {
            ...replacements,
            currency: figures.currency,
            figures: JSON.stringify(figures),
          },
          transaction,
        },
      );
    }
    await sequelize.query(
      `INSERT INTO daily_report_days (report_date, time_zone, figures, computed_at)
       VALUES (:date, :tz, :figures, now())
       ON CONFLICT (report_date, time_zone)
       DO UPDATE SET figures = EXCLUDED.figures, computed_at = EXCLUDED.computed_at`,
      { replacements: { ...replacements, figures: JSON.stringify(day) }, transaction },
    );
    const stored = await readStoredReport(sequelize, key, transaction);
    return stored!;
  };
  return outer ? run(outer) : sequelize.transaction(run);
}

/** The stored report of a day, or undefined when it was never computed. */
export async function readStoredReport(
  sequelize: Sequelize,
  key: DayKey,
  transaction?: Transaction,
): Promise<DailyReport | undefined> {
  const [day] = await sequelize.query<Row>(
    `SELECT figures, computed_at,
       computed_at >= ((CAST(:date AS date) + 1)::timestamp AT TIME ZONE :tz) AS complete
     FROM daily_report_days WHERE report_date = :date AND time_zone = :tz`,
    { type: QueryTypes.SELECT, replacements: { date: key.date, tz: key.timeZone }, transaction },
  );
  if (!day) return undefined;
  const rows = await sequelize.query<Row>(
    `SELECT figures FROM daily_reports WHERE report_date = :date AND time_zone = :tz
     ORDER BY currency`,
    { type: QueryTypes.SELECT, replacements: { date: key.date, tz: key.timeZone }, transaction },
  );
  return {
    object: 'daily_report',
    date: key.date,
    time_zone: key.timeZone,
    computed_at: new Date(day.computed_at as string).toISOString(),
    complete: day.complete === true,
    currencies: rows.map((r) => r.figures as CurrencyFigures),
    ...(day.figures as DayFigures),
  };
}

/**
 * The stored report of a finished day. A day never computed, or stored before it ended (today,
 * or a day computed early), is computed now and stored, so a read never serves stale figures
 * for a day still trading.
 */
export async function getDailyReport(sequelize: Sequelize, key: DayKey): Promise<DailyReport> {
  const stored = await readStoredReport(sequelize, key);
  return stored?.complete ? stored : computeDailyReport(sequelize, key);
}

export async function getDailyReports(
  sequelize: Sequelize,
  range: { from: string; to: string; timeZone: string },
): Promise<DailyReport[]> {
  const reports: DailyReport[] = [];
  for (const date of datesBetween(range.from, range.to)) {
    reports.push(await getDailyReport(sequelize, { date, timeZone: range.timeZone }));
  }
  return reports;
}
