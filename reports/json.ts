/**
 * @module reports/json — `report.json`: the report object as pretty JSON (2-space indent), full precision.
 */
import type { Report } from '../src/report/model.js';

/**
 * Serializes the report for `OUT/report.json`.
 * @param report - a validated report
 * @returns pretty-printed JSON with a trailing newline; numbers keep full (round-trip) precision
 */
export function toJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
