/**
 * @module attacks/linkage/sparse-board — the Narayanan–Shmatikov scoreboard's last step on an engine
 * other than local: from the release persons grouped by the items they match (SparseScores, counted
 * in SQL), the best and second best scores, σ over all release persons and the eccentricity test,
 * as sparse-kernels.ts computes them per person.
 *
 * A group's score is added in the kernel's order (its matched items' weights in the target's item
 * order, then the demographic weight), so persons with equal scores locally have equal scores here
 * and ties (eccentricity 0, no claim) are the same. The mean and σ sum the same scores in another
 * order (count × score per group): they agree with the local engine's to rounding (≈ 1e-15 relative),
 * which moves an eccentricity across φ only when it lies within that distance of φ.
 */
import type { SparseScores } from '../../src/engine/types.js';

/** The scoreboard's outputs per target, as the kernel writes them. */
export interface Board {
  claimed: Int32Array;
  eccentricity: Float64Array;
  candidates: Int32Array;
}

/** An item's weight 1/ln(1 + support) (0 when no release person holds its code). */
export function itemWeight(support: number): number {
  return support > 0 ? 1 / Math.log(1 + support) : 0;
}

/**
 * The eccentricity test per target from an engine's grouped answer.
 * @param itemOffsets - per target its items (as in the query)
 * @param a - the engine's answer
 * @param demoWeight - per target w_d = 1/ln(1 + compatible persons) (0 without demographics)
 * @param phi - the eccentricity threshold
 */
export function boardFromGroups(
  itemOffsets: Int32Array,
  a: SparseScores,
  demoWeight: Float64Array,
  phi: number,
): Board {
  const T = itemOffsets.length - 1;
  const n = a.persons;
  const claimed = new Int32Array(T);
  const eccentricity = new Float64Array(T);
  const candidates = new Int32Array(T);
  const weight = Array.from(a.support, itemWeight);
  for (let t = 0; t < T; t++) {
    const i0 = itemOffsets[t];
    const k = itemOffsets[t + 1] - i0;
    const wd = demoWeight[t];
    let nt = 0;
    let visitedCompatible = 0;
    const scores: number[] = [];
    for (let g = a.groupOffsets[t]; g < a.groupOffsets[t + 1]; g++) {
      let s = 0;
      const m = a.mask[g];
      for (let j = 0; j < k; j++) if ((m >> BigInt(j)) & 1n && weight[i0 + j] !== 0) s += weight[i0 + j];
      if (wd > 0 && a.compatible[g] === 1) {
        s += wd;
        visitedCompatible += a.count[g];
      }
      nt += a.count[g];
      scores.push(s);
    }
    const outside = wd > 0 ? a.compatibleTotal[t] - visitedCompatible : 0;
    let sum = outside * wd;
    let sumSq = outside * wd * wd;
    let best = outside > 0 ? wd : 0;
    let second = outside > 1 ? wd : 0;
    let bestPerson = -1;
    scores.forEach((s, j) => {
      const g = a.groupOffsets[t] + j;
      const c = a.count[g];
      sum += c * s;
      sumSq += c * s * s;
      if (s > best) {
        second = best;
        best = s;
        bestPerson = a.first[g];
        if (c > 1) second = s;
      } else if (s === best) {
        second = s; // a tie: eccentricity 0, no claim
        if (bestPerson < 0 || a.first[g] < bestPerson) bestPerson = a.first[g];
      } else if (s > second) second = s;
    });
    candidates[t] = nt;
    if (nt === 0 && outside === 0) {
      claimed[t] = -1;
      eccentricity[t] = Number.NaN;
      continue;
    }
    if (bestPerson < 0) bestPerson = outside === 1 ? a.loneCompatible[t] : -1;
    const mean = sum / n;
    const sigma = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
    const ecc = sigma > 0 ? (best - second) / sigma : 0;
    eccentricity[t] = ecc;
    claimed[t] = ecc >= phi && ecc > 0 ? bestPerson : -1;
  }
  return { claimed, eccentricity, candidates };
}
