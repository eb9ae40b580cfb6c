/**
 * @module reports/hints — "what to change", read from what the attacks measured (no guessing): today the
 * uniqueness attack's leave-one-QI-out table, which says how many sample uniques remain when one quasi-identifier
 * is fully generalized (left out). The QIs whose removal lowers the sample uniques most are the ones to generalize
 * first. Used by the HTML and Markdown reports.
 */
import type { AttackResult, Report } from '../src/report/model.js';
import { formatNumber } from './format.js';
import type { Messages } from './i18n.js';
import type { LeaveOneOut } from './series-chart.js';

/** The first column of the uniqueness attack's leave-one-QI-out table. */
const LEFT_OUT_COLUMN = 'QI left out';
/** Most QIs named in the hints per attack. */
const MAX_HINTS = 3;

/**
 * Reads the leave-one-QI-out table of an attack, when it has one.
 * @param a - an attack result
 * @returns each QI with the sample uniques without it (table order) and the figure with all QIs, or null when
 *   the attack has no such table or no `sampleUniques` metric
 */
export function leaveOneOut(a: AttackResult): LeaveOneOut | null {
  const all = a.metrics.sampleUniques?.value;
  if (all === undefined) return null;
  for (const t of a.tables) {
    const u = t.columns.indexOf('sampleUniques');
    if (t.columns[0] !== LEFT_OUT_COLUMN || u < 0) continue;
    const rows = t.rows.flatMap((r) =>
      typeof r[u] === 'number' ? [{ qi: String(r[0]), uniques: r[u] as number }] : [],
    );
    if (rows.length > 0) return { rows, all };
  }
  return null;
}

/**
 * The "what to change" lines of a report: for each attack with a leave-one-QI-out table, the QIs whose
 * generalization lowers the sample uniques most, with the figures.
 * @param report - the report
 * @param m - the language of the lines
 * @returns plain-text lines (QI names are column names, never record values), most effective first
 */
export function changeHints(report: Report, m: Messages): string[] {
  const out: string[] = [];
  for (const a of report.attacks) {
    if (a.status !== 'ok') continue;
    const t = leaveOneOut(a);
    if (!t || t.all === 0) continue;
    const better = [...t.rows]
      .filter((r) => r.uniques < t.all)
      .sort((x, y) => x.uniques - y.uniques || x.qi.localeCompare(y.qi))
      .slice(0, MAX_HINTS);
    if (better.length === 0) out.push(m.leaveOneOutNone);
    for (const r of better) {
      const pct = `−${formatNumber(Math.round((1000 * (t.all - r.uniques)) / t.all) / 10)}%`;
      out.push(m.leaveOneOutHint(r.qi, formatNumber(t.all), formatNumber(r.uniques), pct));
    }
  }
  return out;
}
