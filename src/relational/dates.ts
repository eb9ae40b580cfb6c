/**
 * @module relational/dates — event dates as integer indices at a precision (day, month, year).
 *
 * Accepted spellings: `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYYMMDD` (a day), `YYYY-MM`, `YYYY/MM`, `YYYYMM`
 * (a month), `YYYY` (a year). An ISO 8601 timestamp (`2019-07-08T23:38:03Z`, as Synthea writes) is read as the
 * day written before its `T` (the time and zone are ignored: day precision at most). Indices: day = days since 1970-01-01 (UTC), month = year·12 + month − 1,
 * year = the year. A date written at a finer precision than its table's is "padded" when it is the
 * first day of its period (`2021-03-01` for March 2021), the usual spelling of a coarsened date.
 */
import type { DatePrecision } from './person-view.js';

const DAY_MS = 86_400_000;
const RANK: Readonly<Record<DatePrecision, number>> = { day: 0, month: 1, year: 2 };

/** A parsed date: its own precision and its first and last day (day indices). */
export interface ParsedDate {
  precision: DatePrecision;
  first: number;
  last: number;
  /** True when the written date is the first day of its month (day precision) or of its year. */
  monthStart: boolean;
  yearStart: boolean;
}

function dayIndex(y: number, m0: number, d: number): number {
  return Math.round(Date.UTC(y, m0, d) / DAY_MS);
}

/**
 * Parses one date string.
 * @returns the date, or null when it is not a valid date in an accepted spelling
 */
export function parseEventDate(text: string): ParsedDate | null {
  const s = text.trim();
  let m =
    s.match(/^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/) ??
    s.match(/^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/) ??
    s.match(/^(\d{4})(\d{2})(\d{2})$/);
  if (m) {
    const [y, mo, d] = [+m[1], +m[2], +m[3]];
    const date = new Date(Date.UTC(y, mo - 1, d));
    if (mo < 1 || mo > 12 || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
    const i = dayIndex(y, mo - 1, d);
    return { precision: 'day', first: i, last: i, monthStart: d === 1, yearStart: d === 1 && mo === 1 };
  }
  m = s.match(/^(\d{4})[-/](\d{1,2})$/) ?? s.match(/^(\d{4})(\d{2})$/);
  if (m) {
    const [y, mo] = [+m[1], +m[2]];
    if (mo < 1 || mo > 12) return null;
    return {
      precision: 'month',
      first: dayIndex(y, mo - 1, 1),
      last: dayIndex(y, mo, 1) - 1,
      monthStart: true,
      yearStart: mo === 1,
    };
  }
  m = s.match(/^(\d{4})$/);
  if (m) {
    const y = +m[1];
    return {
      precision: 'year',
      first: dayIndex(y, 0, 1),
      last: dayIndex(y + 1, 0, 1) - 1,
      monthStart: true,
      yearStart: true,
    };
  }
  return null;
}

/** Day index → index at `precision`. */
export function coarsen(day: number, precision: DatePrecision): number {
  if (precision === 'day') return day;
  const d = new Date(day * DAY_MS);
  return precision === 'year' ? d.getUTCFullYear() : d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/** An index at `precision` → its spelling (for messages). */
export function formatIndex(i: number, precision: DatePrecision): string {
  if (precision === 'year') return String(i);
  if (precision === 'month') return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
  return new Date(i * DAY_MS).toISOString().slice(0, 10);
}

/** True when `a` is strictly finer than `b` (day < month < year). */
export function finer(a: DatePrecision, b: DatePrecision): boolean {
  return RANK[a] < RANK[b];
}

/**
 * Whether a date as written agrees with a declared precision: written at that precision, or finer
 * but padded to the first day of the declared period.
 */
export function agreesWith(d: ParsedDate, declared: DatePrecision): boolean {
  if (d.precision === declared) return true;
  if (!finer(d.precision, declared)) return false;
  return declared === 'month' ? d.monthStart : d.yearStart;
}
