/**
 * @module attacks/linkage/em — the m probabilities of the Fellegi–Sunter model by EM, under the
 * attacker's one-to-one model of its candidates.
 *
 * Fellegi & Sunter (1969, JASA 64:1183, doi:10.1080/01621459.1969.10501049): fields are conditionally
 * independent given match status, so a pair with comparison pattern γ has likelihood ratio
 *
 *   L(γ) = Π_k m_k(γ_k) / u_k(γ_k),   match weight W(γ) = log2 L(γ)   (missing comparisons left out)
 *
 * with m_k(l) = P(γ_k = l | match), u_k(l) = P(γ_k = l | non-match). u is estimated from seeded random
 * pairs (nearly all non-matches) and held fixed, as Splink does; a fully suppressed released value
 * (compatible with every value) compares as missing, so a release's all-`*` rows carry no evidence.
 * m is estimated by EM (Winkler 1988, Proc. Section on Survey Research Methods, ASA, 667–671; Jaro
 * 1989, JASA 84:414, doi:10.1080/01621459.1989.10478785) over the candidate pairs, with the attacker's
 * knowledge that each target has at most one record in the release (the bipartite model of Sadinle
 * 2017, JASA 112:600, doi:10.1080/01621459.2016.1148612): target t's record is release row j with
 * prior π/n, or absent with prior 1 − π. Rows outside the candidates C_t are taken to have L ≈ 0:
 *
 *   E: r_tj = (π/n) L(γ_tj) / ((π/n) Σ_{i∈C_t} L(γ_ti) + 1 − π)
 *   M: m_k(l) ∝ Σ_{γ_tjk = l} r_tj (+ ½ for each level seen among random pairs),   π = Σ r_tj / T
 *
 * Why not the textbook two-class EM over all candidate pairs, or u from the candidates: with several
 * blocking passes the pairs fall into clusters (agreeing on one pass's key or another's), and both fit
 * those clusters instead of matches (seen on the NIST PRAM release); the one-to-one structure and a u
 * from random pairs tie the match class to one well-supported record per target.
 *
 * The share of matches among candidate pairs, λ = Σ r_tj / |pairs|, is the prior of the classic pairwise
 * posterior P(match | γ) = λ L(γ) / (λ L(γ) + 1 − λ), which exceeds 1/2 exactly when
 * W(γ) > log2((1 − λ)/λ): Fellegi–Sunter's link threshold.
 */
import { LEVEL, LEVELS } from './compare.js';

const FLOOR = 1e-9;
/** Initial likelihood ratio m/u per level (before normalizing): matches mostly agree. */
const INIT_RATIO = [0, 0.05, 0.5, 1, 20];

/** Normalizes levels 1… of `v` to sum 1, each at least FLOOR. */
export function normalize(v: Float64Array): Float64Array {
  let s = 0;
  for (let l = 1; l < LEVELS; l++) s += v[l];
  for (let l = 1; l < LEVELS; l++) v[l] = s > 0 ? Math.max(FLOOR, v[l] / s) : 1 / (LEVELS - 1);
  v[LEVEL.MISSING] = 0;
  return v;
}

/**
 * Match weights per field and level, field-major: w[k·LEVELS + l] = log2(m_k(l) / u_k(l)), 0 for MISSING.
 * @param m - per field, LEVELS probabilities given a match
 * @param u - per field, LEVELS probabilities given a non-match
 */
export function matchWeights(m: readonly Float64Array[], u: readonly Float64Array[]): Float64Array {
  const w = new Float64Array(m.length * LEVELS);
  for (let k = 0; k < m.length; k++) {
    for (let l = 1; l < LEVELS; l++) w[k * LEVELS + l] = Math.log2(m[k][l] / u[k][l]);
  }
  return w;
}

/** Candidate pairs as EM reads them. */
export interface CandidatePatterns {
  /** Distinct pattern keys (field k's level is digit k in base LEVELS). */
  keys: Float64Array;
  /** Per target, the range of its distinct patterns in `pattern` / `count` (T + 1 offsets). */
  offsets: Int32Array;
  /** Pattern index (into keys) … */
  pattern: Int32Array;
  /** … and the number of the target's candidates with that pattern. */
  count: Int32Array;
}

/** The fitted model. */
export interface OneToOneModel {
  m: Float64Array[];
  /** Share of targets with a record in the release (the attacker's estimate). */
  pi: number;
  /** Share of matches among the candidate pairs, Σ r / pairs: the prior of the pairwise posterior. */
  lambda: number;
  iterations: number;
  converged: boolean;
}

/**
 * Fits m and π by EM under the one-to-one model, u held fixed.
 * @param pairs - the candidate pairs' patterns, target by target
 * @param u - per field, LEVELS probabilities given a non-match (from random pairs)
 * @param seen - per field and level, > 0 when the level occurs (it gets a ½ pseudo-count in m)
 * @param releaseRows - n, the number of release rows (each row's prior is π/n)
 * @param maxIterations - default 200
 */
export function fitOneToOne(
  pairs: CandidatePatterns,
  u: readonly Float64Array[],
  seen: readonly Float64Array[],
  releaseRows: number,
  maxIterations = 200,
): OneToOneModel {
  const K = u.length;
  const P = pairs.keys.length;
  const T = pairs.offsets.length - 1;
  const lv = new Uint8Array(P * K);
  for (let g = 0; g < P; g++) {
    let key = pairs.keys[g];
    for (let k = 0; k < K; k++) {
      lv[g * K + k] = key % LEVELS;
      key = Math.floor(key / LEVELS);
    }
  }
  let pairTotal = 0;
  for (let q = 0; q < pairs.count.length; q++) pairTotal += pairs.count[q];
  let m = u.map((x) => normalize(Float64Array.from(x, (v, l) => v * INIT_RATIO[l])));
  let pi = 0.5;
  let lambda = 0;
  // 2^W per pattern: |W| ≤ K·log2(1/FLOOR) ≈ 30·K bits stays within double range for K ≤ 22.
  const lr = new Float64Array(P);
  const acc = new Float64Array(P);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations && T > 0 && P > 0) {
    iterations++;
    const wk = matchWeights(m, u);
    for (let g = 0; g < P; g++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += wk[k * LEVELS + lv[g * K + k]];
      lr[g] = 2 ** s;
    }
    acc.fill(0);
    const absent = ((1 - pi) * releaseRows) / pi;
    let matched = 0;
    for (let t = 0; t < T; t++) {
      const lo = pairs.offsets[t];
      const hi = pairs.offsets[t + 1];
      if (hi === lo) continue;
      let mass = absent;
      for (let q = lo; q < hi; q++) mass += pairs.count[q] * lr[pairs.pattern[q]];
      for (let q = lo; q < hi; q++) {
        const r = (pairs.count[q] * lr[pairs.pattern[q]]) / mass;
        acc[pairs.pattern[q]] += r;
        matched += r;
      }
    }
    const next = Array.from({ length: K }, () => new Float64Array(LEVELS));
    for (let g = 0; g < P; g++) for (let k = 0; k < K; k++) next[k][lv[g * K + k]] += acc[g];
    for (let k = 0; k < K; k++) {
      for (let l = 1; l < LEVELS; l++) if (seen[k][l] > 0) next[k][l] += 0.5;
      normalize(next[k]);
    }
    const nextPi = Math.min(1 - 1e-9, Math.max(1e-9, matched / T));
    lambda = matched / Math.max(1, pairTotal);
    let change = Math.abs(nextPi - pi);
    for (let k = 0; k < K; k++) {
      for (let l = 1; l < LEVELS; l++) change = Math.max(change, Math.abs(next[k][l] - m[k][l]));
    }
    m = next;
    pi = nextPi;
    if (change < 1e-7) {
      converged = true;
      break;
    }
  }
  return { m, pi, lambda, iterations, converged };
}
