/**
 * @module reports/html — `report.html`: one self-contained page (inline CSS, inline SVG charts, no script, no
 * external URL; a Content-Security-Policy forbids loading anything) that opens offline and prints cleanly.
 *
 * Laid out for a reviewer who has two minutes: the verdict banner with its one-line why; the failed checks and
 * "what to change" (from what the attacks measured); the table of every policy check; then per attack a
 * plain-language explanation, its metrics, its charts (histograms, risk by QI, any curve it returned), warnings,
 * method and references; examples of record values only when the report was made with --include-examples; and
 * the inputs with their sha256. Labels are in English or Japanese (`--lang`). Every string taken from the report
 * is HTML-escaped; references are printed as text, never as links.
 */
import type { AttackResult, Report, ReportTable } from '../src/report/model.js';
import {
  DASH,
  formatInterval,
  formatNumber,
  formatSeconds,
  formatThreshold,
  metricOfCheck,
} from './format.js';
import { changeHints } from './hints.js';
import { attackCharts, escapeHtml, tableHtml, td } from './html-charts.js';
import { CSS } from './html-css.js';
import { type Lang, type MarkerKind, type Messages, messages } from './i18n.js';

export { escapeHtml } from './html-charts.js';

/** Longest `details` JSON shown inline; the rest is in report.json. */
const DETAILS_MAX_CHARS = 20_000;

const esc = escapeHtml;

/** Options of the human-facing writers. */
export interface WriterOptions {
  /** Language of the fixed labels (default 'en'). */
  lang?: Lang;
}

function pill(kind: MarkerKind, m: Messages): string {
  return `<span class="pill ${kind}">${esc(m.markers[kind])}</span>`;
}

function list(items: readonly string[], cls?: string): string {
  if (items.length === 0) return '';
  return `<ul${cls ? ` class="${cls}"` : ''}>${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`;
}

function reportTable(t: ReportTable, title: string): string[] {
  const out = [
    `<h3>${esc(title)}</h3>`,
    tableHtml(
      t.columns,
      t.rows.map(
        (r) =>
          `<tr>${r.map((v) => (typeof v === 'number' ? td(formatNumber(v), 'num') : td(esc(v)))).join('')}</tr>`,
      ),
    ),
  ];
  if (t.note) out.push(`<p class="muted">${esc(t.note)}</p>`);
  return out;
}

async function attackSection(a: AttackResult, m: Messages): Promise<string> {
  const kind: MarkerKind = a.status === 'ok' ? a.verdict : a.status;
  const parts = [
    `<section class="attack" id="attack-${esc(a.id)}">`,
    `<h2>${pill(kind, m)} ${esc(a.title)} <code class="muted">${esc(a.id)}</code></h2>`,
  ];
  const explain = m.explain[a.id] ?? a.summary;
  if (explain) parts.push(`<p class="explain">${esc(explain)}</p>`);
  parts.push(`<p class="muted">${esc(m.statusLine(a.status, a.verdict, formatSeconds(a.seconds)))}</p>`);
  if (a.reason) parts.push(`<p${a.status === 'ok' ? '' : ' class="alert"'}>${esc(a.reason)}</p>`);
  const metrics = Object.entries(a.metrics);
  if (metrics.length > 0) {
    parts.push(
      tableHtml(
        [m.metric, m.value, m.ci95, m.n, m.threshold, m.result, m.meaning],
        metrics.map(
          ([name, x]) =>
            `<tr>${td(`<code>${esc(name)}</code>`, 'name')}${td(formatNumber(x.value), 'num')}` +
            `${td(formatInterval(x.ci95), 'num')}${td(formatNumber(x.n), 'num')}` +
            `${td(x.threshold === null ? DASH : formatThreshold(x.op, x.threshold), 'num')}` +
            `${td(x.passed === null ? DASH : pill(x.passed ? 'pass' : 'fail', m))}${td(esc(x.explain ?? ''))}</tr>`,
        ),
      ),
    );
  }
  if (a.warnings.length > 0) parts.push(`<h3>${esc(m.warnings)}</h3>`, list(a.warnings, 'alert'));
  const charts = await attackCharts(a, m);
  if (charts.length > 0)
    parts.push(`<h3>${esc(m.charts)}</h3>`, `<div class="charts">${charts.join('\n')}</div>`);
  for (const t of a.tables) parts.push(...reportTable(t, t.title));
  if (a.method) parts.push(`<h3>${esc(m.method)}</h3>`, `<p>${esc(a.method)}</p>`);
  if (a.references.length > 0) parts.push(`<h3>${esc(m.references)}</h3>`, list(a.references, 'refs'));
  if (Object.keys(a.details).length > 0) {
    let json = JSON.stringify(a.details, null, 2) ?? '';
    if (json.length > DETAILS_MAX_CHARS) json = `${json.slice(0, DETAILS_MAX_CHARS)}\n${m.detailsTruncated}`;
    parts.push(`<details><summary>${esc(m.details)}</summary><pre>${esc(json)}</pre></details>`);
  }
  parts.push('</section>');
  return parts.join('\n');
}

function checksTable(report: Report, m: Messages): string {
  if (report.checks.length === 0) return `<p class="muted">${esc(m.noChecks)}</p>`;
  return tableHtml(
    [m.check, m.value, m.ci95, m.threshold, m.result, m.why],
    report.checks.map(
      (c) =>
        `<tr class="${c.passed ? 'ok' : 'bad'}">${td(`<code>${esc(c.id)}</code>`, 'name')}${td(formatNumber(c.value), 'num')}` +
        `${td(formatInterval(metricOfCheck(report, c)?.ci95), 'num')}${td(formatThreshold(c.op, c.threshold), 'num')}` +
        `${td(pill(c.passed ? 'pass' : 'fail', m))}${td(esc(c.message))}</tr>`,
    ),
  );
}

/** One line per attack: its result, title and, when it did not run, why. */
function attacksTable(report: Report, m: Messages): string {
  if (report.attacks.length === 0) return '';
  const why = report.attacks.some((a) => a.status !== 'ok' && a.reason);
  return tableHtml(
    why ? [m.result, m.attacks, m.reason] : [m.result, m.attacks],
    report.attacks.map(
      (a) =>
        `<tr>${td(pill(a.status === 'ok' ? a.verdict : a.status, m))}` +
        `${td(`${esc(a.title)} <code class="muted">${esc(a.id)}</code>`)}` +
        `${why ? td(esc(a.status === 'ok' ? '' : (a.reason ?? ''))) : ''}</tr>`,
    ),
  );
}

function trialMeta(report: Report, m: Messages): string {
  const t = report.trial;
  const meta: [string, string][] = [
    [m.policy, `<code>${esc(report.policy.name)}</code> ${esc(report.policy.description)}`],
    [m.recordThreshold, formatNumber(report.policy.recordThreshold)],
    [m.qis, t.qi.length > 0 ? esc(t.qi.join(', ')) : DASH],
    [m.sensitive, t.sensitive.length > 0 ? esc(t.sensitive.join(', ')) : DASH],
    [m.attacks, t.attacks.length > 0 ? esc(t.attacks.join(', ')) : DASH],
    [m.missingValues, esc(t.missingSemantics)],
    [m.seedWorkers, `${report.seed} · ${formatNumber(t.workers)}`],
  ];
  if (report.policy.sources.length > 0) meta.push([m.policySources, esc(report.policy.sources.join('; '))]);
  return `<dl class="meta">${meta.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

function inputsTable(report: Report, m: Messages): string[] {
  const inputs = Object.entries(report.inputs);
  if (inputs.length === 0) return [];
  return [
    `<h2>${esc(m.inputs)}</h2>`,
    tableHtml(
      [m.role, m.file, m.format, m.rows, m.columns, 'sha256'],
      inputs.map(
        ([role, i]) =>
          `<tr>${td(esc(role))}${td(`<code>${esc(i.path)}</code>`)}${td(esc(i.format ?? DASH))}` +
          `${td(formatNumber(i.rows), 'num')}${td(formatNumber(i.columns.length), 'num')}` +
          `${td(`<code>${esc(i.sha256)}</code>`)}</tr>`,
      ),
    ),
  ];
}

/**
 * Renders the report as one self-contained HTML page.
 * @param report - a validated report
 * @param options - the label language (default English)
 * @returns the HTML document; it loads nothing (no script, no stylesheet, image or font URL) and every report
 *   string in it is escaped
 */
export async function toHtml(report: Report, options: WriterOptions = {}): Promise<string> {
  const m = messages(options.lang);
  const v = report.verdict;
  const name = report.trial.name ? ` ${report.trial.name}` : '';
  const body: string[] = [
    `<h1>${esc(m.reportTitle)}${esc(name)}</h1>`,
    `<div class="banner ${v}" role="status"><span class="verdict">${esc(m.markers[v])}</span>` +
      `<span class="why">${esc(report.summary.replace(/^(PASS|FAIL|ERROR):\s*/, ''))}</span>` +
      (report.containsRecordValues ? `<p class="values">${esc(m.containsValues)}</p>` : '') +
      '</div>',
  ];
  if (report.warnings.length > 0) body.push(list(report.warnings, 'alert'));
  const failed = report.checks.filter((c) => !c.passed);
  const hints = changeHints(report, m);
  if (failed.length > 0 || hints.length > 0) {
    body.push('<div class="glance">');
    if (failed.length > 0) {
      body.push(
        `<div><h3>${esc(m.failedChecks)}</h3><ul>${failed
          .map((c) => `<li><code>${esc(c.id)}</code>: ${esc(c.message)}</li>`)
          .join('')}</ul></div>`,
      );
    }
    if (hints.length > 0) body.push(`<div class="hints"><h3>${esc(m.whatToChange)}</h3>${list(hints)}</div>`);
    body.push('</div>');
  }
  body.push(
    `<h2>${esc(m.policyChecks)}</h2>`,
    checksTable(report, m),
    attacksTable(report, m),
    trialMeta(report, m),
  );
  for (const a of await Promise.all(report.attacks.map((a) => attackSection(a, m)))) body.push(a);
  if (report.examples.length > 0) {
    body.push(
      `<section class="examples"><h2>${esc(m.examples)}</h2>`,
      `<p class="alert values">${esc(m.examplesNote)}</p>`,
    );
    for (const t of report.examples) body.push(...reportTable(t, t.title));
    body.push('</section>');
  }
  body.push(
    ...inputsTable(report, m),
    `<footer>reidgate ${esc(report.tool.version)} · ${esc(m.reportSchema)} ${report.schemaVersion} · ${esc(report.createdAt)}</footer>`,
  );
  return [
    '<!doctype html>',
    `<html lang="${m.htmlLang}">`,
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>reidgate${esc(name)}: ${esc(m.markers[v])}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
