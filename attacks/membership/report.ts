/**
 * @module attacks/membership/report — what the membership attack says about each score: metrics,
 * the report table, details (with log-scale ROC points for the HTML chart), warnings and method note.
 */

import { rank, rocCurve } from '../../src/stats/roc.js';
import type { MetricOut, SeriesOut, TableOut } from '../types.js';
import { ADVANTAGE, AUC, type ScoreFigures, TPR0 } from './evaluate.js';
import { EPSILON, SCORE_IDS, type ScoreId, type Scores } from './scores.js';

export const TITLES: Record<ScoreId, string> = {
  'dcr-gower': 'distance to closest record (Gower)',
  'dcr-manhattan': 'distance to closest record (Manhattan, standardized)',
  'dcr-relative': 'DCR relative to the reference sample (Gower)',
  'density-ratio': 'density ratio release / reference (DOMIAS-style, k-NN under Gower)',
  'pws-1nn': 'PWS Cup 2025 1-NN Manhattan attack',
  likelihood: 'likelihood under the declared randomization, calibrated on the reference',
};

/** The FPR levels reported, as metric names. */
export const ALPHAS = [0.01, 0.001] as const;
export const TPR_METRICS = ['tpr@fpr=0.01', 'tpr@fpr=0.001'] as const;

const metric = (f: ScoreFigures, i: number, n: number): MetricOut => ({
  value: f.value[i],
  ci95: [f.lower[i], f.upper[i]],
  n,
});

/** The four membership metrics of one score. */
export function scoreMetrics(f: ScoreFigures, n: number): Record<string, MetricOut> {
  return {
    auc: metric(f, AUC, n),
    advantage: metric(f, ADVANTAGE, n),
    [TPR_METRICS[0]]: metric(f, TPR0, n),
    [TPR_METRICS[1]]: metric(f, TPR0 + 1, n),
  };
}

/**
 * The strongest score: highest lower bound of tpr@fpr=0.01, then highest tpr@fpr=0.01, then highest AUC.
 */
export function strongest(
  figs: Partial<Record<ScoreId, ScoreFigures>>,
  ids: readonly ScoreId[] = SCORE_IDS,
): ScoreId {
  const key = (id: ScoreId) => [figs[id]!.lower[TPR0], figs[id]!.value[TPR0], figs[id]!.value[AUC]];
  return ids.reduce((best, id) => {
    const [a, b] = [key(id), key(best)];
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] > b[i] ? id : best;
    return best;
  });
}

const fmt = (f: ScoreFigures, i: number) =>
  `${f.value[i].toFixed(3)} [${f.lower[i].toFixed(3)}, ${f.upper[i].toFixed(3)}]`;

/** The report table: one row per score. */
export function scoreTable(
  figs: Partial<Record<ScoreId, ScoreFigures>>,
  top: ScoreId,
  resolved: number[],
  ids: readonly ScoreId[] = SCORE_IDS,
): TableOut {
  const label = (a: number, r: number) =>
    a === r ? `TPR@FPR=${a}` : `TPR@FPR=${a} (at ${r.toPrecision(2)})`;
  return {
    title: 'Membership inference by score (95% bootstrap intervals; thresholds chosen on the other half)',
    note: `The verdict uses the strongest score (*): highest lower bound of TPR@FPR=0.01, then TPR@FPR=0.01, then AUC.`,
    columns: ['score', 'AUC', 'advantage', label(ALPHAS[0], resolved[0]), label(ALPHAS[1], resolved[1])],
    rows: ids.map((id) => [
      `${TITLES[id]}${id === top ? ' *' : ''}`,
      fmt(figs[id]!, AUC),
      fmt(figs[id]!, ADVANTAGE),
      fmt(figs[id]!, TPR0),
      fmt(figs[id]!, TPR0 + 1),
    ]),
  };
}

function quartiles(v: Float64Array): number[] {
  const s = Float64Array.from(v).sort();
  return [0.25, 0.5, 0.75].map((q) => s[Math.min(s.length - 1, Math.floor(q * s.length))]);
}

/** Per-class summaries of the distances behind the scores (no record values). */
export function distanceSummary(sc: Scores, m: number): Record<string, unknown> {
  const part = (v: Float64Array, member: boolean) => (member ? v.subarray(0, m) : v.subarray(m));
  const zero = (v: Float64Array) => v.filter((x) => x === 0).length / Math.max(1, v.length);
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(sc.distances)) {
    out[name] = {
      membersAtZero: zero(part(v, true)),
      nonMembersAtZero: zero(part(v, false)),
      memberQuartiles: quartiles(part(v, true)),
      nonMemberQuartiles: quartiles(part(v, false)),
    };
  }
  const marked = (member: boolean) =>
    part(Float64Array.from(sc.marks), member).filter((x) => x > 0).length / m;
  out.pwsContestDecision = {
    rule: 'member when at least one release record has the target as its nearest candidate',
    tpr: marked(true),
    fpr: marked(false),
  };
  return out;
}

/** Per-score details: figures, the realized FPRs and the log-scale ROC. */
export function scoreDetails(
  id: ScoreId,
  f: ScoreFigures,
  values: Float64Array,
  label: Uint8Array,
  resolved: number[],
): Record<string, unknown> {
  const roc = rocCurve(rank(values, label));
  const fig = (i: number) => ({ value: f.value[i], ci95: [f.lower[i], f.upper[i]] });
  return {
    title: TITLES[id],
    auc: fig(AUC),
    advantage: fig(ADVANTAGE),
    ...Object.fromEntries(
      TPR_METRICS.map((name, j) => [
        name,
        { ...fig(TPR0 + j), resolvedFpr: resolved[j], heldOutFpr: fig(TPR0 + ALPHAS.length + j) },
      ]),
    ),
    roc: { scale: 'log FPR (full ROC over all targets, in-sample)', ...roc },
  };
}

/** Points per score of the ROC series (the bound is 200). */
export const ROC_POINTS = 100;

/**
 * The ROC of every score as one log-FPR series (`roc`, a group per score): the full empirical curve
 * over all targets (in-sample, no threshold is chosen from it), thinned to at most ROC_POINTS + 1
 * points per score; FPR 0 has no place on a log axis and is left out.
 */
export function rocSeries(
  ids: readonly ScoreId[],
  values: Partial<Record<ScoreId, Float64Array>>,
  label: Uint8Array,
): SeriesOut {
  const points: SeriesOut['points'] = [];
  for (const id of ids) {
    const c = rocCurve(rank(values[id]!, label), ROC_POINTS);
    c.fpr.forEach((x, i) => {
      if (x > 0) points.push({ x, y: c.tpr[i], group: id });
    });
  }
  return {
    id: 'roc',
    title: 'Membership ROC by score (log-scale false positive rate)',
    x: { label: 'false positive rate (non-members flagged)', scale: 'log' },
    y: { label: 'true positive rate (members flagged)', scale: 'linear' },
    mark: 'step',
    points,
    note: 'Empirical ROC over all targets (in-sample). A random guess follows TPR = FPR; what matters is the TPR at the left end, at low FPR (Carlini et al. 2022).',
  };
}

/** Warnings for FPR levels that the evaluation halves cannot resolve. */
export function resolutionWarnings(nonMembersPerHalf: number, resolved: number[]): string[] {
  return ALPHAS.flatMap((a, j) =>
    resolved[j] > a
      ? [
          `FPR ${a} cannot be resolved with ${nonMembersPerHalf} non-members per evaluation half (the smallest resolvable FPR is 1/${nonMembersPerHalf} = ${resolved[j].toPrecision(3)}): ${TPR_METRICS[j]} reports the TPR at FPR ${resolved[j].toPrecision(3)}, an optimistic stand-in for the attacker; at least ${Math.ceil(2 / a)} targets per class resolve it`,
        ]
      : [],
  );
}

/** Method note and warning when the trial declared a randomization (likelihood.ts). */
export function randomizationNote(lik: { randomized: string[]; undeclared: string[] }): {
  method: string;
  warnings: string[];
} {
  return {
    method: `Declared randomization of ${lik.randomized.join(', ')}: the likelihood score is log[(1/n) Σ_r Π_c P(r_c | t_c)] over the release rows r, minus the log of the same sum's expectation for a non-member (Σ over the reference of the chance that its record and t's randomize alike), each with half an exact copy's term added. The sum over rows, not the max, because t's own randomized row is one of the rows but not known which: the likelihood ratio of "t was in" averages over every row that could be it (Neyman–Pearson); the max keeps only the most likely row and loses evidence when the channel is noisy. Columns without a declaration (${lik.undeclared.length > 0 ? lik.undeclared.join(', ') : 'none'}) are taken as released unchanged. Exact sums over all rows, no pruning.`,
    warnings: [
      `the release was randomized (${lik.randomized.join(', ')}): the distance scores compare released values as they are, so noise or PRAM moves members' own rows away from them and those scores understate the leak; the likelihood score models the declared channel, and the verdict takes the strongest score`,
    ],
  };
}

/** The method note. */
export function methodNote(k: number, resamples: number, m: number, nRef: number, columns: number): string {
  return [
    `${m} members and ${m} non-members (control records never used for the release) attacked over ${columns} columns; another ${nRef} control records form the reference sample, never a target.`,
    `Scores (higher = member): -DCR under Gower and under standardized Manhattan; d_ref/d_rel (nearest reference over nearest release record, Gower, +${EPSILON}); a k-NN density ratio, DOMIAS-style: log of (release records over reference records, each per set size) within the distance of the ${k}-th nearest record of release and reference together (Gower); the PWS Cup 2025 1-NN Manhattan attack (release records mark their nearest target).`,
    `Nearest neighbours are exact. Each class is split into halves A and B: thresholds for TPR@FPR and advantage are chosen on one half and evaluated on the other, both ways, and averaged; AUC is the Mann-Whitney statistic over all targets. Intervals: ${resamples} stratified bootstrap resamples (percentile). The verdict uses the strongest score, selected on the same targets (slightly optimistic).`,
  ].join(' ');
}
