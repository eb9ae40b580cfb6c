/**
 * @module attacks/population/zayatz — population uniques by Zayatz's equivalence-class model.
 *
 * Zayatz LV. Estimation of the percent of unique population elements on a microdata file using the
 * sample. Statistical Research Division Report RR-91/08, US Bureau of the Census, 1991. By Bayes'
 * rule, with the population share of classes of size j estimated by the sample's s_j / u and
 * sampling without replacement of n from N (hypergeometric):
 *
 *   P(F = 1 | f = 1) = (s_1/u) · P(f = 1 | F = 1) / Σ_j (s_j/u) · P(f = 1 | F = j)
 *   P(f = 1 | F = j) = j · C(N−j, n−1) / C(N, n) = j·n/N · Π_{i=1}^{j−1} (N−n−i+1)/(N−i)
 *   population uniques = s_1 · P(F = 1 | f = 1) / (n/N)
 *
 * as ARX's ModelZayatz computes it (N truncated to a whole number for the hypergeometric law). The
 * product form is exact and never overflows; a class larger than N − n + 1 cannot yield a sample
 * unique (probability 0).
 */
import type { FrequencyProfile } from './frequencies.js';
import { classesOfSize } from './frequencies.js';

/**
 * P(f = 1 | F = j): the chance that a population class of size j leaves exactly one record in a
 * simple random sample of n out of N.
 */
export function probSampleUnique(j: number, n: number, N: number): number {
  if (j > N - n + 1) return 0;
  let p = (j * n) / N;
  for (let i = 1; i < j && p > 0; i++) p *= (N - n - i + 1) / (N - i);
  return p;
}

/**
 * Estimates the number of population uniques with Zayatz's model.
 * @param p - the sample's frequency profile
 * @param populationSize - N (≥ n)
 * @returns the estimate and P(F = 1 | f = 1)
 */
export function zayatzUniques(
  p: FrequencyProfile,
  populationSize: number,
): { uniques: number; conditionalUniqueness: number } {
  const n = p.records;
  const N = Math.floor(populationSize + 1e-9);
  const s1 = classesOfSize(p, 1);
  let denominator = 0;
  for (let k = 0; k < p.sizes.length; k++) {
    denominator += (p.counts[k] / p.classes) * probSampleUnique(p.sizes[k], n, N);
  }
  const conditional = ((s1 / p.classes) * probSampleUnique(1, n, N)) / denominator;
  return { uniques: (s1 * conditional) / (n / populationSize), conditionalUniqueness: conditional };
}
