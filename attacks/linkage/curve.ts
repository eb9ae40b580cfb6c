/**
 * @module attacks/linkage/curve — the precision–coverage curve of a linkage method.
 *
 * An attacker who only acts on its most confident links trades coverage for precision. At coverage k%
 * it links the min(claims, ⌈k/100 · n⌉) claims of highest confidence among the setting's n targets;
 *
 *   precision(k) = correct / linked,   rate(k) = correct / n.
 *
 * Claims of equal confidence are taken in random order, and the figures are their expectation: a tie
 * group cut by the budget contributes its share of correct claims pro rata (so counts may be fractional).
 */
import type { MethodResult } from './method.js';

/** Coverage levels (percent of targets). */
export const COVERAGES = [1, 2, 5, 10, 20, 50, 100] as const;

/** One point of the curve. */
export interface CurvePoint {
  coverage: number;
  linked: number;
  correct: number;
  /** null when nothing is linked. */
  precision: number | null;
  rate: number;
}

/**
 * The curve of one method over the targets selected by `take`.
 * @param r - the method's result
 * @param truth - per target, the true release row or -1
 * @param take - which targets make up the setting
 */
export function precisionCoverage(
  r: MethodResult,
  truth: Int32Array,
  take: (t: number) => boolean,
): CurvePoint[] {
  const conf: number[] = [];
  const ok: number[] = [];
  let n = 0;
  for (let t = 0; t < truth.length; t++) {
    if (!take(t)) continue;
    n++;
    if (r.claimed[t] < 0) continue;
    conf.push(r.confidence[t]);
    ok.push(r.claimed[t] === truth[t] ? 1 : 0);
  }
  const order = conf.map((_, i) => i).sort((a, b) => conf[b] - conf[a] || a - b);
  // Tie groups, most confident first: [size, correct].
  const groups: Array<[number, number]> = [];
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    if (k > 0 && conf[order[k - 1]] === conf[i]) {
      const g = groups[groups.length - 1];
      g[0]++;
      g[1] += ok[i];
    } else groups.push([1, ok[i]]);
  }
  return COVERAGES.map((coverage) => {
    const linked = Math.min(conf.length, Math.ceil((coverage / 100) * n));
    let left = linked;
    let correct = 0;
    for (const [size, good] of groups) {
      if (left <= 0) break;
      const take = Math.min(size, left);
      correct += take === size ? good : (good * take) / size;
      left -= take;
    }
    return {
      coverage,
      linked,
      correct,
      precision: linked > 0 ? correct / linked : null,
      rate: n > 0 ? correct / n : 0,
    };
  });
}
