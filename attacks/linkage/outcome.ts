/**
 * @module attacks/linkage/outcome — every method's result turned into the attack's outcome: headline
 * metrics from the strongest method, each method's figures and precision–coverage curve in details
 * and tables, and per-target outcomes (no record values, no release row numbers).
 */
import { wilson } from '../../src/stats/intervals.js';
import type { AttackOutcome, LinkageInputs, MetricOut, SeriesOut, TableOut } from '../types.js';
import { COVERAGES, type CurvePoint, precisionCoverage } from './curve.js';
import type { Linkability, LinkabilityResult } from './linkability.js';
import type { MethodResult } from './method.js';
import { type MethodScore, primary, scoreMethod, settingJson, strongest } from './score.js';

/** `distance-gower` → `distanceGower` (per-target column prefix). */
export function columnPrefix(method: string): string {
  return method.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

const round = (x: number) => Number(x.toPrecision(6));
const exact = (value: number): MetricOut => ({ value, ci95: null });

function perTarget(results: readonly MethodResult[], lk: LinkageInputs): AttackOutcome['perTarget'] {
  const T = lk.targetRows.length;
  const known = lk.groundTruth !== 'none';
  const columns: Record<string, Int32Array | Float64Array> = {};
  if (known) columns.inRelease = Int32Array.from(lk.truth, (r) => (r >= 0 ? 1 : 0));
  for (const r of results) {
    const p = columnPrefix(r.method);
    columns[`${p}Linked`] = Int32Array.from(r.claimed, (c) => (c >= 0 ? 1 : 0));
    if (known) {
      columns[`${p}Correct`] = Int32Array.from(r.claimed, (c, t) => (c >= 0 && c === lk.truth[t] ? 1 : 0));
    }
    columns[`${p}Confidence`] = Float64Array.from(r.confidence.subarray(0, T));
    if (known && r.expectedSuccess) columns[`${p}ExpectedSuccess`] = Float64Array.from(r.expectedSuccess);
  }
  return { rows: Int32Array.from(lk.targetRows), columns };
}

function curveTable(curves: Map<string, CurvePoint[]>, setting: string): TableOut {
  return {
    title: `Precision–coverage: the attacker links only its most confident k% of targets (${setting} setting)`,
    note: 'Equal confidences are taken in random order; linked/correct are expectations over that order.',
    columns: ['method', 'coverage %', 'linked', 'correct', 'precision', 'reidentificationRate'],
    rows: [...curves].flatMap(([m, pts]) =>
      pts.map((p) => [
        m,
        p.coverage,
        p.linked,
        round(p.correct),
        p.precision === null ? '' : round(p.precision),
        round(p.rate),
      ]),
    ),
  };
}

/** The precision–coverage curves as one chart series, a line per method (points with no link left out). */
function curveSeries(curves: Map<string, CurvePoint[]>, setting: string): SeriesOut {
  return {
    id: 'precision-coverage',
    title: `Precision–coverage (${setting} setting)`,
    x: { label: 'coverage: most confident share of targets linked (%)', scale: 'log' },
    y: { label: 'precision (correct among links)' },
    mark: 'line',
    points: [...curves].flatMap(([m, pts]) =>
      pts.flatMap((p) => (p.precision === null ? [] : [{ x: p.coverage, y: p.precision, group: m }])),
    ),
    note: 'Equal confidences are taken in random order; precision is the expectation over that order.',
  };
}

function summaryTable(scores: readonly MethodScore[]): TableOut {
  return {
    title: 'Re-identification by method',
    note: 'Prosecutor: targets whose record is in the release; journalist: all targets. 95% Wilson intervals.',
    columns: [
      'method',
      'setting',
      'targets',
      'claims',
      'reidentified',
      'rate',
      'rate ci95',
      'precision',
      'baseline',
    ],
    rows: scores.flatMap((s) =>
      [s.prosecutor, s.journalist].flatMap((x) =>
        x
          ? [
              [
                s.method,
                x.setting,
                x.targets,
                x.claims,
                x.reidentified,
                round(x.rate.value),
                `${x.rate.ci[0].toPrecision(4)}–${x.rate.ci[1].toPrecision(4)}`,
                x.precision ? round(x.precision.value) : '',
                round(x.baselineRate),
              ],
            ]
          : [],
      ),
    ),
  };
}

const rateMetric = (r: { value: number; ci: [number, number]; n: number }): MetricOut => ({
  value: r.value,
  ci95: r.ci,
  n: r.n,
});

/** The linkability test's metrics (named apart from the re-identification figures). */
function linkabilityMetrics(l: Linkability): Record<string, MetricOut> {
  return {
    linkabilityRisk: { value: l.risk.value, ci95: l.risk.ci, n: l.targets },
    linkabilityRate: rateMetric(l.main),
    linkabilityControlRate: rateMetric(l.control),
    linkabilityBaselineRate: rateMetric(l.baseline),
  };
}

const ciText = (ci: [number, number]) => `${ci[0].toPrecision(4)}–${ci[1].toPrecision(4)}`;

function linkabilityTable(l: Linkability): TableOut {
  return {
    title: 'Linkability (Anonymeter-style, no ground truth needed)',
    note: `Per target the attacker holds columns A = {${l.columnsA.join(', ')}} and B = {${l.columnsB.join(', ')}} and links them when their ${l.k} nearest release records (Gower) share one. risk = (main − control)/(1 − control), 95% intervals (Wilson; risk by error propagation).`,
    columns: ['attack', 'targets', 'linked', 'rate', 'rate ci95'],
    rows: [
      ...(
        [
          ['main (members)', l.main],
          ['control (non-members)', l.control],
          ['baseline (random guess)', l.baseline],
        ] as const
      ).map(([name, r]) => [name, r.n, r.successes, round(r.value), ciText(r.ci)]),
      ['risk', l.targets, '', round(l.risk.value), ciText(l.risk.ci)],
    ],
  };
}

/** The linkability test's entry in the details (figures, or why it was skipped). */
function linkabilityDetails(r: LinkabilityResult): Record<string, unknown> {
  if (!r.ok) return { skipped: r.reason };
  const l = r.value;
  const rate = (x: typeof l.main) => ({ value: x.value, ci95: x.ci, n: x.n, successes: x.successes });
  return {
    columnsA: l.columnsA,
    columnsB: l.columnsB,
    k: l.k,
    distance: 'gower',
    targets: l.targets,
    mainRate: rate(l.main),
    controlRate: rate(l.control),
    baselineRate: rate(l.baseline),
    risk: { value: l.risk.value, ci95: l.risk.ci, error: l.risk.error },
    unlinkable: l.unlinkable,
  };
}

/** Adds the linkability test to an outcome (metrics, table, details, warnings). */
export function withLinkability(o: AttackOutcome, r: LinkabilityResult | undefined): AttackOutcome {
  if (!r) return o;
  // Apart from details.methods, whose entries are all re-identification methods scored alike.
  const details = { ...(o.details ?? {}), linkability: linkabilityDetails(r) };
  if (!r.ok) {
    return {
      ...o,
      details,
      warnings: [...(o.warnings ?? []), `linkability was not tested: ${r.reason}`],
    };
  }
  return {
    ...o,
    metrics: { ...o.metrics, ...linkabilityMetrics(r.value) },
    tables: [...(o.tables ?? []), linkabilityTable(r.value)],
    details,
    warnings: [...(o.warnings ?? []), ...r.value.warnings],
  };
}

/** Outcome when there is no ground truth: only what the attacker sees. */
function attackerSide(results: readonly MethodResult[], lk: LinkageInputs): AttackOutcome {
  const T = lk.targetRows.length;
  const methods: Record<string, unknown> = {};
  for (const r of results) {
    let claims = 0;
    let conf = 0;
    for (let t = 0; t < T; t++) {
      if (r.claimed[t] < 0) continue;
      claims++;
      conf += r.confidence[t];
    }
    methods[r.method] = {
      claims,
      claimRate: claims / T,
      meanConfidence: claims > 0 ? conf / claims : null,
      ...r.details,
    };
  }
  const exactResult = results.find((r) => r.method === 'exact');
  let unique = 0;
  if (exactResult) for (let t = 0; t < T; t++) if (exactResult.confidence[t] === 1) unique++;
  const rate = wilson(unique, T);
  return {
    metrics: {
      targets: exact(T),
      uniqueMatches: exact(unique),
      uniqueMatchRate: { value: rate.value, ci95: rate.ci, n: T },
    },
    details: { groundTruth: 'none', targetsRole: lk.targetsRole, methods },
    warnings: [
      'no ground truth (--id or --aligned): re-identification success cannot be measured; only the attacker-side figures (claims, confidence, unique matches) and, with --control, the linkability test are reported',
    ],
    perTarget: perTarget(results, lk),
  };
}

/**
 * Builds the attack's outcome.
 * @param results - every method's result, in report order
 * @param lk - the linkage inputs (targets, truth)
 * @param releaseRows - rows of the release
 */
export function buildOutcome(
  results: readonly MethodResult[],
  lk: LinkageInputs,
  releaseRows: number,
): AttackOutcome {
  const warnings = results.flatMap((r) => (r.warnings ?? []).map((w) => `${r.method}: ${w}`));
  if (lk.groundTruth === 'none' || lk.targetRows.length === 0) {
    const o = attackerSide(results, lk);
    return { ...o, warnings: [...(o.warnings ?? []), ...warnings] };
  }
  const scores = results.map((r) => scoreMethod(r, lk.truth, releaseRows));
  const best = strongest(scores)!;
  const head = primary(best)!;
  const setting = head.setting;
  const take = setting === 'prosecutor' ? (t: number) => lk.truth[t] >= 0 : () => true;
  const curves = new Map(results.map((r) => [r.method, precisionCoverage(r, lk.truth, take)]));
  const metrics: Record<string, MetricOut> = {
    targets: exact(head.targets),
    claims: exact(head.claims),
    reidentified: exact(head.reidentified),
    reidentificationRate: { value: head.rate.value, ci95: head.rate.ci, n: head.targets },
    baselineRate: exact(head.baselineRate),
  };
  if (head.precision) {
    metrics.precision = { value: head.precision.value, ci95: head.precision.ci, n: head.claims };
  } else warnings.push(`precision is not reported: the strongest method (${best.method}) made no claim`);
  const exactScore = scores.find((s) => s.method === 'exact');
  const exactHead = exactScore && (setting === 'prosecutor' ? exactScore.prosecutor : exactScore.journalist);
  if (exactHead?.expectedRate !== undefined) {
    metrics.expectedReidentificationRate = {
      value: exactHead.expectedRate,
      ci95: null,
      n: exactHead.targets,
    };
  }
  const j = best.prosecutor && best.journalist;
  if (j) {
    metrics.journalistTargets = exact(j.targets);
    metrics.journalistReidentified = exact(j.reidentified);
    metrics.journalistReidentificationRate = { value: j.rate.value, ci95: j.rate.ci, n: j.targets };
    if (j.precision)
      metrics.journalistPrecision = { value: j.precision.value, ci95: j.precision.ci, n: j.claims };
    metrics.journalistBaselineRate = exact(j.baselineRate);
  }
  const methods: Record<string, unknown> = {};
  for (const [i, r] of results.entries()) {
    methods[r.method] = {
      prosecutor: settingJson(scores[i].prosecutor),
      journalist: settingJson(scores[i].journalist),
      precisionCoverage: curves.get(r.method),
      ...r.details,
    };
  }
  return {
    metrics,
    tables: [summaryTable(scores), curveTable(curves, setting)],
    series: [curveSeries(curves, setting)],
    details: {
      strongestMethod: best.method,
      strongestBy:
        'highest reidentificationRate point estimate in the headline setting (all methods share its n, so this is also the order of the Wilson upper bounds)',
      setting,
      groundTruth: lk.groundTruth,
      targetsRole: lk.targetsRole,
      coverages: [...COVERAGES],
      methods,
    },
    warnings,
    perTarget: perTarget(results, lk),
  };
}
