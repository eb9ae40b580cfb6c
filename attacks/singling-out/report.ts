/**
 * @module attacks/singling-out/report — what the singling-out attack says about its modes: the
 * per-mode table, details, warnings and the method note (no record values, only counts and rates).
 */
import type { Rate } from '../../src/stats/intervals.js';
import type { TableOut } from '../types.js';
import type { Mode, ModeResult } from './mode.js';

const fmt = (x: number) => x.toFixed(4);
const withCi = (value: number, ci: [number, number]) => `${fmt(value)} [${fmt(ci[0])}, ${fmt(ci[1])}]`;
const rateText = (r: Rate | undefined) => (r ? withCi(r.value, r.ci) : '—');

/** One row per mode; the verdict's mode is marked. */
export function modeTable(results: readonly ModeResult[], top: Mode): TableOut {
  return {
    title: 'Singling out by kind of predicate',
    note: `Rates with 95% Wilson intervals; risk = (success − control)/(1 − control) with its propagated interval. The metrics are those of the ${top} predicates, whose risk is larger.`,
    columns: ['predicates', 'requested', 'generated', 'successRate', 'controlRate', 'baselineRate', 'risk'],
    rows: results.map((r) => [
      r.mode === top ? `${r.mode} (verdict)` : r.mode,
      r.requested,
      r.generated,
      rateText(r.main),
      rateText(r.control),
      rateText(r.baseline),
      r.risk ? withCi(r.risk.value, r.risk.ci) : '—',
    ]),
  };
}

const rateDetail = (r: Rate | undefined) =>
  r ? { value: r.value, ci95: r.ci, n: r.n, successes: r.successes } : null;

/** A mode's figures for the report's details. */
export function describeMode(r: ModeResult): Record<string, unknown> {
  return {
    predicatesRequested: r.requested,
    predicatesGenerated: r.generated,
    ...(r.mode === 'univariate'
      ? { isolatingCandidates: r.candidates }
      : { candidatesDrawn: r.candidates, searchStopped: r.stop, termsPerPredicate: r.terms }),
    successRate: rateDetail(r.main),
    controlRate: rateDetail(r.control),
    baselineRate: rateDetail(r.baseline),
    unscaledSuccessRate: rateDetail(r.unscaled?.original),
    unscaledControlRate: rateDetail(r.unscaled?.control),
    risk: r.risk ? { value: r.risk.value, ci95: r.risk.ci, error: r.risk.error } : null,
  };
}

/** Warnings for one mode: fewer predicates than requested, none at all, no better than chance. */
export function modeWarnings(r: ModeResult): string[] {
  const out: string[] = [];
  const why = r.reason
    ? r.reason
    : r.mode === 'univariate'
      ? `the release has only ${r.candidates} values held by a single record (and unique numeric extremes)`
      : `${r.candidates} candidates drawn from release records gave only ${r.generated} distinct ones (search ${r.stop === 'budget' ? 'hit its candidate budget' : 'stopped finding new ones'})`;
  if (r.generated === 0) {
    out.push(
      `${r.mode} singling out was not evaluated: no predicate isolates a single release record (${why})`,
    );
  } else if (r.generated < r.requested) {
    out.push(
      `${r.mode} singling out tested ${r.generated} predicates, fewer than the ${r.requested} requested: ${why}; its rates are over these ${r.generated}`,
    );
  }
  if (r.main && r.baseline && r.main.value <= r.baseline.value) {
    out.push(
      `${r.mode} singling out did no better than random predicates (success ${fmt(r.main.value)} ≤ baseline ${fmt(r.baseline.value)}): the attack is weak here and its risk figure says little`,
    );
  }
  return out;
}

/** The method note for the report. */
export function methodNote(top: Mode, nOriginal: number, nControl: number, m: number): string {
  const sizes =
    nOriginal === nControl
      ? `The original and the control both have ${m} records, so their rates compare directly.`
      : `The original (${nOriginal}) and the control (${nControl}) differ in size; since a rare predicate isolates one record more often in a larger set, both were compared at ${m} records: on the larger set a predicate matching k records counts with the exact probability k·C(N−k, m−1)/C(N, m) that it isolates one record of a random ${m}-record subset (the average over all such subsamples). This keeps a release without a leak at risk ≈ 0 whatever the sizes; the price, when the original is the larger, is that a leak shows at about ${(m / Math.max(nOriginal, nControl)).toFixed(2)} of its strength (a predicate isolating one member isolates one of a random ${m}-member subset with probability ${m}/${nOriginal}). The details give the unscaled rates too.`;
  return [
    'Attacker: knows only the release and which columns are quasi-identifiers.',
    'Guesses: predicates over the QIs that match exactly one release record — univariate (a value held by one record, or x ≤ min / x ≥ max at a unique numeric extreme) and multivariate (the values of a random release record on 2–4 random QIs: equality for categorical, a threshold through the value in a random direction for numeric), drawn with seeds derived from the run seed and de-duplicated.',
    'Success: the predicate matches exactly one member (--original). Control: the same predicates on --control. Baseline: predicates with random values from each column’s domain, on the original.',
    sizes,
    `risk = (success − control)/(1 − control) on Wilson centres with first-order error propagation (Giomi et al., PETS 2023). The verdict uses the ${top} predicates, whose risk is the larger. Missing values match nothing.`,
  ].join(' ');
}
