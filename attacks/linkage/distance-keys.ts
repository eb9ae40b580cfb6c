/**
 * @module attacks/linkage/distance-keys — per-column sort keys for the neighbour index (distance-index.ts).
 *
 * Categorical: key = code + 2 (WILDCARD → 0, MISSING → 1, values → 2 …). Numeric / date: the codes
 * present in the reference are ranked by value (NaN last, equal values by code); past `maxBuckets`
 * distinct values, consecutive ranks are cut into equal-count buckets, and all NaN ranks form one
 * bucket after the others. The trie branches on the bucket (the *level key*); the exact rank
 * identifies the value.
 */
import type { SharedView } from './distance-pair.js';
import { f64, i32, newF64, newI32, shareI32 } from './distance-pair.js';

/** One reference column as the build kernel reads it. */
export interface IndexColumnInput {
  numeric: boolean;
  /** Int32 codes of the whole table. */
  codes: SharedView;
  /** Float64 numbers of the whole table (numeric columns). */
  numbers?: SharedView;
  /** Dictionary size of the column (codes are −2 … cardinality − 1). */
  cardinality: number;
}

/** Value ranks of a numeric column (ranks sorted by value, NaN last; buckets of consecutive ranks). */
export interface NumericRanks {
  /** code + 2 → rank (−1: the code does not occur in the reference). */
  rankOfKey: SharedView;
  /** rank → number (NaN for the trailing NaN ranks). */
  rankNumber: SharedView;
  /** rank → bucket (NaN ranks → `nanBucket`). */
  bucketOfRank: SharedView;
  /** Per bucket: smallest and largest number in it. */
  bucketLo: SharedView;
  bucketHi: SharedView;
  /** Id of the NaN bucket (= number of numeric buckets). */
  nanBucket: number;
  /** Number of ranks with a value (ranks ≥ this are NaN). */
  finite: number;
}

/** Keys of one column over the indexed rows. */
export interface ColumnKeys {
  /** Level key per row (categorical key, or numeric bucket) and its radix. */
  level: Int32Array;
  levelRadix: number;
  /** Exact key per row (categorical key, or numeric rank) and its radix. */
  exact: Int32Array;
  exactRadix: number;
  /** Whether the exact key refines the level key (a sort pass and a tuple split are needed for it). */
  refines: boolean;
  ranks: NumericRanks | null;
  /** Whether some row's level key is the wildcard key 0 / missing key 1 / the NaN bucket. */
  hasWildcard: boolean;
  hasSkip: boolean;
}

/** Level and exact keys of one column over the indexed rows (`rowAt(i)` is the i-th indexed row). */
export function columnKeys(
  c: IndexColumnInput,
  rowAt: (i: number) => number,
  n: number,
  maxBuckets: number,
): ColumnKeys {
  const codes = i32(c.codes);
  const space = c.cardinality + 2;
  if (!c.numeric) {
    const level = new Int32Array(n);
    let hasWildcard = false;
    let hasSkip = false;
    for (let i = 0; i < n; i++) {
      const key = codes[rowAt(i)] + 2;
      level[i] = key;
      if (key === 0) hasWildcard = true;
      else if (key === 1) hasSkip = true;
    }
    return {
      level,
      levelRadix: space,
      exact: level,
      exactRadix: space,
      refines: false,
      ranks: null,
      hasWildcard,
      hasSkip,
    };
  }
  const numbers = c.numbers ? f64(c.numbers) : null;
  const numOfKey = new Float64Array(space).fill(Number.NaN);
  const present = new Uint8Array(space);
  for (let i = 0; i < n; i++) {
    const r = rowAt(i);
    const key = codes[r] + 2;
    if (!present[key]) {
      present[key] = 1;
      numOfKey[key] = numbers ? numbers[r] : Number.NaN;
    }
  }
  const keys: number[] = [];
  for (let key = 0; key < space; key++) if (present[key]) keys.push(key);
  keys.sort((a, b) => {
    const na = Number.isNaN(numOfKey[a]);
    const nb = Number.isNaN(numOfKey[b]);
    if (na !== nb) return na ? 1 : -1;
    return na || numOfKey[a] === numOfKey[b] ? a - b : numOfKey[a] - numOfKey[b];
  });
  const R = keys.length;
  let Rn = 0;
  while (Rn < R && !Number.isNaN(numOfKey[keys[Rn]])) Rn++;
  const B = Math.min(Rn, maxBuckets);
  const rankOfKey = newI32(space).fill(-1);
  const rankNumber = newF64(R);
  const bucketOfRank = newI32(R);
  const bucketLo = newF64(B + 1).fill(Number.NaN);
  const bucketHi = newF64(B + 1).fill(Number.NaN);
  for (let r = 0; r < R; r++) {
    rankOfKey[keys[r]] = r;
    rankNumber[r] = numOfKey[keys[r]];
    const b = r < Rn ? (Rn <= maxBuckets ? r : Math.floor((r * maxBuckets) / Rn)) : B;
    bucketOfRank[r] = b;
    if (r < Rn) {
      if (Number.isNaN(bucketLo[b])) bucketLo[b] = rankNumber[r];
      bucketHi[b] = rankNumber[r];
    }
  }
  const level = new Int32Array(n);
  const exact = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const rank = rankOfKey[codes[rowAt(i)] + 2];
    level[i] = bucketOfRank[rank];
    exact[i] = rank;
  }
  const view = (a: Float64Array, length: number) => ({
    buffer: a.buffer as SharedArrayBuffer,
    offset: 0,
    length,
  });
  return {
    level,
    levelRadix: B + 1,
    exact,
    exactRadix: R,
    refines: Rn > maxBuckets || R - Rn > 1,
    ranks: {
      rankOfKey: shareI32(rankOfKey),
      rankNumber: view(rankNumber, R),
      bucketOfRank: shareI32(bucketOfRank),
      bucketLo: view(bucketLo, B + 1),
      bucketHi: view(bucketHi, B + 1),
      nanBucket: B,
      finite: Rn,
    },
    hasWildcard: false,
    hasSkip: R > Rn,
  };
}
