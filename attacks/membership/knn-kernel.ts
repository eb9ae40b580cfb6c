/**
 * @module attacks/membership/knn-kernel — the `membership.knn` kernel: exact k nearest neighbours of
 * a shard of query records in a k-d tree (tree.ts), under a space's distance (space.ts).
 *
 * Per query, with S the running sum of terms and P_q the query's present columns, every distance
 * satisfies d ≥ S·g (g = 1/P_q for Gower, p/P_q for Manhattan, 1 for PWS), so a node or a record whose
 * lower bound or partial sum exceeds limit = (k-th best distance)/g cannot enter the k best:
 * 1. depth first through the tree, the child with the smaller bound (tree.ts) first, skipping any node
 *    whose bound exceeds the limit when it is reached (a best-first order on a heap visits slightly
 *    fewer nodes but measured ~25% slower here);
 * 2. a record's terms are summed categorical block first and abandoned as soon as S exceeds the limit
 *    (partial distance search; Bei & Gray 1985, IEEE Trans. Commun. 33:1132, doi:10.1109/TCOM.1985.1096214);
 *    a pure leaf (identical records) costs one distance.
 * Records at distance 0 are never pruned (every bound below them is 0), so counting them is exact.
 * The limit carries a relative margin of 1e-9 so that rounding never prunes a true neighbour. The k best
 * are kept ordered by (distance, record index), so ties go to the lowest index and results do not
 * depend on the visiting order, the shard or the number of workers.
 */
import { MISSING, WILDCARD } from '../../src/encode/types.js';
import { GOWER, MANHATTAN, type Points, PWS, type Space } from './space.js';
import { bucketBit, type KnnIndex } from './tree.js';

export interface KnnPayload {
  space: Space;
  index: KnnIndex;
  query: Points;
  start: number;
  end: number;
  k: number;
  /** Outputs, query-major (query i, rank r at i·k + r): distance (+∞: none) and record index (−1). */
  outDistance: Float64Array;
  outIndex: Int32Array;
  /** Optional output: per query, the searched records at distance exactly 0 (all of them, beyond k). */
  outZeros?: Int32Array;
}

export interface KnnStats {
  /** Records whose distance was started, and tree nodes visited. */
  evaluated: number;
  nodesVisited: number;
}

const MARGIN = 1 + 1e-9;

/** Searches queries [start, end). */
export function knnSearch(pl: KnnPayload): KnnStats {
  const { space, index: ix, query: q, k } = pl;
  const { pc, pn, mode, p } = space;
  const skip = mode !== PWS;
  const gower = mode === GOWER;
  const w = space.catWeight;
  const marks = space.compat.map((c) => (c ? new Int32Array(c.size) : null));
  const hasCompat = Uint8Array.from(space.compat, (c) => (c ? 1 : 0));
  const { data, numCodes, rowOf, start, end, left, pure, mask, box } = ix;
  const qd = q.data;
  const qc = new Int32Array(pc);
  const qn = new Int32Array(pn);
  const qmask = new Int32Array(pc);
  const qx = new Float64Array(pn);
  const bestD = new Float64Array(k);
  const bestR = new Int32Array(k);
  const stackNode = new Int32Array(ix.nodes + 1);
  const stackLb = new Float64Array(ix.nodes + 1);
  let evaluated = 0;
  let nodesVisited = 0;
  let stamp = 0;

  for (let i = pl.start; i < pl.end; i++) {
    stamp++;
    let nqc = 0;
    let nqn = 0;
    const qo = i * p;
    for (let j = 0; j < pc; j++) {
      const a = qd[qo + j];
      if (skip && a === MISSING) continue;
      qc[nqc++] = j;
      let m = bucketBit(a, skip);
      const c = space.compat[j];
      if (c && a >= 0 && a + 1 < c.offsets.length) {
        const mk = marks[j]!;
        for (let e = c.offsets[a]; e < c.offsets[a + 1]; e++) {
          mk[c.codes[e] + 2] = stamp;
          m |= bucketBit(c.codes[e], skip);
        }
      }
      qmask[j] = m;
    }
    for (let j = 0; j < pn; j++) {
      qx[j] = qd[qo + pc + j];
      if (Number.isNaN(qx[j])) continue;
      qn[nqn++] = j;
      const c = space.compat[pc + j];
      const a = q.numCodes ? q.numCodes[i * pn + j] : -1;
      if (c && a >= 0 && a + 1 < c.offsets.length) {
        const mk = marks[pc + j]!;
        for (let e = c.offsets[a]; e < c.offsets[a + 1]; e++) mk[c.codes[e] + 2] = stamp;
      }
    }
    const pq = nqc + nqn;
    let zeros = 0;
    bestD.fill(Number.POSITIVE_INFINITY);
    bestR.fill(-1);
    if (pq > 0 && ix.nodes > 0) {
      const g = mode === GOWER ? 1 / pq : mode === MANHATTAN ? p / pq : 1;
      let limit = Number.POSITIVE_INFINITY;
      let kth = Number.POSITIVE_INFINITY;
      let kthRow = -1;
      stackNode[0] = 0;
      stackLb[0] = 0;
      let top = 1;
      while (top > 0) {
        top--;
        const v = stackNode[top];
        if (stackLb[top] > limit) continue;
        nodesVisited++;
        const l = left[v];
        if (l >= 0) {
          // both children's bounds in one pass (children are adjacent: l and l + 1)
          let lbL = 0;
          let lbR = 0;
          const ml = l * pc;
          for (let t = 0; t < nqc; t++) {
            const j = qc[t];
            const qm = qmask[j];
            if ((mask[ml + j] & qm) === 0) lbL += w[j];
            if ((mask[ml + pc + j] & qm) === 0) lbR += w[j];
          }
          const bl = l * pn * 2;
          const br = bl + pn * 2;
          for (let t = 0; t < nqn; t++) {
            const j = qn[t];
            const x = qx[j];
            let d = box[bl + 2 * j] - x;
            let e = x - box[bl + 2 * j + 1];
            if (e > d) d = e;
            if (d > 0) lbL += gower && d > 1 ? 1 : d;
            d = box[br + 2 * j] - x;
            e = x - box[br + 2 * j + 1];
            if (e > d) d = e;
            if (d > 0) lbR += gower && d > 1 ? 1 : d;
          }
          const nearL = lbL <= lbR;
          const far = nearL ? l + 1 : l;
          const farLb = nearL ? lbR : lbL;
          if (farLb <= limit) {
            stackNode[top] = far;
            stackLb[top++] = farLb;
          }
          const nearLb = nearL ? lbL : lbR;
          if (nearLb <= limit) {
            stackNode[top] = nearL ? l : l + 1;
            stackLb[top++] = nearLb;
          }
          continue;
        }
        const last = pure[v] === 1 ? start[v] + 1 : end[v];
        for (let pos = start[v]; pos < last; pos++) {
          evaluated++;
          let s = 0;
          let miss = 0;
          const o = pos * p;
          for (let t = 0; t < nqc; t++) {
            const j = qc[t];
            const b = data[o + j];
            const a = qd[qo + j];
            if (b === a) continue;
            if (skip && (b < 0 || a < 0 || hasCompat[j] === 1)) {
              if (b === MISSING) {
                miss++;
                continue;
              }
              if (b === WILDCARD || a === WILDCARD || (hasCompat[j] === 1 && marks[j]![b + 2] === stamp))
                continue;
            }
            s += w[j];
          }
          if (s > limit) continue;
          let t = 0;
          for (; t < nqn; t++) {
            const j = qn[t];
            const y = data[o + pc + j];
            if (Number.isNaN(y)) {
              miss++;
              continue;
            }
            if (numCodes !== null && hasCompat[pc + j] === 1) {
              const b = numCodes[pos * pn + j];
              if (b === q.numCodes![i * pn + j] || marks[pc + j]![b + 2] === stamp) continue;
            }
            let d = qx[j] - y;
            if (d < 0) d = -d;
            if (gower && d > 1) d = 1;
            s += d;
            if (s > limit) break;
          }
          if (t < nqn) continue;
          const present = pq - miss;
          if (present === 0) continue;
          const d =
            mode === GOWER ? s / present : mode === MANHATTAN && present !== p ? (s * p) / present : s;
          if (d === 0) zeros += pure[v] === 1 ? end[v] - pos : 1;
          // in a pure leaf every record is at d, in ascending record order
          const stop = pure[v] === 1 ? end[v] : pos + 1;
          for (let at = pos; at < stop; at++) {
            const row = rowOf[at];
            if (d > kth || (d === kth && row > kthRow)) break;
            let r = k - 1;
            while (r > 0 && (bestD[r - 1] > d || (bestD[r - 1] === d && bestR[r - 1] > row))) {
              bestD[r] = bestD[r - 1];
              bestR[r] = bestR[r - 1];
              r--;
            }
            bestD[r] = d;
            bestR[r] = row;
            kth = bestD[k - 1];
            kthRow = bestR[k - 1];
            if (kth < Number.POSITIVE_INFINITY) limit = (kth / g) * MARGIN;
          }
        }
      }
    }
    pl.outDistance.set(bestD, i * k);
    pl.outIndex.set(bestR, i * k);
    if (pl.outZeros) pl.outZeros[i] = zeros;
  }
  return { evaluated, nodesVisited };
}
