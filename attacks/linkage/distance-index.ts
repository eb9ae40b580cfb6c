/**
 * @module attacks/linkage/distance-index — the reference side of exact nearest-neighbour search: a
 * sorted table of distinct QI tuples read as a trie (a pure kernel, run once per reference table).
 *
 * 1. Rows with identical code tuples are one *tuple* (generalized releases repeat tuples heavily); a
 *    tuple keeps its rows in ascending order (CSR), so ties resolve to the lowest row without looking
 *    at every row.
 * 2. Every column gets a level key and an exact key (distance-keys.ts).
 * 3. Columns are ordered into trie levels (by default categorical before numeric, each by fewest
 *    distinct level keys first; see `BuildIndexPayload.order`) and tuples sorted lexicographically by
 *    (level keys, then exact keys) with a stable LSD radix sort (distance-sort.ts). A trie node at
 *    depth j is then a contiguous range of tuples sharing their first j level keys, and its children
 *    are the *runs* of equal key j inside it. Level j lists its runs in tuple order: their keys in
 *    one array (a node's children's keys are contiguous, so binary search and scans touch few cache
 *    lines), and records of 3 + 2·q_j Int32 — lowest row in the run, first tuple, first child run at
 *    level j+1, then for each of the q_j numeric columns at deeper levels the smallest and largest
 *    value rank in the run (a bounding box: NaN ranks sort last, so a largest rank ≥ `finite` means a
 *    skipped value) — plus a sentinel record. Run r spans tuples [first(r), first(r+1)) and child
 *    runs [child(r), child(r+1)).
 *    The lowest row lets the search settle ties without descending; the box bounds the numeric terms
 *    still to come.
 * 4. Each tuple is a record of p + 2 Int32 — its exact keys, the start of its rows in `rowList` and
 *    its lowest row — so computing a tuple's distance and claiming its first row touch one or two
 *    cache lines (a sentinel record closes the last tuple's rows).
 *
 * Build cost: O((p + q)·n) for the sort (q bucketed numeric columns) plus O(p·T) for the run tables;
 * memory at most 20·p·T bytes on shared buffers for T distinct tuples (deep levels have ~T runs,
 * shallow ones few).
 */
import { columnKeys, type IndexColumnInput, type NumericRanks } from './distance-keys.js';
import type { SharedView } from './distance-pair.js';
import { i32, newI32, shareI32 } from './distance-pair.js';
import { distinctKeys, gather, sortPositions } from './distance-sort.js';

export type { IndexColumnInput, NumericRanks } from './distance-keys.js';

export interface BuildIndexPayload {
  columns: IndexColumnInput[];
  /** Reference rows to index, distinct and ascending (absent: every row). */
  rows?: SharedView;
  /** Number of rows of the table (used when `rows` is absent). */
  tableRows: number;
  /** Numeric columns with more distinct values are bucketed (default 256). */
  maxBuckets?: number;
  /**
   * Trie level order as column indices. Default: categorical columns, then numeric ones, each by
   * ascending number of distinct level keys. A categorical mismatch costs a whole unit in both
   * metrics, so once the first neighbours are found the categorical levels mostly follow the target's
   * own (compatible) keys by lookup, and the numeric levels, whose terms are fractions, are expanded
   * in value order near the leaves (on the 1M-row bench this is 5–10× faster for Gower than mixing
   * the kinds, and within 1.5× of the best order tried for Manhattan).
   */
  order?: number[];
}

/** The built index (all arrays on shared memory; postable). */
export interface NeighbourIndex {
  /** Reference rows indexed and distinct tuples among them. */
  rows: number;
  tuples: number;
  numeric: boolean[];
  /** Level → column, column → level. */
  columnOfLevel: number[];
  levelOf: number[];
  /** Per level: each run's key. */
  runKeys: SharedView[];
  /** Per level: run records (lowest row, first tuple, first child run, boxes) and a sentinel. */
  runs: SharedView[];
  /** Per level: numeric columns at deeper levels (whose rank boxes the level's records carry). */
  below: number[][];
  /**
   * Tuple records, stride p + 2: exact key of column c at t·(p+2) + c (categorical code + 2; numeric
   * value rank), then the start of the tuple's rows in rowList, then its lowest row; T + 1 records.
   */
  tupleRecords: SharedView;
  /** Per numeric column its ranks (null for categorical columns). */
  ranks: Array<NumericRanks | null>;
  /** Per column: size of the exact key space. */
  keySpace: number[];
  /** Per column: whether the wildcard key / a skipped key (missing, NaN bucket) occurs. */
  hasWildcard: boolean[];
  hasSkip: boolean[];
  /** Rows of all tuples, each tuple's ascending. */
  rowList: SharedView;
  /** Lowest row of all. */
  minRow: number;
}

/**
 * Run records per level (see the module comment): tuple t starts a run at level j when it differs from
 * tuple t − 1 at some level ≤ j (`firstDiff[t] ≤ j`).
 */
function buildRuns(
  firstDiff: Int32Array,
  T: number,
  levelArr: Int32Array[],
  below: number[][],
  exactSorted: Int32Array[],
  tupleStart: Int32Array,
  rowList: Int32Array,
): { runKeys: SharedView[]; runs: SharedView[] } {
  const P = levelArr.length;
  const count = new Int32Array(P + 1);
  for (let t = 0; t < T; t++) for (let j = firstDiff[t]; j < P; j++) count[j]++;
  const stride = below.map((b) => 3 + 2 * b.length);
  const recs = Array.from({ length: P }, (_, j) => newI32(stride[j] * (count[j] + 1)));
  const keys = Array.from({ length: P }, (_, j) => newI32(count[j]));
  const cur = new Int32Array(P).fill(-1);
  for (let t = 0; t < T; t++) {
    const q = tupleStart[t];
    const row = rowList[q];
    for (let j = 0; j < P; j++) {
      const rec = recs[j];
      const S = stride[j];
      const cols = below[j];
      if (firstDiff[t] <= j) {
        const r = ++cur[j];
        const o = S * r;
        keys[j][r] = levelArr[j][q];
        rec[o] = row;
        rec[o + 1] = t;
        rec[o + 2] = j + 1 < P ? cur[j + 1] + 1 : t;
        for (let i = 0; i < cols.length; i++) {
          const rank = exactSorted[cols[i]][q];
          rec[o + 3 + 2 * i] = rank;
          rec[o + 4 + 2 * i] = rank;
        }
      } else {
        const o = S * cur[j];
        if (row < rec[o]) rec[o] = row;
        for (let i = 0; i < cols.length; i++) {
          const rank = exactSorted[cols[i]][q];
          if (rank < rec[o + 3 + 2 * i]) rec[o + 3 + 2 * i] = rank;
          if (rank > rec[o + 4 + 2 * i]) rec[o + 4 + 2 * i] = rank;
        }
      }
    }
  }
  for (let j = 0; j < P; j++) {
    const o = stride[j] * count[j];
    recs[j][o + 1] = T;
    recs[j][o + 2] = j + 1 < P ? count[j + 1] : T;
  }
  return { runKeys: keys.map(shareI32), runs: recs.map(shareI32) };
}

/**
 * Builds the index of a reference table (a kernel).
 * @returns the index; its arrays live on shared memory and are shared, not copied, with every worker
 */
export function buildNeighbourIndex(p: BuildIndexPayload): NeighbourIndex {
  const rowsSel = p.rows ? i32(p.rows) : null;
  const n = rowsSel ? rowsSel.length : p.tableRows;
  const rowAt = rowsSel ? (i: number) => rowsSel[i] : (i: number) => i;
  const P = p.columns.length;
  const keys = p.columns.map((c) => columnKeys(c, rowAt, n, p.maxBuckets ?? 256));
  const columnOfLevel =
    p.order ??
    keys
      .map((k, c) => ({ c, num: k.ranks ? 1 : 0, d: distinctKeys(k.level, k.levelRadix) }))
      .sort((a, b) => a.num - b.num || a.d - b.d || a.c - b.c)
      .map((x) => x.c);
  const levelOf = new Array<number>(P);
  columnOfLevel.forEach((c, j) => {
    levelOf[c] = j;
  });
  const perm = sortPositions(keys, columnOfLevel, n);
  // Keys in sorted order; distinct tuples and the first level at which each differs from its
  // predecessor (P: exact keys only).
  const levelArr = columnOfLevel.map((c) => gather(keys[c].level, perm));
  const exactSorted = keys.map((k, c) =>
    k.refines || k.ranks ? gather(k.exact, perm) : levelArr[levelOf[c]],
  );
  const exactArr = exactSorted.filter((_, c) => keys[c].refines);
  const firstDiff = new Int32Array(n + 1);
  const tupleStart = new Int32Array(n + 1);
  let T = 0;
  for (let i = 0; i < n; i++) {
    let diff = 0;
    if (i > 0) {
      diff = P + 1;
      for (let j = 0; j < P; j++) {
        if (levelArr[j][i - 1] !== levelArr[j][i]) {
          diff = j;
          break;
        }
      }
      if (diff > P) for (const e of exactArr) if (e[i - 1] !== e[i]) diff = P;
    }
    if (diff <= P) {
      firstDiff[T] = diff;
      tupleStart[T++] = i;
    }
  }
  tupleStart[T] = n;
  const rowList = newI32(n);
  for (let i = 0; i < n; i++) rowList[i] = rowAt(perm[i]);
  const W = P + 2;
  const tupleRecords = newI32((T + 1) * W);
  let minRow = 2 ** 31 - 1;
  for (let t = 0; t < T; t++) {
    const q = tupleStart[t];
    for (let c = 0; c < P; c++) tupleRecords[t * W + c] = exactSorted[c][q];
    tupleRecords[t * W + P] = tupleStart[t];
    tupleRecords[t * W + P + 1] = rowList[tupleStart[t]];
    minRow = Math.min(minRow, rowList[tupleStart[t]]);
  }
  tupleRecords[T * W + P] = n;
  tupleRecords[T * W + P + 1] = -1;
  const below = columnOfLevel.map((_, j) => columnOfLevel.filter((c, l) => l > j && keys[c].ranks !== null));
  const { runKeys, runs } = buildRuns(firstDiff, T, levelArr, below, exactSorted, tupleStart, rowList);
  return {
    rows: n,
    tuples: T,
    numeric: p.columns.map((c) => c.numeric),
    columnOfLevel,
    levelOf,
    runKeys,
    runs,
    below,
    tupleRecords: shareI32(tupleRecords),
    ranks: keys.map((k) => k.ranks),
    keySpace: keys.map((k) => k.exactRadix),
    hasWildcard: keys.map((k) => k.hasWildcard),
    hasSkip: keys.map((k) => k.hasSkip),
    rowList: shareI32(rowList),
    minRow,
  };
}
