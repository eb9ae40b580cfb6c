/**
 * @module reports/diff-markdown — a risk diff (src/report/diff.ts) as Markdown for a pull-request comment: the
 * outcome, the verdicts, the metrics that changed (regressions first) and, folded, the ones that did not.
 */
import type { MetricDiff, ReportDiff, Tolerance } from '../src/report/diff.js';
import { DASH, formatInterval, formatNumber, marker, shortSha } from './format.js';
import { code, mdText, table } from './markdown.js';

function signed(x: number | null): string {
  if (x === null) return DASH;
  return x > 0 ? `+${formatNumber(x)}` : formatNumber(x);
}

function valueCell(v: number | null, ci: [number, number] | null): string {
  if (v === null) return DASH;
  return ci ? `${formatNumber(v)} ${formatInterval(ci)}` : formatNumber(v);
}

function checkCell(m: MetricDiff): string {
  if (m.oldPassed === null && m.newPassed === null) return DASH;
  const o = m.oldPassed === null ? DASH : marker(m.oldPassed);
  const n = m.newPassed === null ? DASH : marker(m.newPassed);
  return m.flipped ? `**${o} → ${n}**` : o === n ? o : `${o} → ${n}`;
}

function noiseCell(m: MetricDiff): string {
  if (m.noiseTest === null || m.change === 'unchanged') return DASH;
  if (m.noiseTest === 'exact') return 'no interval: exact';
  const z = m.z === null ? DASH : Number.isFinite(m.z) ? Math.abs(m.z).toFixed(2) : '∞';
  return m.significant ? `outside noise (|z| ${z})` : `noise (|z| ${z})`;
}

function toleranceText(t: Tolerance): string {
  return 'abs' in t ? formatNumber(t.abs) : `${formatNumber(t.rel * 100)}%`;
}

function resultCell(m: MetricDiff): string {
  if (m.regression) return '**WORSE** ✗';
  if (m.change === 'worse') return m.significant ? 'worse, within tolerance' : 'worse (noise)';
  if (m.change === 'better') return m.significant ? 'better' : 'better (noise)';
  return m.change;
}

function rows(ms: readonly MetricDiff[]): string[][] {
  return ms.map((m) => [
    code(m.id),
    valueCell(m.old, m.oldCi95),
    valueCell(m.new, m.newCi95),
    signed(m.delta),
    noiseCell(m),
    checkCell(m),
    toleranceText(m.tolerance),
    resultCell(m),
  ]);
}

const HEAD = ['Metric', 'Old', 'New', 'Δ', 'Noise', 'Check', 'Tolerance', 'Result'];
const ALIGN = [':--', '--:', '--:', '--:', ':--', ':-:', '--:', ':--'];

/**
 * Renders a risk diff as Markdown.
 * @param d - the diff
 * @param labels - how to name the two reports (e.g. their paths)
 * @returns Markdown text ending in a newline
 */
export function diffToMarkdown(d: ReportDiff, labels: { old: string; new: string }): string {
  const worse = d.metrics.filter((m) => m.regression);
  const changed = d.metrics.filter((m) => !m.regression && m.change !== 'unchanged');
  const unchanged = d.metrics.filter((m) => m.change === 'unchanged');
  const head =
    d.exitCode === 1
      ? `## reidgate risk diff: **WORSE** — ${worse.length} metric${worse.length === 1 ? '' : 's'} got worse beyond tolerance${d.verdictWorse ? ', and the verdict got worse' : ''}`
      : '## reidgate risk diff: **no regression**';
  const out = [
    head,
    '',
    `Verdict: ${d.verdictFlipped ? `**${marker(d.old.verdict)} → ${marker(d.new.verdict)}**` : marker(d.new.verdict)}` +
      ` · old ${code(labels.old)} (reidgate ${mdText(d.old.version)}, seed ${d.old.seed}, release ${d.old.release ? code(shortSha(d.old.release)) : DASH})` +
      ` · new ${code(labels.new)} (reidgate ${mdText(d.new.version)}, seed ${d.new.seed}, release ${d.new.release ? code(shortSha(d.new.release)) : DASH})`,
  ];
  if (worse.length > 0) out.push('', '### Got worse', '', ...table(HEAD, rows(worse), ALIGN));
  if (changed.length > 0) out.push('', '### Changed', '', ...table(HEAD, rows(changed), ALIGN));
  if (worse.length === 0 && changed.length === 0) out.push('', 'No metric changed.');
  if (unchanged.length > 0) {
    out.push(
      '',
      `<details><summary>${unchanged.length} unchanged metric${unchanged.length === 1 ? '' : 's'}</summary>`,
      '',
      ...table(
        ['Metric', 'Value', 'Check'],
        unchanged.map((m) => [code(m.id), valueCell(m.new, m.newCi95), checkCell(m)]),
        [':--', '--:', ':-:'],
      ),
      '',
      '</details>',
    );
  }
  out.push(
    '',
    mdText(
      'Noise: metrics without an interval are exact (any change is real); for metrics with a 95% interval the change is outside noise when |z| > 1.96, z = Δ / √(se_old² + se_new²) with se recovered from each interval. Direction from the policy check (≤: rising is worse) or reidgate’s list of risk measures; metrics of unknown direction never fail the diff.',
    ),
    '',
  );
  return out.join('\n');
}
