/**
 * @module report/diff — risk deltas between two reports (`reidgate diff OLD/report.json NEW/report.json`).
 *
 * For every metric `attack.metric` present in either report: old and new value, delta, whether the change lies
 * outside statistical noise, whether its policy check flipped, and whether it got worse beyond its tolerance.
 *
 * **Direction.** A metric's policy op decides which way is worse (`<=`: rising is worse; `>=`: falling is worse).
 * Metrics no policy checks take their direction from {@link KNOWN_DIRECTIONS} (risk-like rates and counts that
 * are exact or carry an interval). Metrics of unknown direction (e.g. `records`, `targets`, `baselineRate`) are
 * shown but never gate.
 *
 * **Noise.** Exact metrics (no `ci95` in either report: counts over the whole release) have no sampling noise:
 * any change is real. For metrics with an interval the standard error is recovered from the 95% interval,
 * se ≈ (upper − lower) / (2 · 1.96), and the change is outside noise when
 * |new − old| / √(se_old² + se_new²) > 1.96 — a two-sided z-test at 5% (for a Wilson interval on a proportion
 * this is close to the two-proportion z-test with unpooled variances; it is a normal approximation, and
 * Wilson intervals are slightly asymmetric, so treat borderline z as borderline).
 *
 * **Gate.** A metric fails the diff when it moved in its worse direction, outside noise, by more than its
 * tolerance (absolute, or relative to the old value when given as a percentage; default 0). A metric with a
 * known direction that the old report had and the new one lacks fails too (fail-closed: it is no longer
 * measured). A verdict that got worse (pass → fail or error) fails the diff whatever the metrics say.
 */
import { q, ReidgateError } from '../errors.js';
import type { Report } from './model.js';

/** Which way a metric gets worse. */
export type Direction = 'higher-is-worse' | 'lower-is-worse';

const HIGHER: Record<string, readonly string[]> = {
  uniqueness: [
    'sampleUniques',
    'sampleUniqueFraction',
    'prosecutorRiskMax',
    'prosecutorRiskMean',
    'recordsAtRisk',
    'recordsAtRiskFraction',
  ],
  suda: [
    'recordsWithMsu',
    'recordsWithMsuFraction',
    'msuCount',
    'sudaScoreMax',
    'sudaScoreMean',
    'disSudaScoreMax',
    'disSudaScoreMean',
    'recordsAtRisk',
    'recordsAtRiskFraction',
  ],
  population: [
    'populationUniques',
    'populationUniqueFraction',
    'journalistRiskMax',
    'journalistRiskMean',
    'marketerRisk',
    'recordsAtRiskJournalist',
    'recordsAtRiskJournalistFraction',
    'individualRiskMax',
    'individualRiskMean',
    'expectedReidentifications',
  ],
  diversity: [
    'tClosenessMax',
    'tClosenessMean',
    'tClosenessRecordMean',
    'homogeneousRecords',
    'homogeneousFraction',
  ],
  linkage: [
    'reidentificationRate',
    'precision',
    'journalistReidentificationRate',
    'journalistPrecision',
    'uniqueMatchRate',
  ],
  'singling-out': ['successRate', 'risk'],
  membership: ['auc', 'advantage', 'tpr@fpr=0.01', 'tpr@fpr=0.001'],
  inference: ['accuracy', 'risk', 'capMean', 'tcap'],
};
const LOWER: Record<string, readonly string[]> = {
  uniqueness: ['minClassSize'],
  diversity: ['minDistinctL', 'minEntropyL', 'minRecursiveL'],
};

/**
 * Directions of metrics that no policy checks, by `attack.metric`. Only risk measures that are exact or carry
 * an interval are listed: a count from a seeded sample without an interval (e.g. `linkage.reidentified`) would
 * turn sampling noise into a failed build, so it is shown, not gated (its rate, with an interval, is gated).
 */
export const KNOWN_DIRECTIONS: Readonly<Record<string, Direction>> = Object.fromEntries([
  ...Object.entries(HIGHER).flatMap(([a, ms]) => ms.map((m) => [`${a}.${m}`, 'higher-is-worse'] as const)),
  ...Object.entries(LOWER).flatMap(([a, ms]) => ms.map((m) => [`${a}.${m}`, 'lower-is-worse'] as const)),
]);

/** A tolerance: `abs` in the metric's unit, or `rel` times |old value|. */
export type Tolerance = { abs: number } | { rel: number };

/** Diff options. */
export interface DiffOptions {
  /** Per `attack.metric` tolerances. */
  tolerances?: Readonly<Record<string, Tolerance>>;
  /** Tolerance of every other metric (default: abs 0). */
  defaultTolerance?: Tolerance;
}

/** z for a two-sided 95% test. */
const Z95 = 1.959963984540054;

/** What happened to one metric. */
export interface MetricDiff {
  /** `attack.metric` */
  id: string;
  attack: string;
  metric: string;
  old: number | null;
  new: number | null;
  delta: number | null;
  oldCi95: [number, number] | null;
  newCi95: [number, number] | null;
  direction: Direction | null;
  /** Where the direction came from. */
  directionSource: 'policy' | 'known' | null;
  /** `exact` (no interval), `z` (interval-based z-test), or null when one side is missing. */
  noiseTest: 'exact' | 'z' | null;
  /** The z statistic when noiseTest is `z` (∞ when the combined standard error is 0). */
  z: number | null;
  /** The change is outside statistical noise. */
  significant: boolean;
  /** better / worse / unchanged / changed (direction unknown) / added / removed */
  change: 'better' | 'worse' | 'unchanged' | 'changed' | 'added' | 'removed';
  /** The policy check's pass/fail in old and new (null when not checked). */
  oldPassed: boolean | null;
  newPassed: boolean | null;
  /** The check flipped between pass and fail. */
  flipped: boolean;
  tolerance: Tolerance;
  /** This metric fails the diff. */
  regression: boolean;
  /** One line: why it does or does not fail. */
  note: string;
}

/** The whole diff. */
export interface ReportDiff {
  old: { verdict: Report['verdict']; seed: number; version: string; release: string | null };
  new: { verdict: Report['verdict']; seed: number; version: string; release: string | null };
  verdictFlipped: boolean;
  verdictWorse: boolean;
  metrics: MetricDiff[];
  regressions: string[];
  /** 1 when anything got worse beyond tolerance (or the verdict got worse), else 0. */
  exitCode: 0 | 1;
}

const VERDICT_RANK: Record<Report['verdict'], number> = { pass: 0, fail: 1, error: 2 };

/**
 * Parses `--tolerance` values: `attack.metric=0.01`, `attack.metric=5%`, or `default=…` for every other metric.
 * @param flags - the repeated flag values
 * @returns per-metric tolerances and the default
 * @throws ReidgateError('USAGE') naming the flag value when it is not of that form or negative
 */
export function parseTolerances(flags: readonly string[]): Required<DiffOptions> {
  const tolerances: Record<string, Tolerance> = {};
  let defaultTolerance: Tolerance = { abs: 0 };
  for (const f of flags) {
    const m = f.match(/^\s*([^=\s]+)\s*=\s*([0-9.eE+-]+)\s*(%?)\s*$/);
    const x = m ? Number(m[2]) : Number.NaN;
    if (!m || !Number.isFinite(x) || x < 0) {
      throw new ReidgateError(
        'USAGE',
        `--tolerance ${q(f)}: expected ATTACK.METRIC=X or default=X (X ≥ 0, or a percentage like 5%)`,
      );
    }
    const t: Tolerance = m[3] ? { rel: x / 100 } : { abs: x };
    if (m[1] === 'default') defaultTolerance = t;
    else if (!m[1].includes('.')) {
      throw new ReidgateError(
        'USAGE',
        `--tolerance ${q(f)}: name the metric as ATTACK.METRIC, e.g. linkage.reidentificationRate`,
      );
    } else tolerances[m[1]] = t;
  }
  return { tolerances, defaultTolerance };
}

/** Standard error recovered from a 95% interval. */
function seOf(ci: [number, number] | null): number {
  return ci ? Math.max(0, ci[1] - ci[0]) / (2 * Z95) : 0;
}

function allowed(t: Tolerance, old: number): number {
  return 'abs' in t ? t.abs : t.rel * Math.abs(old);
}

type M = Report['attacks'][number]['metrics'][string];

function metricsOf(r: Report): Map<string, { attack: string; metric: string; m: M }> {
  const out = new Map<string, { attack: string; metric: string; m: M }>();
  for (const a of r.attacks) {
    if (a.status !== 'ok') continue;
    for (const [metric, m] of Object.entries(a.metrics))
      out.set(`${a.id}.${metric}`, { attack: a.id, metric, m });
  }
  return out;
}

function directionOf(
  id: string,
  ...ms: Array<M | undefined>
): Pick<MetricDiff, 'direction' | 'directionSource'> {
  for (const m of ms) {
    if (m?.op === '<=') return { direction: 'higher-is-worse', directionSource: 'policy' };
    if (m?.op === '>=') return { direction: 'lower-is-worse', directionSource: 'policy' };
  }
  const known = KNOWN_DIRECTIONS[id];
  return known ? { direction: known, directionSource: 'known' } : { direction: null, directionSource: null };
}

/** Two numbers equal up to floating-point noise in the last bits. */
function same(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(4);
}

function diffOne(
  id: string,
  o: { attack: string; metric: string; m: M } | undefined,
  n: { attack: string; metric: string; m: M } | undefined,
  options: Required<DiffOptions>,
): MetricDiff {
  const { attack, metric } = (n ?? o)!;
  const tolerance = options.tolerances[id] ?? options.defaultTolerance;
  const dir = directionOf(id, n?.m, o?.m);
  const base = {
    id,
    attack,
    metric,
    old: o?.m.value ?? null,
    new: n?.m.value ?? null,
    oldCi95: (o?.m.ci95 as [number, number] | null | undefined) ?? null,
    newCi95: (n?.m.ci95 as [number, number] | null | undefined) ?? null,
    ...dir,
    oldPassed: o?.m.passed ?? null,
    newPassed: n?.m.passed ?? null,
    tolerance,
  };
  const flipped = base.oldPassed !== null && base.newPassed !== null && base.oldPassed !== base.newPassed;
  if (!o || !n) {
    const removedGated = !n && dir.direction !== null;
    return {
      ...base,
      delta: null,
      noiseTest: null,
      z: null,
      significant: false,
      change: n ? 'added' : 'removed',
      flipped,
      regression: removedGated,
      note: n
        ? 'new metric (not in the old report)'
        : removedGated
          ? 'no longer measured (its attack did not run or did not report it): cannot show risk did not rise'
          : 'no longer reported',
    };
  }
  const delta = n.m.value - o.m.value;
  const exact = base.oldCi95 === null && base.newCi95 === null;
  let z: number | null = null;
  let significant: boolean;
  if (exact) significant = !same(n.m.value, o.m.value);
  else {
    const se = Math.hypot(seOf(base.oldCi95), seOf(base.newCi95));
    z = se > 0 ? delta / se : same(n.m.value, o.m.value) ? 0 : delta > 0 ? Infinity : -Infinity;
    significant = Math.abs(z) > Z95;
  }
  let change: MetricDiff['change'];
  if (same(n.m.value, o.m.value)) change = 'unchanged';
  else if (dir.direction === null) change = 'changed';
  else change = delta > 0 === (dir.direction === 'higher-is-worse') ? 'worse' : 'better';
  const worseBy = change === 'worse' ? Math.abs(delta) : 0;
  const limit = allowed(tolerance, o.m.value);
  const regression = change === 'worse' && significant && worseBy > limit;
  let note: string;
  if (change === 'unchanged') note = 'unchanged';
  else if (change === 'changed')
    note = 'changed; direction unknown (no policy check, not a known risk measure): not gated';
  else if (!significant) note = `${change}, within statistical noise (|z| = ${fmt(Math.abs(z ?? 0))} ≤ 1.96)`;
  else if (change === 'better') note = 'better, outside noise';
  else if (!regression) note = `worse by ${fmt(worseBy)}, within tolerance ${fmt(limit)}`;
  else note = `worse by ${fmt(worseBy)}, outside noise, beyond tolerance ${fmt(limit)}`;
  return {
    ...base,
    delta,
    noiseTest: exact ? 'exact' : 'z',
    z,
    significant,
    change,
    flipped,
    regression,
    note,
  };
}

/**
 * Compares two reports.
 * @param oldReport - the report of the baseline (e.g. the main branch's rules)
 * @param newReport - the report of the change
 * @param options - tolerances (default 0: any worsening outside noise fails)
 * @returns every metric's diff, the regressions and the exit code (1 when anything got worse beyond tolerance)
 */
export function diffReports(oldReport: Report, newReport: Report, options: DiffOptions = {}): ReportDiff {
  const opts: Required<DiffOptions> = {
    tolerances: options.tolerances ?? {},
    defaultTolerance: options.defaultTolerance ?? { abs: 0 },
  };
  const om = metricsOf(oldReport);
  const nm = metricsOf(newReport);
  const ids = [...new Set([...om.keys(), ...nm.keys()])];
  const metrics = ids.map((id) => diffOne(id, om.get(id), nm.get(id), opts));
  const verdictWorse = VERDICT_RANK[newReport.verdict] > VERDICT_RANK[oldReport.verdict];
  const regressions = metrics.filter((m) => m.regression).map((m) => m.id);
  const side = (r: Report) => ({
    verdict: r.verdict,
    seed: r.seed,
    version: r.tool.version,
    release: r.inputs.release?.sha256 ?? null,
  });
  return {
    old: side(oldReport),
    new: side(newReport),
    verdictFlipped: oldReport.verdict !== newReport.verdict,
    verdictWorse,
    metrics,
    regressions,
    exitCode: regressions.length > 0 || verdictWorse ? 1 : 0,
  };
}
