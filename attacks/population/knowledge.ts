/**
 * @module attacks/population/knowledge — what the models assume of the population, from what the trial gives.
 *
 * Resolution order (each step only when the earlier ones are absent):
 *   sampling fraction f = --sampling-fraction · n / --population · n / Σ weights
 *   population size   N = --population · n / f            (ARX: N = (1/f)·n)
 *   weights             = --weights · the constant 1/f (every record stands for 1/f people, as in
 *                         sdcMicro runs with a constant weight)
 */
import type { PopulationKnowledge } from '../types.js';

/** The resolved population assumptions. */
export interface ResolvedPopulation {
  /** f, when known or derivable. */
  samplingFraction?: number;
  /** N, when known or derivable. */
  size?: number;
  /** Where f and N came from, in words. */
  sizeFrom: string;
  /** Per-record weights (a column of the release, summed per class by the engine), or a constant, or none. */
  weights:
    | { kind: 'given'; column: string; sum: number }
    | { kind: 'constant'; value: number }
    | { kind: 'none' };
}

/** The weights column's name when the knowledge gives the values without one (attacks called directly). */
export const WEIGHTS = '(weights)';

/**
 * Resolves f, N and weights for a release of `rows` records.
 * @param pop - the trial's population knowledge (validated at the boundary)
 * @param rows - n, the release's records
 */
export function resolvePopulation(pop: PopulationKnowledge, rows: number): ResolvedPopulation {
  let sum = pop.weightSum ?? 0;
  if (pop.weights && pop.weightSum === undefined)
    for (let i = 0; i < pop.weights.length; i++) sum += pop.weights[i];
  const given = pop.weights !== undefined || pop.weightsColumn !== undefined;
  let f: number | undefined;
  let sizeFrom: string;
  if (pop.samplingFraction !== undefined) {
    f = pop.samplingFraction;
    sizeFrom =
      pop.size !== undefined
        ? 'the given population size and sampling fraction'
        : 'the given sampling fraction';
  } else if (pop.size !== undefined) {
    f = rows / pop.size;
    sizeFrom = 'the given population size';
  } else if (given) {
    f = rows / sum;
    sizeFrom = 'the sum of the sampling weights';
  } else {
    sizeFrom = 'nothing: no population size, sampling fraction or weights were given';
  }
  const size = pop.size ?? (f !== undefined ? (1 / f) * rows : undefined);
  const weights: ResolvedPopulation['weights'] = given
    ? { kind: 'given', column: pop.weightsColumn ?? WEIGHTS, sum }
    : f !== undefined
      ? { kind: 'constant', value: 1 / f }
      : { kind: 'none' };
  return { samplingFraction: f, size, sizeFrom, weights };
}
