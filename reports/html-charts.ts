/**
 * @module reports/html-charts — the chart figures of one attack in the HTML report: its histograms (class sizes,
 * per-record risk), its series (any curve: ROC, precision–coverage, uniqueness by m) and, when the attack has a
 * leave-one-QI-out table or SUDA's tables, risk by quasi-identifier and by QI combination. Each is an inline SVG
 * in a `<figure class="chart">`; a chart that cannot be drawn degrades to a note (the numbers stay in the tables
 * and in report.json).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { AttackResult, Histogram, ReportSeries } from '../src/report/model.js';
import { histogramSpec, specSvg } from './charts.js';
import { formatNumber } from './format.js';
import { tableBars } from './hints.js';
import type { Messages } from './i18n.js';
import { barsSpec, seriesSpec } from './series-chart.js';

/**
 * Escapes text for HTML element content and quoted attribute values.
 * @param s - any string
 * @returns the string with `& < > " '` replaced by character references
 */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const esc = escapeHtml;

/**
 * An HTML table with escaped head cells and pre-rendered body rows.
 * @param head - header texts (escaped here)
 * @param rows - `<tr>…</tr>` strings, already escaped
 */
export function tableHtml(head: readonly string[], rows: readonly string[]): string {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

/** A table cell; `text` must already be escaped. */
export function td(text: string, cls?: string): string {
  return cls ? `<td class="${cls}">${text}</td>` : `<td>${text}</td>`;
}

async function figure(kind: string, spec: TopLevelSpec, caption: string, extra: string, m: Messages) {
  let svg: string;
  try {
    svg = await specSvg(spec);
  } catch (e) {
    svg = `<p class="alert">${esc(m.chartFailed((e as Error).message))}</p>`;
  }
  const cap = caption ? `<figcaption>${esc(caption)}</figcaption>` : '';
  return `<figure class="chart" data-chart="${esc(kind)}">${svg}${cap}${extra}</figure>`;
}

function histogramFigure(h: Histogram, m: Messages): Promise<string> {
  const rows = h.bins.map(
    (b, i) =>
      `<tr>${td(esc(b))}${td(formatNumber(h.classes[i] ?? 0), 'num')}${td(formatNumber(h.records[i] ?? 0), 'num')}</tr>`,
  );
  const table = `<details><summary>${esc(m.table)}</summary>${tableHtml([h.label, m.classes, m.records], rows)}</details>`;
  return figure('histogram', histogramSpec(h, m), m.histogramCaption(h.label), table, m);
}

function seriesFigure(s: ReportSeries, m: Messages): Promise<string> {
  const { spec, dropped } = seriesSpec(s);
  const caption = [s.note ?? '', dropped > 0 ? m.logAxisDropped(dropped) : ''].filter(Boolean).join(' ');
  return figure(`series-${s.id}`, spec, caption, '', m);
}

/**
 * Renders every chart of an attack.
 * @param a - the attack result
 * @param m - the labels' language
 * @returns the `<figure>` elements, histograms first, then the bars read from tables, then the series; empty when
 *   there is nothing to draw
 */
export async function attackCharts(a: AttackResult, m: Messages): Promise<string[]> {
  const jobs: Promise<string>[] = a.histograms.map((h) => histogramFigure(h, m));
  for (const [id, bars] of tableBars(a, m)) jobs.push(figure(id, barsSpec(bars), '', '', m));
  for (const s of a.series) jobs.push(seriesFigure(s, m));
  return Promise.all(jobs);
}
