/**
 * @module attacks/diversity/kernels — pure kernels of the diversity attack.
 *
 * `classStats` takes a contiguous range of classes and, for each sensitive attribute, reads the
 * class's value counts (an engine's `classValueCounts` answer: (value, count) pairs per class, values
 * in order of their first record in the class), merges values that are one attribute value (numbers
 * written differently) and writes its distinct / entropy / recursive l and its t-closeness distance at
 * the class's index — so shards write disjoint slots and the result is the same for any shard count.
 * Formulas: see ./measures.ts.
 */
import { lDiversity } from './measures.js';
import type { EngineValues } from './values.js';

/** Where one attribute's per-class results go (Float64, one slot per class). */
export interface ClassStatsOut {
  distinct: SharedArrayBuffer;
  entropy: SharedArrayBuffer;
  recursive: SharedArrayBuffer;
  t: SharedArrayBuffer;
}

/** One attribute's value counts per class (CSR, see ClassValueCounts in src/engine/types.ts). */
export interface ClassPairs {
  /** Int32, classes + 1: class c's pairs are starts[c] … starts[c+1]−1. */
  starts: SharedArrayBuffer;
  /** Int32 engine value id of each pair. */
  valueId: SharedArrayBuffer;
  /** Int32 records of each pair. */
  count: SharedArrayBuffer;
}

export interface ClassStatsPayload {
  /** Classes [from, to) are this shard's. */
  from: number;
  to: number;
  /** The recursive-diversity constant c. */
  c: number;
  attributes: Array<{ values: EngineValues; pairs: ClassPairs; out: ClassStatsOut }>;
}

/**
 * Σ_{i=a}^{b−1} |P − Q_i| for a nondecreasing Q, from the prefix sums S_i = Σ_{j<i} Q_j: with t the
 * first index in [a, b) where Q_t ≥ P, it is P(t−a) − (S_t − S_a) + (S_b − S_t) − P(b−t).
 */
function stretch(P: number, a: number, b: number, Q: Float64Array, S: Float64Array): number {
  if (b <= a) return 0;
  let lo = a;
  let hi = b;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (Q[mid] < P) lo = mid + 1;
    else hi = mid;
  }
  return P * (lo - a) - (S[lo] - S[a]) + (S[b] - S[lo]) - P * (b - lo);
}

/** Per-attribute working state of a shard. */
interface AttrState {
  starts: Int32Array;
  valueId: Int32Array;
  pairCount: Int32Array;
  idOf: Int32Array;
  global: Float64Array;
  n: number;
  m: number;
  ordered: boolean;
  Q: Float64Array;
  S: Float64Array;
  count: Float64Array;
  out: { distinct: Float64Array; entropy: Float64Array; recursive: Float64Array; t: Float64Array };
}

/** Computes the diversity measures of classes [from, to) for every sensitive attribute. */
export function classStats(p: ClassStatsPayload): number {
  let maxPairs = 1;
  for (const { pairs } of p.attributes) {
    const starts = new Int32Array(pairs.starts);
    for (let c = p.from; c < p.to; c++) maxPairs = Math.max(maxPairs, starts[c + 1] - starts[c]);
  }
  const touched = new Int32Array(maxPairs);
  const counts = new Float64Array(maxPairs);
  const ranks = new Int32Array(maxPairs);
  const attrs: AttrState[] = p.attributes.map(({ values: v, pairs, out }) => ({
    starts: new Int32Array(pairs.starts),
    valueId: new Int32Array(pairs.valueId),
    pairCount: new Int32Array(pairs.count),
    idOf: new Int32Array(v.idOfValue),
    global: new Float64Array(v.global),
    n: v.nDistributed,
    m: v.m,
    ordered: v.distance === 'ordered',
    Q: v.cdf ? new Float64Array(v.cdf) : new Float64Array(0),
    S: v.cdfPrefix ? new Float64Array(v.cdfPrefix) : new Float64Array(0),
    count: new Float64Array(v.nValues),
    out: {
      distinct: new Float64Array(out.distinct),
      entropy: new Float64Array(out.entropy),
      recursive: new Float64Array(out.recursive),
      t: new Float64Array(out.t),
    },
  }));
  for (let c = p.from; c < p.to; c++) {
    for (const A of attrs) {
      // Count the class's values; `touched` lists them in order of first appearance.
      let k = 0;
      let s = 0;
      for (let q = A.starts[c]; q < A.starts[c + 1]; q++) {
        const v = A.idOf[A.valueId[q]];
        if (A.count[v] === 0) touched[k++] = v;
        A.count[v] += A.pairCount[q];
        s += A.pairCount[q];
      }
      for (let j = 0; j < k; j++) counts[j] = A.count[touched[j]];
      const t = A.ordered ? orderedT(A, touched, k, ranks) : equalT(A, touched, k, s);
      const l = lDiversity(counts.subarray(0, k), p.c);
      for (let j = 0; j < k; j++) A.count[touched[j]] = 0;
      A.out.distinct[c] = l.distinct;
      A.out.entropy[c] = l.entropy;
      A.out.recursive[c] = l.recursive;
      A.out.t[c] = t;
    }
  }
  return p.to - p.from;
}

/**
 * Equal-distance EMD: ½(Σ_{present} |pᵢ − qᵢ| + Σ_{absent} qᵢ), where the values absent from the class
 * carry the table mass (n − Σ_{present} gᵢ)/n (g: table counts; kept in integers for exactness).
 */
function equalT(A: AttrState, touched: Int32Array, k: number, s: number): number {
  let d = 0;
  let present = 0;
  for (let j = 0; j < k; j++) {
    const v = touched[j];
    d += Math.abs(A.count[v] / s - A.global[v] / A.n);
    present += A.global[v];
  }
  return (d + (A.n - present) / A.n) / 2;
}

/**
 * Ordered-distance EMD over the numeric values only (ids < m): the class's cumulative distribution is
 * a step function, constant between its own values, so the sum over ranks splits into stretches
 * (see `stretch`). A class with no numeric value reveals nothing about the number: t = 0.
 */
function orderedT(A: AttrState, touched: Int32Array, k: number, ranks: Int32Array): number {
  const m = A.m;
  if (m <= 1) return 0;
  let nr = 0;
  let sn = 0;
  for (let j = 0; j < k; j++) {
    const v = touched[j];
    if (v < m) {
      ranks[nr++] = v;
      sn += A.count[v];
    }
  }
  if (nr === 0) return 0;
  const rs = ranks.subarray(0, nr).sort();
  // Ranks 0…m−2 matter (at rank m−1 both cumulative sums are 1).
  let d = stretch(0, 0, rs[0], A.Q, A.S);
  let cum = 0;
  for (let j = 0; j < nr; j++) {
    cum += A.count[rs[j]];
    const end = j + 1 < nr ? rs[j + 1] : m - 1;
    d += stretch(cum / sn, rs[j], Math.min(end, m - 1), A.Q, A.S);
  }
  return d / (m - 1);
}
