/**
 * @module attacks/linkage/distance-trie — branch and bound over the neighbour index's trie for one
 * target at a time (the search state behind the `neighbourSearch` kernel, distance-search.ts).
 *
 * Neighbours are ordered by (distance, row): the k nearest are the first k reference rows in that
 * order, so ties go to the lowest row. A node at level j carries the partial sum S_j of its first j
 * terms (each term as in distance-pair.ts, or a lower bound of it for a bucket of numeric values); the
 * sum over all columns is at least S_j, so
 *   Gower:      d ≥ S_j / p_t   (p_t = columns the target has a value in; |P| ≤ p_t),
 *   Manhattan:  d ≥ S_j         (the p/|P| factor is ≥ 1).
 * The bound is shrunk by a relative 1e-12 before comparing, which covers the rounding difference
 * between summing in level order and in column order. A node is pruned when its bound exceeds the
 * current k-th distance d_k, or equals it and every row below it is above the k-th row — so pruning
 * never changes the answer: it equals a brute-force scan (indices, and bit-identical distances, which
 * are computed at the leaves in column order).
 *
 * Before entering a child run, the bound is raised by the numeric columns still below it: each run
 * record carries the smallest and largest value rank of those columns in the run, and the target's
 * gap to that range is a lower bound of the column's term (0 when the range holds a skipped NaN value
 * or a rank compatible with the target's value) — a bounding-box bound as in k-d trees.
 *
 * Children are visited best first: compatible or skipped keys by binary search, then mismatching
 * categorical keys (only when one more mismatch still fits under d_k), then numeric buckets outward
 * from the target's value until the gap alone exceeds d_k. Ranges of ≤ LEAF tuples are scanned.
 *
 * With `countTies`, nodes whose bound equals the current nearest distance are never pruned on rows,
 * so every tuple at the final nearest distance d_1 is evaluated and `ties` counts the rows at d_1.
 */
import { MISSING, WILDCARD } from '../../src/encode/types.js';
import { numericTerm } from './distance-pair.js';
import { TrieState } from './distance-trie-state.js';

const LEAF = 2;
const SAFE = 1 - 1e-12;

/** First run r in [lo, hi) whose key is ≥ key. */
function lowerBound(keys: Int32Array, lo: number, hi: number, key: number): number {
  if (hi - lo <= 16) {
    while (lo < hi && keys[lo] < key) lo++;
    return lo;
  }
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (keys[m] < key) lo = m + 1;
    else hi = m;
  }
  return lo;
}

/** Branch and bound over the trie for the target set in the state. */
export class TrieSearch extends TrieState {
  /** Searches the current target (state set by the caller); results in bestD / bestR / ties. */
  search(): void {
    this.filled = 0;
    this.ties = 0;
    const root = this.runKeys.length > 0 ? this.runKeys[0].length : 0;
    if (this.pmax > 0) this.visit(0, 0, root, 0, this.tuples, 0, this.minRow);
  }

  private bound(partial: number): number {
    return (this.gower ? partial / this.pmax : partial) * SAFE;
  }

  private pruned(lb: number, minRow: number): boolean {
    const k = this.k;
    if (this.filled < k) return false;
    const dk = this.bestD[k - 1];
    if (lb > dk) return true;
    return lb >= dk && minRow > this.bestR[k - 1] && !(this.countTies && lb <= this.bestD[0]);
  }

  /**
   * Enters child run r of level `level` unless pruned, first on `lb`, then on `lb` raised by the
   * smallest terms the run's rank boxes allow for the numeric columns below.
   */
  private child(level: number, r: number, partial: number, lb: number): void {
    const rec = this.runs[level];
    const S = this.stride[level];
    const o = S * r;
    const min = rec[o];
    if (this.pruned(lb, min)) return;
    const cols = this.below[level];
    if (cols.length > 0 && this.filled === this.k) {
      const extra = this.boxTerms(rec, o + 3, cols);
      if (extra > 0 && this.pruned(this.bound(partial + extra), min)) return;
    }
    this.visit(level + 1, rec[o + 2], rec[o + S + 2], rec[o + 1], rec[o + S + 1], partial, min);
  }

  /**
   * Σ over numeric columns c of the smallest term between the target's value and a rank box
   * [rec[o+2i], rec[o+2i+1]]: 0 when the target has no value, the box holds a NaN (skipped) or a
   * rank marked compatible, or the value lies inside; else the gap to the nearer edge.
   */
  private boxTerms(rec: Int32Array, o: number, cols: Int32Array): number {
    let extra = 0;
    for (let i = 0; i < cols.length; i++) {
      const c = cols[i];
      const x = this.tx[c];
      const lo = rec[o + 2 * i];
      const hi = rec[o + 2 * i + 1];
      if (Number.isNaN(x) || hi >= this.finite[c]) continue;
      const num = this.rankNumber[c];
      const vlo = num[lo];
      const vhi = num[hi];
      if (x >= vlo && x <= vhi) continue;
      const mr = this.mranks[c];
      let inside = false;
      for (let m = 0; m < this.nMranks[c]; m++) if (mr[m] >= lo && mr[m] <= hi) inside = true;
      if (inside) continue;
      extra +=
        x < vlo
          ? numericTerm(this.gower, vlo, x, this.scale[c])
          : numericTerm(this.gower, x, vhi, this.scale[c]);
    }
    return extra;
  }

  private visitAll(level: number, ra: number, rb: number, partial: number): void {
    const lb = this.bound(partial);
    for (let r = ra; r < rb; r++) this.child(level, r, partial, lb);
  }

  /** Children whose keys are on column c's zero list, with the partial sum unchanged. */
  private visitZero(level: number, c: number, ra: number, rb: number, partial: number): void {
    const keys = this.runKeys[level];
    const zk = this.zero[c];
    const nz = this.nZero[c];
    const lb = this.bound(partial);
    let lo = ra;
    for (let z = 0; z < nz && lo < rb; z++) {
      const r = lowerBound(keys, lo, rb, zk[z]);
      if (r < rb && keys[r] === zk[z]) {
        this.child(level, r, partial, lb);
        lo = r + 1;
      } else lo = r;
    }
  }

  private visitCategorical(
    level: number,
    c: number,
    ra: number,
    rb: number,
    partial: number,
    min: number,
  ): void {
    const t0 = this.tc[c];
    if (t0 === MISSING || t0 === WILDCARD) {
      this.visitAll(level, ra, rb, partial);
      return;
    }
    this.visitZero(level, c, ra, rb, partial);
    const np = partial + 1;
    const lb = this.bound(np);
    if (this.pruned(lb, min)) return;
    const keys = this.runKeys[level];
    const mk = this.mark[c];
    const stamp = this.stamp;
    for (let r = ra; r < rb; r++) {
      const key = keys[r];
      if (key > 1 && mk[key] !== stamp) this.child(level, r, np, lb);
    }
  }

  private visitNumeric(level: number, c: number, ra: number, rb: number, partial: number): void {
    const x = this.tx[c];
    if (Number.isNaN(x)) {
      this.visitAll(level, ra, rb, partial);
      return;
    }
    this.visitZero(level, c, ra, rb, partial);
    const keys = this.runKeys[level];
    const bm = this.bmark[c];
    const lo = this.bucketLo[c];
    const hi = this.bucketHi[c];
    const sc = this.scale[c];
    const gower = this.gower;
    const stamp = this.stamp;
    const bnn = lowerBound(keys, ra, rb, this.nanBucket[c]);
    let right = lowerBound(keys, ra, bnn, this.xb[c]);
    let left = right - 1;
    for (;;) {
      while (right < bnn && bm[keys[right]] === stamp) right++;
      while (left >= ra && bm[keys[left]] === stamp) left--;
      const dr = right < bnn ? numericTerm(gower, lo[keys[right]], x, sc) : Number.POSITIVE_INFINITY;
      const hl = left >= ra ? hi[keys[left]] : Number.NaN;
      const dl = left < ra ? Number.POSITIVE_INFINITY : x > hl ? numericTerm(gower, x, hl, sc) : 0;
      if (dr === Number.POSITIVE_INFINITY && dl === Number.POSITIVE_INFINITY) return;
      const goRight = dr <= dl;
      const np = partial + (goRight ? dr : dl);
      const lb = this.bound(np);
      if (this.filled === this.k && lb > this.bestD[this.k - 1]) {
        if (goRight) right = bnn;
        else left = ra - 1;
        continue;
      }
      if (goRight) this.child(level, right++, np, lb);
      else this.child(level, left--, np, lb);
    }
  }

  /** A node: child runs [ra, rb) of level `level`, tuples [a, b), partial sum, lowest row. */
  private visit(
    level: number,
    ra: number,
    rb: number,
    a: number,
    b: number,
    partial: number,
    min: number,
  ): void {
    this.nodes++;
    if (level === this.P || b - a <= LEAF) {
      for (let t = a; t < b; t++) this.evalTuple(t);
      return;
    }
    const c = this.colOfLevel[level];
    if (this.numeric[c]) this.visitNumeric(level, c, ra, rb, partial);
    else this.visitCategorical(level, c, ra, rb, partial, min);
  }
}
