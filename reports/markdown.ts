/**
 * @module reports/markdown — `report.md`, sized for a pull-request comment: the verdict, the one-line summary, the
 * policy checks, one short section per attack (metrics with their plain explanation, warnings, method, references,
 * class-size histogram as a compact table) and the inputs with their sha256.
 *
 * Every string taken from the report is escaped so that it renders as text (no HTML, no broken tables).
 */
import type { AttackResult, Histogram, Report } from '../src/report/model.js';
import {
  DASH,
  formatInterval,
  formatNumber,
  formatSeconds,
  formatThreshold,
  marker,
  metricOfCheck,
  shortSha,
} from './format.js';

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

function histogramTable(h: Histogram): string[] {
  const n = h.bins.length;
  const pick = (xs: readonly number[]) => Array.from({ length: n }, (_, i) => formatNumber(xs[i] ?? 0));
  return [
    `*${mdText(h.label)} histogram:*`,
    '',
    ...table(
      [cell(h.label), ...h.bins.map(cell)],
      [
        ['classes', ...pick(h.classes)],
        ['records', ...pick(h.records)],
      ],
      [':--', ...h.bins.map(() => '--:')],
    ),
  ];
}

function attackSection(a: AttackResult): string[] {
  const out = [
    '',
    `### ${code(a.id)} ${mdText(a.title)}: **${marker(a.status === 'ok' ? a.verdict : a.status)}**`,
    '',
    `Status ${a.status}, verdict ${a.verdict}, ${formatSeconds(a.seconds)}.` +
      (a.reason ? ` ${a.status === 'ok' ? 'Note' : 'Reason'}: ${mdText(a.reason)}` : ''),
  ];
  const metrics = Object.entries(a.metrics);
  if (metrics.length > 0) {
    out.push(
      '',
      ...table(
        ['Metric', 'Value', '95% CI', 'Meaning'],
        metrics.map(([name, m]) => [
          code(name),
          formatNumber(m.value) + (m.passed === null ? '' : ` (${marker(m.passed)})`),
          formatInterval(m.ci95) + (m.n === undefined ? '' : `, n = ${formatNumber(m.n)}`),
          m.explain ? cell(m.explain) : '',
        ]),
        [':--', '--:', '--:', ':--'],
      ),
    );
  }
  if (a.warnings.length > 0) out.push('', ...a.warnings.map((w) => `- **Warning:** ${mdText(w)}`));
  if (a.method) out.push('', `*Method:* ${mdText(a.method)}`);
  if (a.references.length > 0) out.push('', `*References:* ${a.references.map(mdText).join('; ')}`);
  for (const h of a.histograms) out.push('', ...histogramTable(h));
  for (const t of a.tables) {
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
 * @returns the Markdown text (about 40 lines for one attack); it contains no raw record values beyond what the
 *   report object itself holds
 */
export function toMarkdown(report: Report): string {
  const title = report.trial.name ? ` ${mdText(report.trial.name)}` : '';
  const out: string[] = [
    `## reidgate${title}: **${marker(report.verdict)}**`,
    '',
    mdText(report.summary),
    '',
    `Policy ${code(report.policy.name)}: ${mdText(report.policy.description)} ` +
      `Record risk threshold ${formatNumber(report.policy.recordThreshold)}.`,
  ];
  if (report.containsRecordValues) {
    out.push(
      '',
      '> **Contains record values.** This report was made with --include-examples; handle it as the data.',
    );
  }
  for (const w of report.warnings) out.push('', `> **Warning:** ${mdText(w)}`);

  out.push('', '### Checks', '');
  if (report.checks.length === 0) out.push('No policy checks.');
  else {
    out.push(
      ...table(
        ['Check', 'Value', '95% CI', 'Threshold', 'Result'],
        report.checks.map((c) => [
          code(c.id),
          formatNumber(c.value),
          formatInterval(metricOfCheck(report, c)?.ci95),
          formatThreshold(c.op, c.threshold),
          `**${marker(c.passed)}**`,
        ]),
        [':--', '--:', '--:', '--:', ':-:'],
      ),
    );
    const failed = report.checks.filter((c) => !c.passed);
    if (failed.length > 0) out.push('', ...failed.map((c) => `- ${code(c.id)}: ${mdText(c.message)}`));
  }

  for (const a of report.attacks) out.push(...attackSection(a));

  const inputs = Object.entries(report.inputs);
  if (inputs.length > 0) {
    out.push(
      '',
      '### Inputs',
      '',
      ...table(
        ['Role', 'File', 'Rows', 'Columns', 'sha256'],
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
    `QI: ${qi}. Missing values: ${mdText(report.trial.missingSemantics)}`,
    '',
    `<sub>reidgate ${mdText(report.tool.version)} · seed ${report.seed} · ${mdText(report.createdAt)}</sub>`,
    '',
  );
  return out.join('\n');
}
