/**
 * @module attacks/linkage/block — blocking: which release rows a target is compared with.
 *
 * A blocking key is the tuple of (canonical) codes of a few QIs. Release rows are bucketed by their key
 * exactly as released, generalized codes included. A target's compatible keys are the product, over the
 * key's QIs, of the codes compatible with its value there: its own canonical code, the generalized
 * codes that cover it (interval, hierarchy ancestor, mask, `*`) and the wildcard; all codes when the
 * target's value is unknown. So a bucket look-up returns exactly the rows compatible on the key's QIs,
 * generalized or not, and no catch-all list is needed.
 *
 * Choosing the key's QIs: most discriminating first, measured by the collision probability
 * Σ_v (n_v / n)² of the released plain values (a skew-aware form of "most distinct values"); QIs are
 * added while the expected bucket size n · Π collision stays above a budget, the number of compatible
 * keys per target stays small, and targets rarely lack the value (Fellegi & Sunter 1969 §4 discuss
 * blocking; Christen, "Data Matching", Springer 2012, ch. 4).
 */
import { sharedInt32 } from '../../src/encode/encode.js';
import { CODE_OFFSET, WILDCARD } from '../../src/encode/types.js';
import { KeyIndex } from '../shared/key-index.js';
import { digitOf, KeyTable, targetBuckets } from './block-targets.js';
import type { FieldData, LinkageData } from './prepare.js';

export { MAX_KEYS_PER_TARGET } from './block-targets.js';

/** Key spaces up to max(DIRECT_MIN, DIRECT_PER_ROW × rows) are bucketed by direct indexing (bucket id = key). */
const DIRECT_MIN = 1 << 20;
const DIRECT_PER_ROW = 8;

/** A built blocking pass, postable to workers. */
export interface BlockIndex {
  /** Field indices making up the key. */
  fields: number[];
  /** Release rows grouped by key (CSR over bucket ids). */
  bucketOffsets: Int32Array;
  bucketRows: Int32Array;
  /** Per sampled target: its compatible buckets (CSR); a single -1 means "compare with every row". */
  targetOffsets: Int32Array;
  targetBuckets: Int32Array;
  /** n · Π collision probability: the expected bucket size under independence. */
  estimate: number;
}

/** Per field: collision probability of released values, and which digits occur in the release. */
export interface FieldStats {
  collision: number;
  digits: Int32Array;
  hasWildcard: boolean;
  meanKeys: number;
  targetsMissing: number;
}

function fieldStats(f: FieldData, targetRows: Int32Array): FieldStats {
  const n = f.release.length;
  const counts = new Float64Array(f.cardinality + CODE_OFFSET);
  for (let i = 0; i < n; i++) counts[digitOf(f, f.release[i])]++;
  let collision = 0;
  const digits: number[] = [];
  for (let d = 0; d < counts.length; d++) {
    if (counts[d] === 0) continue;
    digits.push(d);
    collision += (counts[d] / n) ** 2;
  }
  const hasWildcard = counts[WILDCARD + CODE_OFFSET] > 0;
  let keys = 0;
  let missing = 0;
  for (const r of targetRows) {
    const c = f.target[r];
    if (c < 0) {
      missing++;
      keys += digits.length;
    } else keys += 1 + f.compatOffsets[c + 1] - f.compatOffsets[c] + (hasWildcard ? 1 : 0);
  }
  const t = Math.max(1, targetRows.length);
  return {
    collision: n > 0 ? collision : 1,
    digits: Int32Array.from(digits),
    hasWildcard,
    meanKeys: keys / t,
    targetsMissing: missing / t,
  };
}

/**
 * Plans blocking passes over disjoint sets of fields.
 * @param data - the prepared fields
 * @param budget - stop adding fields once the expected bucket size is at most this
 * @param passes - at most this many passes (each over fields unused by earlier ones)
 * @param maxEstimate - a later pass is dropped when its expected bucket size stays above this
 * @returns per pass, the field indices and the expected bucket size
 */
export function planBlocking(
  data: LinkageData,
  budget: number,
  passes: number,
  maxEstimate: number,
): Array<{ fields: number[]; estimate: number; stats: FieldStats[] }> {
  const stats = data.fields.map((f) => fieldStats(f, data.targetRows));
  const order = stats
    .map((_, j) => j)
    .filter((j) => stats[j].targetsMissing <= 0.01 && stats[j].collision < 1)
    .sort((a, b) => stats[a].collision - stats[b].collision || a - b);
  const out: Array<{ fields: number[]; estimate: number; stats: FieldStats[] }> = [];
  const used = new Set<number>();
  for (let p = 0; p < passes; p++) {
    const fields: number[] = [];
    let estimate = data.releaseRows;
    let keys = 1;
    let radix = 1;
    for (const j of order) {
      if (used.has(j) || estimate <= budget) continue;
      const r = data.fields[j].cardinality + CODE_OFFSET;
      if (fields.length > 0 && (keys * stats[j].meanKeys > 64 || radix * r >= 2 ** 53)) continue;
      fields.push(j);
      estimate *= stats[j].collision;
      keys *= stats[j].meanKeys;
      radix *= r;
    }
    if (fields.length === 0 || (p > 0 && estimate > maxEstimate)) break;
    for (const j of fields) used.add(j);
    out.push({ fields, estimate, stats });
  }
  return out;
}

/**
 * Builds one blocking pass: buckets the release rows and lists each target's compatible buckets.
 * @param data - the prepared fields
 * @param fields - field indices of the key
 * @param stats - per-field statistics from planBlocking
 * @param estimate - expected bucket size (for the report)
 */
export function buildBlockIndex(
  data: LinkageData,
  fields: number[],
  stats: FieldStats[],
  estimate: number,
): BlockIndex {
  const n = data.releaseRows;
  const fs = fields.map((j) => data.fields[j]);
  const radix = fs.map((f) => f.cardinality + CODE_OFFSET);
  let product = 1;
  for (const r of radix) product *= r;
  // Small key spaces are indexed directly (bucket id = key); larger ones through a hash index.
  const direct = product <= Math.max(DIRECT_MIN, DIRECT_PER_ROW * n);
  const bucketOf = new Int32Array(n);
  const keyOfBucket: number[] = [];
  let buckets = product;
  if (direct) {
    for (let j = 0; j < fs.length; j++) {
      const { release, canon } = fs[j];
      const r = radix[j];
      for (let i = 0; i < n; i++) {
        const g = release[i];
        bucketOf[i] = bucketOf[i] * r + (g >= 0 ? canon[g] + CODE_OFFSET : g + CODE_OFFSET);
      }
    }
  } else {
    const index = new KeyIndex(Math.min(n, 1 << 16));
    for (let i = 0; i < n; i++) {
      let key = 0;
      for (let j = 0; j < fs.length; j++) key = key * radix[j] + digitOf(fs[j], fs[j].release[i]);
      const before = index.size;
      bucketOf[i] = index.idOf(key);
      if (bucketOf[i] === before) keyOfBucket.push(key);
    }
    buckets = index.size;
  }
  const bucketOffsets = sharedInt32(buckets + 1);
  for (let i = 0; i < n; i++) bucketOffsets[bucketOf[i] + 1]++;
  for (let b = 0; b < buckets; b++) bucketOffsets[b + 1] += bucketOffsets[b];
  const fill = bucketOffsets.slice(0, buckets);
  const bucketRows = sharedInt32(n);
  for (let i = 0; i < n; i++) bucketRows[fill[bucketOf[i]]++] = i;
  const lookup = direct
    ? { find: (k: number) => (k < product && bucketOffsets[k + 1] > bucketOffsets[k] ? k : -1) }
    : new KeyTable(Float64Array.from(keyOfBucket));
  const { offsets, list } = targetBuckets(data, fs, fields, stats, radix, lookup);
  return { fields, bucketOffsets, bucketRows, targetOffsets: offsets, targetBuckets: list, estimate };
}

/** True when release code `g` is compatible with target code `c` (`mark` stamps c's compatible codes). */
export function compatibleCode(canon: Int32Array, cc: number, g: number, stamp: Int32Array, mark: number) {
  return g >= 0 ? canon[g] === cc || stamp[g] === mark : g === WILDCARD;
}
