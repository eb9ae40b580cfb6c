/**
 * @module reports/markdown — `report.md`, sized for a pull-request comment: the verdict, the one-line summary, the
 * policy checks, one short section per attack (metrics with their plain explanation, warnings, method, references,
 * class-size histogram as a compact table) and the inputs with their sha256.
 *
 * Every string taken from the report is escaped so that it renders as text (no HTML, no broken tables).
 */
import type { AttackResult, Histogram, Report, ReportTable } from '../src/report/model.js';
import {
  DASH,
  formatInterval,
  formatNumber,
  formatSeconds,
  formatThreshold,
  metricOfCheck,
  shortSha,
} from './format.js';
import { changeHints } from './hints.js';
import type { WriterOptions } from './html.js';
import { type MarkerKind, type Messages, messages } from './i18n.js';

/**
 * Escapes report text for Markdown prose: HTML-significant characters become entities and line breaks spaces.
 * @param s - any string from the report
 * @returns one line of inert Markdown text
 */
export function mdText(s: string): string {
  return s
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** Escapes report text for a table cell (also the pipe that would end the cell). */
function cell(s: string): string {
  return mdText(s).replace(/\|/g, '\\|');
}

/** Inline code span, safe for any backticks in `s`. */
export function code(s: string): string {
  const t = s.replace(/[\r\n]+/g, ' ').replace(/\|/g, '\\|');
  return t.includes('`') ? `\`\` ${t} \`\`` : `\`${t}\``;
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** A Markdown table (header, alignment row, rows). */
export function table(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  align?: readonly string[],
): string[] {
  return [row(head), row(align ?? head.map(() => '---')), ...rows.map(row)];
}

function mark(m: Messages, v: MarkerKind | boolean): string {
  return m.markers[typeof v === 'boolean' ? (v ? 'pass' : 'fail') : v];
}

function histogramTable(h: Histogram, m: Messages): string[] {
  const n = h.bins.length;
  const pick = (xs: readonly number[]) => Array.from({ length: n }, (_, i) => formatNumber(xs[i] ?? 0));
  return [
    `*${mdText(m.histogramMd(h.label))}*`,
    '',
    ...table(
      [cell(h.label), ...h.bins.map(cell)],
      [
        [m.classes, ...pick(h.classes)],
        [m.records, ...pick(h.records)],
      ],
      [':--', ...h.bins.map(() => '--:')],
    ),
  ];
}

function attackSection(a: AttackResult, m: Messages): string[] {
  const out = [
    '',
    `### ${code(a.id)} ${mdText(a.title)}: **${mark(m, a.status === 'ok' ? a.verdict : a.status)}**`,
    '',
  ];
  const explain = m.explain[a.id] ?? a.summary;
  if (explain) out.push(mdText(explain), '');
  out.push(
    `${m.statusLine(a.status, a.verdict, formatSeconds(a.seconds))}.` +
      (a.reason ? ` ${a.status === 'ok' ? m.note : m.reason}: ${mdText(a.reason)}` : ''),
  );
  const metrics = Object.entries(a.metrics);
  if (metrics.length > 0) {
    out.push(
      '',
      ...table(
        [m.metric, m.value, m.ci95, m.meaning],
        metrics.map(([name, x]) => [
          code(name),
          formatNumber(x.value) + (x.passed === null ? '' : ` (${mark(m, x.passed)})`),
          formatInterval(x.ci95) + (x.n === undefined ? '' : `, n = ${formatNumber(x.n)}`),
          x.explain ? cell(x.explain) : '',
        ]),
        [':--', '--:', '--:', ':--'],
      ),
    );
  }
  if (a.warnings.length > 0) out.push('', ...a.warnings.map((w) => `- **${m.warning}:** ${mdText(w)}`));
  if (a.method) out.push('', `*${m.method}:* ${mdText(a.method)}`);
  if (a.references.length > 0) out.push('', `*${m.references}:* ${a.references.map(mdText).join('; ')}`);
  for (const h of a.histograms) out.push('', ...histogramTable(h, m));
  if (a.series.length > 0)
    out.push('', `*${m.curvesMd}:* ${a.series.map((s) => mdText(s.title)).join('; ')}`);
  out.push(...tablesMd(a.tables));
  return out;
}

function tablesMd(tables: readonly ReportTable[]): string[] {
  const out: string[] = [];
  for (const t of tables) {
    out.push(
      '',
      `*${mdText(t.title)}:*`,
      '',
      ...table(
        t.columns.map(cell),
        t.rows.map((r) => r.map((v) => (typeof v === 'number' ? formatNumber(v) : cell(v)))),
        t.columns.map((_, i) => (t.rows.length > 0 && typeof t.rows[0][i] === 'number' ? '--:' : ':--')),
      ),
    );
    if (t.note) out.push('', `*${mdText(t.note)}*`);
  }
  return out;
}

/**
 * Renders the report as Markdown for a pull-request comment.
 * @param report - a validated report
 * @param options - the label language (default English)
 * @returns the Markdown text (about 40 lines for one attack); it contains no raw record values beyond what the
 *   report object itself holds
 */
export function toMarkdown(report: Report, options: WriterOptions = {}): string {
  const m = messages(options.lang);
  const title = report.trial.name ? ` ${mdText(report.trial.name)}` : '';
  const out: string[] = [
    `## reidgate${title}: **${mark(m, report.verdict)}**`,
    '',
    mdText(report.summary),
    '',
    `${m.policy} ${code(report.policy.name)}: ${mdText(report.policy.description)} ` +
      `${m.recordThreshold} ${formatNumber(report.policy.recordThreshold)}.`,
  ];
  if (report.containsRecordValues) out.push('', `> ${m.containsValuesMd}`);
  for (const w of report.warnings) out.push('', `> **${m.warning}:** ${mdText(w)}`);
  const hints = changeHints(report, m);
  if (hints.length > 0) out.push('', `**${m.whatToChange}:**`, '', ...hints.map((h) => `- ${mdText(h)}`));

  out.push('', `### ${m.policyChecks}`, '');
  if (report.checks.length === 0) out.push(m.noChecks);
  else {
    out.push(
      ...table(
        [m.check, m.value, m.ci95, m.threshold, m.result],
        report.checks.map((c) => [
          code(c.id),
          formatNumber(c.value),
          formatInterval(metricOfCheck(report, c)?.ci95),
          formatThreshold(c.op, c.threshold),
          `**${mark(m, c.passed)}**`,
        ]),
        [':--', '--:', '--:', '--:', ':-:'],
      ),
    );
    const failed = report.checks.filter((c) => !c.passed);
    if (failed.length > 0) out.push('', ...failed.map((c) => `- ${code(c.id)}: ${mdText(c.message)}`));
  }

  for (const a of report.attacks) out.push(...attackSection(a, m));
  if (report.examples.length > 0)
    out.push('', `### ${m.examples}`, '', `> ${m.examplesNote}`, ...tablesMd(report.examples));

  const inputs = Object.entries(report.inputs);
  if (inputs.length > 0) {
    out.push(
      '',
      `### ${m.inputs}`,
      '',
      ...table(
        [m.role, m.file, m.rows, m.columns, 'sha256'],
        inputs.map(([role, i]) => [
          cell(role),
          code(i.path),
          formatNumber(i.rows),
          formatNumber(i.columns.length),
          code(shortSha(i.sha256)),
        ]),
        [':--', ':--', '--:', '--:', ':--'],
      ),
    );
  }
  const qi = report.trial.qi.length > 0 ? report.trial.qi.map(mdText).join(', ') : DASH;
  out.push(
    '',
    `${m.qis}: ${qi}. ${m.missingValues}: ${mdText(report.trial.missingSemantics)}`,
    '',
    `<sub>reidgate ${mdText(report.tool.version)} · seed ${report.seed} · ${mdText(report.createdAt)}</sub>`,
    '',
  );
  return out.join('\n');
}
