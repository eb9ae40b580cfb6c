/**
 * @module attacks/linkage/distance-search — the `neighbourSearch` kernel: exact k nearest neighbours
 * of one shard of query rows over a NeighbourIndex (distance-index.ts), each query searched
 * independently by branch and bound (distance-trie.ts), so results do not depend on sharding.
 */
import { MISSING } from '../../src/encode/types.js';
import type { NeighbourIndex } from './distance-index.js';
import { type DistanceMetric, f64, i32, type SharedView } from './distance-pair.js';
import { TrieSearch } from './distance-trie.js';

/** One query column (the query table's codes and numbers for every row). */
export interface QueryColumnInput {
  codes: SharedView;
  numbers?: SharedView;
  /** Compatibility of query codes with reference codes (CSR; absent: equal codes only). */
  compat?: { offsets: SharedView; codes: SharedView };
}

export interface NeighbourSearchPayload {
  index: NeighbourIndex;
  /** Query columns, in the index's column order. */
  query: QueryColumnInput[];
  /** Query rows; this shard searches positions [start, end). */
  queryRows: SharedView;
  start: number;
  end: number;
  metric: DistanceMetric;
  /** Per column s_j (categorical: ignored). */
  scales: number[];
  k: number;
  countTies: boolean;
  /** Outputs, position-major: k reference rows (−1: none) and k distances (+∞: none) per query. */
  outIndex: SharedView;
  outDistance: SharedView;
  /** Output: rows at exactly the nearest distance (countTies). */
  outTies?: SharedView;
}

export interface NeighbourSearchStats {
  /** Tuples whose distance was computed, and trie nodes entered. */
  evaluated: number;
  nodes: number;
}

/** Searches the k nearest reference rows of each query position in [start, end). */
export function neighbourSearch(p: NeighbourSearchPayload): NeighbourSearchStats {
  const ix = p.index;
  const k = p.k;
  const s = new TrieSearch(ix, k, p.metric === 'gower', p.countTies, Float64Array.from(p.scales));
  const P = s.P;
  const empty = new Int32Array(0);
  const rankOfKey = ix.ranks.map((r) => (r ? i32(r.rankOfKey) : empty));
  const bucketOfRank = ix.ranks.map((r) => (r ? i32(r.bucketOfRank) : empty));
  const qCodes = p.query.map((c) => i32(c.codes));
  const qNums = p.query.map((c) => (c.numbers ? f64(c.numbers) : null));
  const cOff = p.query.map((c) => (c.compat ? i32(c.compat.offsets) : empty));
  const cCodes = p.query.map((c) => (c.compat ? i32(c.compat.codes) : empty));
  const qRows = i32(p.queryRows);
  const outIndex = i32(p.outIndex);
  const outDistance = f64(p.outDistance);
  const outTies = p.outTies ? i32(p.outTies) : null;

  /** Marks code `code` of column c as a zero term (its key or rank, and its bucket). */
  const markCode = (c: number, code: number): void => {
    if (s.numeric[c]) {
      if (code + 2 >= rankOfKey[c].length) return;
      const r = rankOfKey[c][code + 2];
      if (r < 0 || s.mark[c][r] === s.stamp) return;
      s.mark[c][r] = s.stamp;
      s.mranks[c][s.nMranks[c]++] = r;
      const bk = bucketOfRank[c][r];
      if (s.bmark[c][bk] !== s.stamp) {
        s.bmark[c][bk] = s.stamp;
        s.addZero(c, bk);
      }
    } else if (code + 2 < s.mark[c].length && s.mark[c][code + 2] !== s.stamp) {
      s.mark[c][code + 2] = s.stamp;
      s.addZero(c, code + 2);
    }
  };

  for (let pos = p.start; pos < p.end; pos++) {
    const row = qRows[pos];
    s.stamp++;
    s.pmax = 0;
    for (let c = 0; c < P; c++) {
      const t0 = qCodes[c][row];
      s.tc[c] = t0;
      s.nZero[c] = 0;
      s.nMranks[c] = 0;
      if (s.numeric[c]) {
        const nums = qNums[c];
        const x = nums ? nums[row] : Number.NaN;
        s.tx[c] = x;
        if (Number.isNaN(x)) continue;
        s.pmax++;
        const nb = s.nanBucket[c];
        s.bmark[c][nb] = s.stamp;
        if (ix.hasSkip[c]) s.addZero(c, nb);
        const lo = s.bucketLo[c];
        let a = 0;
        let b = nb;
        while (a < b) {
          const m = (a + b) >>> 1;
          if (lo[m] <= x) a = m + 1;
          else b = m;
        }
        s.xb[c] = a;
      } else {
        if (t0 === MISSING) continue;
        s.pmax++;
        if (ix.hasWildcard[c]) s.addZero(c, 0);
        if (ix.hasSkip[c]) s.addZero(c, 1);
      }
      if (t0 >= 0) {
        markCode(c, t0);
        const off = cOff[c];
        if (t0 + 1 < off.length) for (let q = off[t0]; q < off[t0 + 1]; q++) markCode(c, cCodes[c][q]);
      }
    }
    s.search();
    for (let j = 0; j < k; j++) {
      outIndex[pos * k + j] = j < s.filled ? s.bestR[j] : -1;
      outDistance[pos * k + j] = j < s.filled ? s.bestD[j] : Number.POSITIVE_INFINITY;
    }
    if (outTies) outTies[pos] = s.filled > 0 ? s.ties : 0;
  }
  return { evaluated: s.evaluated, nodes: s.nodes };
}
