/**
 * @module attacks/membership/tree — the searched side of exact nearest-neighbour search: a k-d tree
 * over mixed columns (Friedman, Bentley & Finkel 1977, ACM TOMS 3:209, doi:10.1145/355744.355745)
 * whose nodes carry bounds that give a lower bound on the distance from a query to any record below.
 *
 * Per node and column: numeric, the [lo, hi] of the scaled values below (a NaN below, or a
 * compatibility relation on the column, makes it [−∞, +∞]); categorical, a 32-bit mask of the
 * *buckets* (code + 2) mod 32 of the codes below (under Gower and Manhattan a MISSING or WILDCARD code
 * below sets every bit: those match or are skipped).
 * A query's mask has the bucket bits of its code and of every released code compatible with it, so
 *
 *   LB(node) = Σ_categorical w_j·[node mask ∩ query mask = ∅] + Σ_numeric min(1 if Gower, max(0, lo − x_j, x_j − hi))
 *
 * never exceeds the sum S of terms of any record below (the kernel turns S into d ≥ S·g).
 *
 * Build: a node of more than 8 records splits on the column with the largest spread — numeric:
 * (hi − lo)/3 (clamped to 1/3 for Gower), the mean |x − y| of a uniform column; categorical:
 * w_j·(1 − Σ_b f_b²) over bucket shares f_b, the chance two records below differ — at the median
 * (numeric; NaN last) or into two groups of buckets of about equal size (categorical). The two children
 * of a node are adjacent: `left[v] + 1` is the right child.
 * A leaf whose records are all identical is *pure*: the kernel computes one distance for it. Records
 * are stored in leaf order, ascending record index within a leaf.
 */
import { sharedFloat64, sharedInt32 } from '../../src/encode/encode.js';
import { MISSING, WILDCARD } from '../../src/encode/types.js';
import { GOWER, type Points, PWS, type Space } from './space.js';
import { identical, partition } from './tree-split.js';

/** The searched set in tree order (postable). */
export interface KnnIndex {
  n: number;
  /** Position → record index in the searched Points. */
  rowOf: Int32Array;
  /** n × p values in position order. */
  data: Float64Array;
  numCodes: Int32Array | null;
  nodes: number;
  /** Node v covers positions [start[v], end[v]); its children are left[v] and left[v] + 1 (−1: a leaf). */
  start: Int32Array;
  end: Int32Array;
  left: Int32Array;
  /** 1 for a leaf of identical records. */
  pure: Uint8Array;
  /** nodes × pc bucket masks; nodes × 2pn bounds (lo, hi per numeric column). */
  mask: Int32Array;
  box: Float64Array;
}

/** Records per leaf at most (unless identical). */
export const LEAF = 8;
const ALL = -1;

/** The bucket bit of a code; MISSING and WILDCARD set every bit when they are skipped or match. */
export function bucketBit(code: number, skip: boolean): number {
  if (skip && (code === MISSING || code === WILDCARD)) return ALL;
  return 1 << ((code + 2) & 31);
}

/**
 * Builds the k-d tree of a searched set.
 * @param space - the metric
 * @param pts - the searched records
 * @param leaf - records per leaf at most (identical records may exceed it)
 */
export function buildTree(space: Space, pts: Points, leaf = LEAF): KnnIndex {
  const { pc, pn, p } = space;
  const n = pts.n;
  const skip = space.mode !== PWS;
  const cap = Math.max(1, 2 * n);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const start = new Int32Array(cap);
  const end = new Int32Array(cap);
  const left = new Int32Array(cap).fill(-1);
  const pure = new Uint8Array(cap);
  const mask = new Int32Array(cap * pc);
  const box = new Float64Array(cap * 2 * pn);
  const counts = new Float64Array(33 * Math.max(1, pc));
  const key = new Float64Array(n);
  const nanFlag = new Uint8Array(pn);
  let nodes = n > 0 ? 1 : 0;
  const work: Array<[number, number, number]> = n > 0 ? [[0, n, 0]] : [];
  while (work.length > 0) {
    const [s, e, v] = work.pop()!;
    start[v] = s;
    end[v] = e;
    counts.fill(0);
    for (let j = 0; j < pn; j++) {
      box[(v * pn + j) * 2] = Number.POSITIVE_INFINITY;
      box[(v * pn + j) * 2 + 1] = Number.NEGATIVE_INFINITY;
    }
    nanFlag.fill(0);
    for (let t = s; t < e; t++) {
      const o = perm[t] * p;
      for (let j = 0; j < pc; j++) {
        const c = pts.data[o + j];
        const b = bucketBit(c, skip);
        mask[v * pc + j] |= b;
        counts[j * 33 + (b === ALL ? 32 : (c + 2) & 31)]++;
      }
      for (let j = 0; j < pn; j++) {
        const x = pts.data[o + pc + j];
        const b = (v * pn + j) * 2;
        if (Number.isNaN(x)) nanFlag[j] = 1;
        else {
          if (x < box[b]) box[b] = x;
          if (x > box[b + 1]) box[b + 1] = x;
        }
      }
    }
    let best = -1;
    let bestSpread = 0;
    for (let j = 0; j < pc; j++) {
      let gini = 1;
      for (let b = 0; b < 33; b++) gini -= (counts[j * 33 + b] / (e - s)) ** 2;
      const spread = space.catWeight[j] * gini;
      if (spread > bestSpread + 1e-12) {
        bestSpread = spread;
        best = j;
      }
    }
    for (let j = 0; j < pn; j++) {
      const b = (v * pn + j) * 2;
      const r = box[b + 1] > box[b] && !space.compat[pc + j] ? box[b + 1] - box[b] : 0;
      const spread = (space.mode === GOWER && r > 1 ? 1 : r) / 3;
      if (spread > bestSpread + 1e-12) {
        bestSpread = spread;
        best = pc + j;
      }
      // a NaN below, or a generalized value (whose number is a midpoint that may match anything it
      // covers), leaves the column unbounded
      if (nanFlag[j] || space.compat[pc + j]) {
        box[b] = Number.NEGATIVE_INFINITY;
        box[b + 1] = Number.POSITIVE_INFINITY;
      }
    }
    let mid = -1;
    if (e - s > leaf && best >= 0) {
      if (best >= pc) {
        for (let t = s; t < e; t++) {
          const x = pts.data[perm[t] * p + best];
          key[t] = Number.isNaN(x) ? Number.POSITIVE_INFINITY : x;
        }
      } else {
        for (let t = s; t < e; t++) {
          const c = pts.data[perm[t] * p + best];
          key[t] = bucketBit(c, skip) === ALL ? 32 : (c + 2) & 31;
        }
        // buckets in index order until half the records: group 0, the rest group 1
        const cnt = counts.subarray(best * 33, best * 33 + 33);
        let acc = 0;
        let cut = 0;
        while (cut < 33 && acc + cnt[cut] <= (e - s) / 2) acc += cnt[cut++];
        if (acc === 0) acc += cnt[cut++];
        for (let t = s; t < e; t++) key[t] = key[t] < cut ? 0 : 1;
      }
      mid = partition(perm, key, s, e, best < pc);
    }
    if (mid > s && mid < e) {
      left[v] = nodes;
      work.push([mid, e, nodes + 1], [s, mid, nodes]);
      nodes += 2;
    } else {
      perm.subarray(s, e).sort();
      pure[v] = identical(pts, p, pn, perm, s, e) ? 1 : 0;
    }
  }
  return layout(space, pts, perm, nodes, { start, end, left, pure, mask, box });
}

function layout(
  space: Space,
  pts: Points,
  perm: Int32Array,
  nodes: number,
  t: {
    start: Int32Array;
    end: Int32Array;
    left: Int32Array;
    pure: Uint8Array;
    mask: Int32Array;
    box: Float64Array;
  },
): KnnIndex {
  const { pc, pn, p } = space;
  const n = pts.n;
  const rowOf = sharedInt32(n);
  rowOf.set(perm);
  const data = sharedFloat64(n * p);
  const numCodes = pts.numCodes ? sharedInt32(n * pn) : null;
  for (let pos = 0; pos < n; pos++) {
    const i = perm[pos];
    data.set(pts.data.subarray(i * p, i * p + p), pos * p);
    if (numCodes) numCodes.set(pts.numCodes!.subarray(i * pn, i * pn + pn), pos * pn);
  }
  const i32 = (a: Int32Array) => {
    const out = sharedInt32(a.length);
    out.set(a);
    return out;
  };
  const f64 = (a: Float64Array) => {
    const out = sharedFloat64(a.length);
    out.set(a);
    return out;
  };
  const pure = new Uint8Array(new SharedArrayBuffer(Math.max(1, nodes)));
  pure.set(t.pure.subarray(0, nodes));
  return {
    n,
    rowOf,
    data,
    numCodes,
    nodes,
    start: i32(t.start.subarray(0, nodes)),
    end: i32(t.end.subarray(0, nodes)),
    left: i32(t.left.subarray(0, nodes)),
    pure,
    mask: i32(t.mask.subarray(0, nodes * pc)),
    box: f64(t.box.subarray(0, nodes * 2 * pn)),
  };
}
