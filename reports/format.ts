/**
 * @module reports/format — number formatting for human-facing reports (Markdown, HTML) and small lookups shared by
 * the writers.
 *
 * Counts print as integers with thousands separators ("12,345"); other numbers (rates, scores) print with at most
 * 4 significant digits ("0.01234"). JSON and JUnit keep full precision and do not use these helpers.
 */
import type { Check, Metric, Report } from '../src/report/model.js';

const INTEGER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const RATE = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4 });
const SECONDS = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });

/** Placeholder for a missing number (an exact metric's interval, an unchecked threshold). */
export const DASH = '—';

/**
 * Formats a number for a human reader.
 * @param x - the number (null/undefined prints as a dash)
 * @returns an integer with thousands separators, or a non-integer to 4 significant digits; "—" when absent,
 *   "NaN" / "∞" / "-∞" when not finite
 */
export function formatNumber(x: number | null | undefined): string {
  if (x === null || x === undefined) return DASH;
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  return Number.isInteger(x) ? INTEGER.format(x) : RATE.format(x);
}

/**
 * Formats a 95% interval.
 * @param ci - [lower, upper], or null for an exact metric
 * @returns "[lower, upper]" with each end formatted by {@link formatNumber}, or "—"
 */
export function formatInterval(ci: readonly [number, number] | null | undefined): string {
  return ci ? `[${formatNumber(ci[0])}, ${formatNumber(ci[1])}]` : DASH;
}

/**
 * Formats a policy threshold with its comparison, e.g. "≤ 0.2" or "≥ 5".
 * @param op - the comparison, or null
 * @param threshold - the threshold, or null when nothing is compared
 * @returns the threshold text, "required" for a check without a threshold, or "—"
 */
export function formatThreshold(op: '<=' | '>=' | null | undefined, threshold: number | null): string {
  if (threshold === null) return op ? DASH : 'required';
  return `${op === '>=' ? '≥' : op === '<=' ? '≤' : ''}${op ? ' ' : ''}${formatNumber(threshold)}`;
}

/**
 * Formats a duration in seconds for a reader ("0.123 s").
 * @param s - seconds
 * @returns seconds to 3 significant digits with a unit
 */
export function formatSeconds(s: number): string {
  return `${SECONDS.format(s)} s`;
}

/**
 * Finds the metric a check evaluated, to show its interval beside the check.
 * @param report - the report
 * @param check - one of its checks
 * @returns the metric, or undefined for a required-attack check or a metric the attack did not report
 */
export function metricOfCheck(report: Report, check: Check): Metric | undefined {
  if (check.metric === null) return undefined;
  const attack = report.attacks.find((a) => a.id === check.attack);
  return attack && Object.hasOwn(attack.metrics, check.metric) ? attack.metrics[check.metric] : undefined;
}

/**
 * Upper-case marker of a verdict or check result, the same in every human-facing format.
 * @param v - a verdict, or a check's passed flag
 * @returns "PASS", "FAIL", "ERROR", "NONE" or "SKIPPED"
 */
export function marker(v: 'pass' | 'fail' | 'error' | 'none' | 'skipped' | boolean): string {
  if (typeof v === 'boolean') return v ? 'PASS' : 'FAIL';
  return v.toUpperCase();
}

/**
 * Shortens a sha256 hex digest for a table cell.
 * @param sha - the digest
 * @param n - hex characters kept (default 12)
 * @returns the first n characters
 */
export function shortSha(sha: string, n = 12): string {
  return sha.length > n ? sha.slice(0, n) : sha;
}
