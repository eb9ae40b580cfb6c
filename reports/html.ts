/**
 * @module reports/html — `report.html`: one self-contained page (inline CSS, inline SVG charts, no script, no
 * external URL; a Content-Security-Policy forbids loading anything) that opens offline and prints cleanly.
 *
 * It shows a verdict banner (green pass, red fail, amber error), the policy checks, per attack its metrics,
 * warnings, method, references and class-size charts, and the inputs with their sha256. Every string taken from
 * the report is HTML-escaped; references are printed as text, never as links.
 */
import type { AttackResult, Histogram, Report } from '../src/report/model.js';
import { histogramSvg } from './charts.js';
import {
  DASH,
  formatInterval,
  formatNumber,
  formatSeconds,
  formatThreshold,
  marker,
  metricOfCheck,
} from './format.js';

/** Longest `details` JSON shown inline; the rest is in report.json. */
const DETAILS_MAX_CHARS = 20_000;

/**
 * Escapes text for HTML element content and quoted attribute values.
 * @param s - any string
 * @returns the string with `& < > " '` replaced by character references
 */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const esc = escapeHtml;

const CSS = `
:root{--ok:#1a7f37;--ok-bg:#dafbe1;--bad:#cf222e;--bad-bg:#ffebe9;--amber:#9a6700;--amber-bg:#fff8c5;
--muted:#57606a;--line:#d0d7de;--head:#f6f8fa}
*{box-sizing:border-box}
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2328;
max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:20px;margin:0 0 12px}
h2{font-size:17px;margin:28px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--line)}
h3{font-size:14px;margin:14px 0 6px}
p{margin:6px 0}
.banner{border:2px solid;border-radius:8px;padding:12px 18px;margin:0 0 16px}
.banner .verdict{font-size:26px;font-weight:700;letter-spacing:.05em;margin-right:12px}
.banner.pass{background:var(--ok-bg);border-color:var(--ok)}.banner.pass .verdict{color:var(--ok)}
.banner.fail{background:var(--bad-bg);border-color:var(--bad)}.banner.fail .verdict{color:var(--bad)}
.banner.error{background:var(--amber-bg);border-color:var(--amber)}.banner.error .verdict{color:var(--amber)}
.alert{background:var(--amber-bg);border-left:4px solid var(--amber);padding:8px 12px;margin:8px 0}
ul.alert{padding-left:30px}
.alert.values{background:var(--bad-bg);border-left-color:var(--bad);font-weight:600}
table{border-collapse:collapse;width:100%;margin:8px 0 12px;font-size:13px}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--head);font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:8px 0}
dl.meta dt{color:var(--muted)}dl.meta dd{margin:0}
.pill{display:inline-block;padding:0 8px;border-radius:10px;border:1px solid;font-size:12px;font-weight:600}
.pill.pass{color:var(--ok);background:var(--ok-bg)}.pill.fail{color:var(--bad);background:var(--bad-bg)}
.pill.error{color:var(--amber);background:var(--amber-bg)}.pill.none,.pill.skipped{color:var(--muted)}
.muted{color:var(--muted)}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
ul{margin:4px 0;padding-left:22px}
figure{display:inline-block;margin:8px 16px 8px 0;vertical-align:top}
figure svg{max-width:100%;height:auto}
figcaption{font-size:12px;color:var(--muted)}
details pre{background:var(--head);padding:8px;overflow:auto;font-size:12px}
footer{margin-top:32px;color:var(--muted);font-size:12px}
@media print{
body{max-width:none;padding:0;font-size:11px}
.banner,.pill,.alert,th{-webkit-print-color-adjust:exact;print-color-adjust:exact}
h2,h3{break-after:avoid}tr,figure,.banner,.alert{break-inside:avoid}
details{display:none}
}
`.trim();

function pill(kind: 'pass' | 'fail' | 'error' | 'none' | 'skipped'): string {
  return `<span class="pill ${kind}">${marker(kind)}</span>`;
}

function td(text: string, cls?: string): string {
  return cls ? `<td class="${cls}">${text}</td>` : `<td>${text}</td>`;
}

function tableHtml(head: readonly string[], rows: readonly string[]): string {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

function list(items: readonly string[], cls?: string): string {
  if (items.length === 0) return '';
  return `<ul${cls ? ` class="${cls}"` : ''}>${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`;
}

async function chart(h: Histogram): Promise<string> {
  let svg: string;
  try {
    svg = await histogramSvg(h);
  } catch (e) {
    svg = `<p class="alert">The chart could not be drawn (${esc((e as Error).message)}); see the table below.</p>`;
  }
  const rows = h.bins.map(
    (b, i) =>
      `<tr>${td(esc(b))}${td(formatNumber(h.classes[i] ?? 0), 'num')}${td(formatNumber(h.records[i] ?? 0), 'num')}</tr>`,
  );
  return (
    `<figure>${svg}<figcaption>${esc(h.label)}: records per bin (bars), classes per bin (numbers).</figcaption>` +
    `<details><summary>Table</summary>${tableHtml([h.label, 'classes', 'records'], rows)}</details></figure>`
  );
}

async function attackSection(a: AttackResult): Promise<string> {
  const kind = a.status === 'ok' ? a.verdict : a.status;
  const parts = [
    `<section class="attack" id="attack-${esc(a.id)}">`,
    `<h2><code>${esc(a.id)}</code> ${esc(a.title)} ${pill(kind)}</h2>`,
    `<p class="muted">Status ${esc(a.status)} · verdict ${esc(a.verdict)} · ${formatSeconds(a.seconds)}</p>`,
  ];
  if (a.reason) parts.push(`<p${a.status === 'ok' ? '' : ' class="alert"'}>${esc(a.reason)}</p>`);
  const metrics = Object.entries(a.metrics);
  if (metrics.length > 0) {
    parts.push(
      tableHtml(
        ['Metric', 'Value', '95% CI', 'n', 'Threshold', 'Result', 'Meaning'],
        metrics.map(
          ([name, m]) =>
            `<tr>${td(`<code>${esc(name)}</code>`)}${td(formatNumber(m.value), 'num')}` +
            `${td(formatInterval(m.ci95), 'num')}${td(formatNumber(m.n), 'num')}` +
            `${td(m.threshold === null ? DASH : formatThreshold(m.op, m.threshold), 'num')}` +
            `${td(m.passed === null ? DASH : pill(m.passed ? 'pass' : 'fail'))}${td(esc(m.explain ?? ''))}</tr>`,
        ),
      ),
    );
  }
  if (a.warnings.length > 0) parts.push('<h3>Warnings</h3>', list(a.warnings, 'alert'));
  if (a.method) parts.push('<h3>Method</h3>', `<p>${esc(a.method)}</p>`);
  if (a.references.length > 0) parts.push('<h3>References</h3>', list(a.references));
  if (a.histograms.length > 0) {
    parts.push('<h3>Histograms</h3>', ...(await Promise.all(a.histograms.map(chart))));
  }
  for (const t of a.tables) {
    parts.push(
      `<h3>${esc(t.title)}</h3>`,
      tableHtml(
        t.columns,
        t.rows.map(
          (r) =>
            `<tr>${r.map((v) => (typeof v === 'number' ? td(formatNumber(v), 'num') : td(esc(v)))).join('')}</tr>`,
        ),
      ),
    );
    if (t.note) parts.push(`<p class="muted">${esc(t.note)}</p>`);
  }
  if (Object.keys(a.details).length > 0) {
    let json = JSON.stringify(a.details, null, 2) ?? '';
    if (json.length > DETAILS_MAX_CHARS)
      json = `${json.slice(0, DETAILS_MAX_CHARS)}\n… (truncated; see report.json)`;
    parts.push(`<details><summary>Details</summary><pre>${esc(json)}</pre></details>`);
  }
  parts.push('</section>');
  return parts.join('\n');
}

/**
 * Renders the report as one self-contained HTML page.
 * @param report - a validated report
 * @returns the HTML document; it loads nothing (no script, no stylesheet, image or font URL) and every report
 *   string in it is escaped
 */
export async function toHtml(report: Report): Promise<string> {
  const v = report.verdict;
  const name = report.trial.name ? ` ${report.trial.name}` : '';
  const head = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>reidgate${esc(name)}: ${marker(v)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
  ];
  const body: string[] = [
    `<h1>reidgate report${esc(name)}</h1>`,
    `<div class="banner ${v}" role="status"><span class="verdict">${marker(v)}</span>${esc(report.summary)}</div>`,
  ];
  if (report.containsRecordValues) {
    body.push(
      '<p class="alert values">This report contains record values (made with --include-examples). ' +
        'Handle and share it as you would the data itself.</p>',
    );
  }
  if (report.warnings.length > 0) body.push(list(report.warnings, 'alert'));

  const t = report.trial;
  const meta: [string, string][] = [
    ['Policy', `<code>${esc(report.policy.name)}</code> ${esc(report.policy.description)}`],
    ['Record risk threshold', formatNumber(report.policy.recordThreshold)],
    ['Quasi-identifiers', t.qi.length > 0 ? esc(t.qi.join(', ')) : DASH],
    ['Sensitive', t.sensitive.length > 0 ? esc(t.sensitive.join(', ')) : DASH],
    ['Attacks', t.attacks.length > 0 ? esc(t.attacks.join(', ')) : DASH],
    ['Missing values', esc(t.missingSemantics)],
    ['Seed · workers', `${report.seed} · ${formatNumber(t.workers)}`],
  ];
  if (report.policy.sources.length > 0) meta.push(['Policy sources', esc(report.policy.sources.join('; '))]);
  body.push(`<dl class="meta">${meta.map(([k, val]) => `<dt>${esc(k)}</dt><dd>${val}</dd>`).join('')}</dl>`);

  body.push('<h2>Policy checks</h2>');
  if (report.checks.length === 0) body.push('<p class="muted">No policy checks.</p>');
  else {
    body.push(
      tableHtml(
        ['Check', 'Value', '95% CI', 'Threshold', 'Result', 'Why'],
        report.checks.map(
          (c) =>
            `<tr>${td(`<code>${esc(c.id)}</code>`)}${td(formatNumber(c.value), 'num')}` +
            `${td(formatInterval(metricOfCheck(report, c)?.ci95), 'num')}${td(formatThreshold(c.op, c.threshold), 'num')}` +
            `${td(pill(c.passed ? 'pass' : 'fail'))}${td(esc(c.message))}</tr>`,
        ),
      ),
    );
  }

  for (const a of report.attacks) body.push(await attackSection(a));

  const inputs = Object.entries(report.inputs);
  if (inputs.length > 0) {
    body.push(
      '<h2>Inputs</h2>',
      tableHtml(
        ['Role', 'File', 'Format', 'Rows', 'Columns', 'sha256'],
        inputs.map(
          ([role, i]) =>
            `<tr>${td(esc(role))}${td(`<code>${esc(i.path)}</code>`)}${td(esc(i.format ?? DASH))}` +
            `${td(formatNumber(i.rows), 'num')}${td(formatNumber(i.columns.length), 'num')}` +
            `${td(`<code>${esc(i.sha256)}</code>`)}</tr>`,
        ),
      ),
    );
  }
  body.push(
    `<footer>reidgate ${esc(report.tool.version)} · report schema ${report.schemaVersion} · ${esc(report.createdAt)}</footer>`,
  );
  return [...head, ...body, '</body>', '</html>', ''].join('\n');
}
