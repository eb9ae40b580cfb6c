/**
 * @module attacks/linkage/distance-trie-state — the per-target state of the trie search
 * (distance-trie.ts): the index's arrays as typed views, the target's codes, values and zero-term
 * marks, the k best (distance, row) pairs so far, and the exact distance of a leaf tuple (computed
 * over the columns in their given order, as distance-pair.ts defines it).
 */
import { MISSING, WILDCARD } from '../../src/encode/types.js';
import type { NeighbourIndex } from './distance-index.js';
import { combine, f64, i32, numericTerm } from './distance-pair.js';

const EMPTY_I = new Int32Array(0);
const EMPTY_F = new Float64Array(0);

/** Search state over one index: the caller sets a target's fields (tc, tx, marks …), then searches. */
export class TrieState {
  readonly P: number;
  readonly numeric: Uint8Array;
  readonly colOfLevel: Int32Array;
  readonly runKeys: Int32Array[];
  readonly runs: Int32Array[];
  /** Per level: record stride and the numeric columns whose rank boxes the records carry. */
  readonly stride: Int32Array;
  readonly below: Int32Array[];
  /** Per numeric column: number of ranks with a value. */
  readonly finite: Int32Array;
  readonly tupleRecords: Int32Array;
  readonly rankNumber: Float64Array[];
  readonly bucketLo: Float64Array[];
  readonly bucketHi: Float64Array[];
  readonly nanBucket: Int32Array;
  readonly rowList: Int32Array;
  readonly tuples: number;
  readonly minRow: number;
  // Per target: codes, numbers, zero-term marks (key / rank space) and bucket marks, zero-key lists.
  readonly tc: Int32Array;
  readonly tx: Float64Array;
  /** Numeric: first bucket whose smallest value exceeds the target's. */
  readonly xb: Int32Array;
  readonly mark: Int32Array[];
  readonly bmark: Int32Array[];
  readonly zero: Int32Array[];
  readonly nZero: Int32Array;
  /** Numeric: the ranks marked as zero terms (own value, compatible intervals). */
  readonly mranks: Int32Array[];
  readonly nMranks: Int32Array;
  stamp = 0;
  /** Columns the target has a value in. */
  pmax = 0;
  // Results for the current target.
  readonly bestD: Float64Array;
  readonly bestR: Int32Array;
  filled = 0;
  ties = 0;
  evaluated = 0;
  nodes = 0;

  constructor(
    ix: NeighbourIndex,
    readonly k: number,
    readonly gower: boolean,
    readonly countTies: boolean,
    readonly scale: Float64Array,
  ) {
    this.P = ix.numeric.length;
    this.numeric = Uint8Array.from(ix.numeric, (b) => (b ? 1 : 0));
    this.colOfLevel = Int32Array.from(ix.columnOfLevel);
    this.runKeys = ix.runKeys.map(i32);
    this.runs = ix.runs.map(i32);
    this.below = ix.below.map((b) => Int32Array.from(b));
    this.stride = Int32Array.from(ix.below, (b) => 3 + 2 * b.length);
    this.finite = Int32Array.from(ix.ranks, (r) => (r ? r.finite : 0));
    this.tupleRecords = i32(ix.tupleRecords);
    this.rankNumber = ix.ranks.map((r) => (r ? f64(r.rankNumber) : EMPTY_F));
    this.bucketLo = ix.ranks.map((r) => (r ? f64(r.bucketLo) : EMPTY_F));
    this.bucketHi = ix.ranks.map((r) => (r ? f64(r.bucketHi) : EMPTY_F));
    this.nanBucket = Int32Array.from(ix.ranks, (r) => (r ? r.nanBucket : 0));
    this.rowList = i32(ix.rowList);
    this.tuples = ix.tuples;
    this.minRow = ix.minRow;
    this.tc = new Int32Array(this.P);
    this.tx = new Float64Array(this.P);
    this.xb = new Int32Array(this.P);
    this.mark = ix.keySpace.map((n) => new Int32Array(n));
    this.bmark = ix.ranks.map((r) => (r ? new Int32Array(r.nanBucket + 1) : EMPTY_I));
    this.zero = ix.keySpace.map((n, c) => new Int32Array(ix.ranks[c] ? ix.ranks[c].nanBucket + 1 : n));
    this.nZero = new Int32Array(this.P);
    this.mranks = ix.keySpace.map((n, c) => (ix.ranks[c] ? new Int32Array(n) : EMPTY_I));
    this.nMranks = new Int32Array(this.P);
    this.bestD = new Float64Array(k);
    this.bestR = new Int32Array(k);
  }

  /** Adds a key (categorical) or bucket (numeric) to column c's sorted zero-term list. */
  addZero(c: number, key: number): void {
    const z = this.zero[c];
    let i = this.nZero[c]++;
    while (i > 0 && z[i - 1] > key) {
      z[i] = z[i - 1];
      i--;
    }
    z[i] = key;
  }

  /** Offers (d, row) to the k best; false when it does not enter. */
  protected insert(d: number, r: number): boolean {
    const { k, bestD, bestR } = this;
    if (this.filled === k && (d > bestD[k - 1] || (d === bestD[k - 1] && r > bestR[k - 1]))) return false;
    let i = this.filled < k ? this.filled++ : k - 1;
    while (i > 0 && (bestD[i - 1] > d || (bestD[i - 1] === d && bestR[i - 1] > r))) {
      bestD[i] = bestD[i - 1];
      bestR[i] = bestR[i - 1];
      i--;
    }
    bestD[i] = d;
    bestR[i] = r;
    return true;
  }

  /** Computes tuple t's distance and offers its rows. */
  protected evalTuple(t: number): void {
    this.evaluated++;
    const { P, numeric, tupleRecords, tc, tx, mark, stamp } = this;
    let sum = 0;
    let present = 0;
    const base = t * (P + 2);
    for (let c = 0; c < P; c++) {
      const key = tupleRecords[base + c];
      if (numeric[c]) {
        const x = tx[c];
        if (Number.isNaN(x)) continue;
        const v = this.rankNumber[c][key];
        if (Number.isNaN(v)) continue;
        present++;
        if (mark[c][key] !== stamp) sum += numericTerm(this.gower, x, v, this.scale[c]);
      } else {
        const t0 = tc[c];
        if (key === 1 || t0 === MISSING) continue;
        present++;
        if (key !== 0 && t0 !== WILDCARD && mark[c][key] !== stamp) sum += 1;
      }
    }
    const d = combine(this.gower, sum, present, P);
    if (d === Number.POSITIVE_INFINITY) return;
    const start = tupleRecords[base + P];
    const end = tupleRecords[base + 2 * P + 2];
    if (this.countTies) {
      const n = end - start;
      if (this.filled === 0 || d < this.bestD[0]) this.ties = n;
      else if (d === this.bestD[0]) this.ties += n;
    }
    if (!this.insert(d, tupleRecords[base + P + 1])) return;
    const rowList = this.rowList;
    for (let q = start + 1; q < end; q++) if (!this.insert(d, rowList[q])) break;
  }
}
