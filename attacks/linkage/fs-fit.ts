/**
 * @module attacks/linkage/fs-fit — the main-thread steps of Fellegi–Sunter linkage: numeric bands,
 * u from seeded random pairs, merging the shards' pair lists, and pattern weights.
 */
import { deriveSeed } from '../../src/stats/random.js';
import type { AttackContext } from '../types.js';
import type { BlockIndex } from './block.js';
import { type FsPayload, LEVELS } from './compare.js';
import { type CandidatePatterns, normalize } from './em.js';
import type { ShardPairs } from './fs-kernels.js';
import type { LinkageData } from './prepare.js';

/** Numeric closeness band, as a fraction of the released range. */
export const NUMERIC_BAND = 0.05;

/** Random pairs for u, in this many seeded shards (fixed, so results do not depend on --workers). */
const U_SHARDS = 4;
const U_PAIRS_PER_SHARD = 50_000;

/**
 * Targets whose candidates (summed over the passes' buckets) exceed `max`: in so coarse a release the
 * attacker cannot single a record out by weights, and comparing them all would cost O(targets × rows).
 */
export function tooManyCandidates(passes: readonly BlockIndex[], targets: number, max: number): Uint8Array {
  const skip = new Uint8Array(new SharedArrayBuffer(Math.max(1, targets)), 0, targets);
  for (let t = 0; t < targets; t++) {
    let n = 0;
    for (const b of passes) {
      const lo = b.targetOffsets[t];
      const hi = b.targetOffsets[t + 1];
      if (hi > lo && b.targetBuckets[lo] === -1) continue;
      for (let q = lo; q < hi; q++)
        n += b.bucketOffsets[b.targetBuckets[q] + 1] - b.bucketOffsets[b.targetBuckets[q]];
    }
    if (n > max) skip[t] = 1;
  }
  return skip;
}

/** Per field: the CLOSE band (NUMERIC_BAND × the range of released numbers; 0 for categorical). */
export function bands(data: LinkageData, used: number[]): Float64Array {
  return Float64Array.from(used, (j) => {
    const x = data.fields[j].releaseNumbers;
    if (!x) return 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < x.length; i++) {
      if (x[i] < lo) lo = x[i];
      if (x[i] > hi) hi = x[i];
    }
    return hi > lo ? NUMERIC_BAND * (hi - lo) : 0;
  });
}

/**
 * u per field from seeded random (target, release row) pairs, with add-½ smoothing; and the raw level
 * counts (a level never seen gets no pseudo-count in m).
 */
export async function estimateU(
  ctx: AttackContext,
  base: FsPayload,
): Promise<{ u: Float64Array[]; seen: Float64Array[] }> {
  const parts = await ctx.pool.map(
    'linkage.fsRandomPairs',
    Array.from({ length: U_SHARDS }, (_, s) => ({
      ...base,
      seed: deriveSeed(ctx.seed, `probabilistic-u-${s}`),
      pairs: U_PAIRS_PER_SHARD,
    })),
  );
  const seen = base.used.map((_, a) => {
    const x = new Float64Array(LEVELS);
    for (const part of parts) for (let l = 1; l < LEVELS; l++) x[l] += part[a * LEVELS + l];
    return x;
  });
  const u = seen.map((x) => normalize(Float64Array.from(x, (v, l) => (l > 0 ? v + 0.5 : 0))));
  return { u, seen };
}

/** Merges the shards' pair lists into one, with pattern ids into the sorted union of keys. */
export function mergePairs(parts: readonly ShardPairs[]): CandidatePatterns {
  const all = new Set<number>();
  for (const r of parts) for (const k of r.keys) all.add(k);
  const keys = Float64Array.from([...all].sort((a, b) => a - b));
  const idOf = new Map<number, number>();
  for (let g = 0; g < keys.length; g++) idOf.set(keys[g], g);
  let n = 0;
  let T = 0;
  for (const r of parts) {
    n += r.pattern.length;
    T += r.offsets.length - 1;
  }
  const offsets = new Int32Array(T + 1);
  const pattern = new Int32Array(n);
  const count = new Int32Array(n);
  let t = 0;
  let q = 0;
  for (const r of parts) {
    const remap = Int32Array.from(r.keys, (k) => idOf.get(k)!);
    for (let i = 0; i < r.pattern.length; i++) pattern[q + i] = remap[r.pattern[i]];
    count.set(r.count, q);
    for (let s = 1; s < r.offsets.length; s++) offsets[++t] = q + r.offsets[s];
    q += r.pattern.length;
  }
  return { keys, offsets, pattern, count };
}

/** W of each pattern key: Σ_k weights[k·LEVELS + level_k]. */
export function patternWeights(keys: Float64Array, weights: Float64Array, fields: number): Float64Array {
  return Float64Array.from(keys, (key) => {
    let s = 0;
    for (let k = 0; k < fields; k++) {
      s += weights[k * LEVELS + (key % LEVELS)];
      key = Math.floor(key / LEVELS);
    }
    return s;
  });
}
