/**
 * @module attacks/population/dankar — Dankar et al.'s rule for choosing a uniqueness estimator.
 *
 * Dankar FK, El Emam K, Neisa A, Roffey T. Estimating the re-identification risk of clinical data
 * sets. BMC Med Inform Decis Mak 2012;12:66. doi:10.1186/1472-6947-12-66. From a Monte Carlo study
 * on clinical data sets: with sampling fraction f ≤ 0.1 use Pitman's estimator; with f > 0.1 use the
 * smaller of the Zayatz and SNB estimates. As in ARX (RiskModelPopulationUniqueness), when Pitman's
 * likelihood cannot be maximised Zayatz is used instead, when SNB has no fit Zayatz is used alone,
 * and a sample without uniques has no population uniques (every model gives 0).
 */
import type { FrequencyProfile } from './frequencies.js';
import { classesOfSize } from './frequencies.js';
import { type PitmanEstimate, pitmanUniques } from './pitman.js';
import { type SnbEstimate, snbUniques } from './snb.js';
import { zayatzUniques } from './zayatz.js';

/** Which model the rule chose. */
export type UniquenessModel = 'pitman' | 'zayatz' | 'snb' | 'none';

/** Every estimate, and the rule's choice with its reason. */
export interface UniquenessEstimates {
  /** Each model's estimated population uniques; null where the model has no estimate. */
  pitman: number | null;
  zayatz: number | null;
  snb: number | null;
  /** The rule's estimate. */
  uniques: number;
  chosen: UniquenessModel;
  /** The branch of the rule that applied, in words. */
  reason: string;
  /** Fitted parameters, for the report's details. */
  parameters: {
    pitman?: Pick<PitmanEstimate, 'theta' | 'alpha' | 'solver' | 'iterations'>;
    zayatz?: { conditionalUniqueness: number };
    snb?: Omit<SnbEstimate, 'uniques'>;
  };
}

/** An estimate counts when it is a finite, non-zero number of at most N (ARX's isValid). */
function valid(v: number, N: number): boolean {
  return Number.isFinite(v) && v !== 0 && v >= 0 && v <= N;
}

/**
 * Runs the three models and applies Dankar et al.'s decision rule.
 * @param p - the sample's frequency profile
 * @param populationSize - N
 * @param seed - seed for Pitman's solver restarts
 */
export function estimatePopulationUniques(
  p: FrequencyProfile,
  populationSize: number,
  seed: number,
): UniquenessEstimates {
  const N = populationSize;
  const f = p.records / N;
  if (classesOfSize(p, 1) === 0) {
    return {
      pitman: 0,
      zayatz: 0,
      snb: 0,
      uniques: 0,
      chosen: 'none',
      reason:
        'no sample uniques: no record is unique in the release, so none is estimated unique in the population',
      parameters: {},
    };
  }
  const pit = pitmanUniques(p, N, seed);
  const zay = zayatzUniques(p, N);
  const snb = snbUniques(p, f);
  const out = (v: number) => (valid(v, N) ? v : null);
  const base = {
    pitman: out(pit.uniques),
    zayatz: out(zay.uniques),
    snb: out(snb.uniques),
    parameters: {
      pitman: { theta: pit.theta, alpha: pit.alpha, solver: pit.solver, iterations: pit.iterations },
      zayatz: { conditionalUniqueness: zay.conditionalUniqueness },
      snb: { classes: snb.classes, alpha: snb.alpha, beta: snb.beta },
    },
  };
  const fs = `sampling fraction ${f.toPrecision(4)}`;
  if (f <= 0.1) {
    if (base.pitman !== null) {
      return { ...base, uniques: base.pitman, chosen: 'pitman', reason: `${fs} ≤ 0.1: Pitman` };
    }
    return {
      ...base,
      uniques: base.zayatz ?? 0,
      chosen: 'zayatz',
      reason: `${fs} ≤ 0.1 calls for Pitman, but its likelihood could not be maximised: Zayatz instead`,
    };
  }
  if (base.snb !== null && base.zayatz !== null && base.zayatz < base.snb) {
    return {
      ...base,
      uniques: base.zayatz,
      chosen: 'zayatz',
      reason: `${fs} > 0.1: the smaller of Zayatz and SNB (Zayatz)`,
    };
  }
  if (base.snb !== null) {
    return {
      ...base,
      uniques: base.snb,
      chosen: 'snb',
      reason: `${fs} > 0.1: the smaller of Zayatz and SNB (SNB)`,
    };
  }
  return {
    ...base,
    uniques: base.zayatz ?? 0,
    chosen: 'zayatz',
    reason: `${fs} > 0.1 calls for the smaller of Zayatz and SNB, but SNB has no fit: Zayatz`,
  };
}
