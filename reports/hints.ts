/**
 * @module reports/hints — "what to change" and risk-by-QI charts, read from what the attacks measured (no
 * guessing):
 * - the uniqueness attack's leave-one-QI-out table: how many sample uniques remain when one quasi-identifier is
 *   fully generalized (left out); the QIs whose removal lowers them most are the ones to generalize first;
 * - SUDA's tables: the QI combinations that single out the most records (minimal sample uniques), and each QI's
 *   share of the SUDA score.
 * Tables are recognized by their column names. Used by the HTML and Markdown reports; QI names are column names,
 * never record values.
 */
import type { AttackResult, Report, ReportTable } from '../src/report/model.js';
import { formatNumber } from './format.js';
import type { Messages } from './i18n.js';
import type { Bars } from './series-chart.js';

/** Most QIs named in the leave-one-out hints per attack. */
const MAX_HINTS = 3;
/** Most bars in a QI-combination chart. */
const MAX_COMBOS = 15;

/** The uniqueness attack's leave-one-QI-out table, as the chart and the hints read it. */
export interface LeaveOneOut {
  /** QI left out, and the release's sample uniques without it; in the table's order. */
  rows: Array<{ qi: string; uniques: number }>;
  /** Sample uniques with every QI. */
  all: number;
}

/** Rows of the first table whose columns start with `first` and hold `value`, as label + number. */
function tableRows(
  a: AttackResult,
  first: string,
  value: string,
): Array<{ label: string; value: number }> | null {
  const t: ReportTable | undefined = a.tables.find(
    (x) => x.columns[0] === first && x.columns.includes(value),
  );
  if (!t) return null;
  const v = t.columns.indexOf(value);
  const rows = t.rows.flatMap((r) =>
    typeof r[v] === 'number' ? [{ label: String(r[0]), value: r[v] as number }] : [],
  );
  return rows.length > 0 ? rows : null;
}

/**
 * Reads the leave-one-QI-out table of an attack, when it has one.
 * @param a - an attack result
 * @returns each QI with the sample uniques without it (table order) and the figure with all QIs, or null when
 *   the attack has no such table or no `sampleUniques` metric
 */
export function leaveOneOut(a: AttackResult): LeaveOneOut | null {
  const all = a.metrics.sampleUniques?.value;
  const rows = tableRows(a, 'QI left out', 'sampleUniques');
  if (all === undefined || !rows) return null;
  return { rows: rows.map((r) => ({ qi: r.label, uniques: r.value })), all };
}

/**
 * The bar charts an attack's tables allow: risk by QI (leave-one-out, when there are sample uniques to lower),
 * the QI combinations behind the most minimal sample uniques, and each QI's share of the SUDA score.
 * @param a - an attack result
 * @param m - the labels' language
 * @returns [chart id, bars] pairs, possibly none
 */
export function tableBars(a: AttackResult, m: Messages): Array<[string, Bars]> {
  const out: Array<[string, Bars]> = [];
  const loo = leaveOneOut(a);
  if (loo && loo.all > 0) {
    out.push([
      'risk-by-qi',
      {
        title: m.riskByQiTitle,
        subtitle: m.riskByQiSubtitle,
        axis: m.sampleUniques,
        rows: loo.rows.map((r) => ({ label: r.qi, value: r.uniques })),
        format: ',d',
        rule: { value: loo.all, label: `${m.allQis}: ${formatNumber(loo.all)}` },
      },
    ]);
  }
  const combos = tableRows(a, 'QI combination', 'MSUs');
  if (combos?.some((c) => c.value > 0)) {
    out.push([
      'risk-by-qi-combination',
      {
        title: m.combosTitle,
        subtitle: m.combosSubtitle,
        axis: m.msus,
        rows: combos.slice(0, MAX_COMBOS),
        format: ',d',
      },
    ]);
  }
  const shares = tableRows(a, 'QI', 'share of SUDA score');
  if (shares?.some((s) => s.value > 0)) {
    out.push([
      'suda-share-by-qi',
      { title: m.sharesTitle, subtitle: m.sharesSubtitle, axis: m.share, rows: shares, format: '.0%' },
    ]);
  }
  return out;
}

const percent = (x: number) => `${formatNumber(Math.round(1000 * x) / 10)}%`;

/**
 * The "what to change" lines of a report: for each attack with a leave-one-QI-out table, the QIs whose
 * generalization lowers the sample uniques most, with the figures; from SUDA, the QI with the largest share of
 * the SUDA score and the combination behind the most minimal sample uniques.
 * @param report - the report
 * @param m - the language of the lines
 * @returns plain-text lines, most effective first within each attack
 */
export function changeHints(report: Report, m: Messages): string[] {
  const out: string[] = [];
  for (const a of report.attacks) {
    if (a.status !== 'ok') continue;
    const t = leaveOneOut(a);
    if (t && t.all > 0) {
      const better = [...t.rows]
        .filter((r) => r.uniques < t.all)
        .sort((x, y) => x.uniques - y.uniques || x.qi.localeCompare(y.qi))
        .slice(0, MAX_HINTS);
      if (better.length === 0) out.push(m.leaveOneOutNone);
      better.forEach((r, i) => {
        const pct = `−${percent((t.all - r.uniques) / t.all)}`;
        out.push(m.leaveOneOutHint(r.qi, formatNumber(t.all), formatNumber(r.uniques), pct, i === 0));
      });
    }
    const shares = tableRows(a, 'QI', 'share of SUDA score');
    const top = shares ? [...shares].sort((x, y) => y.value - x.value)[0] : undefined;
    if (top && top.value > 0) out.push(m.sudaShareHint(top.label, percent(top.value)));
    const combo = tableRows(a, 'QI combination', 'MSUs')?.[0];
    if (combo && combo.value > 0) out.push(m.sudaComboHint(combo.label, formatNumber(combo.value)));
  }
  return out;
}
