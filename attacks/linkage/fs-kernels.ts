/**
 * @module attacks/linkage/fs-kernels — Fellegi–Sunter kernels on the pool (levels: compare.ts).
 *
 * `fsRandomPairs` counts comparison levels over seeded random (target, release row) pairs: nearly all
 * are non-matches, so these give u. `fsPairs` lists the agreement pattern γ
 * of every candidate pair (field k's level is digit k in base LEVELS), target by target, for EM.
 * Candidates are the union of the target's buckets over all blocking passes; the per-pair lists stay
 * on shared memory so that `fsBest`, once EM has fitted the weights W (em.ts), keeps each target's
 * best candidate without comparing again.
 */
import { sharedInt32 } from '../../src/encode/encode.js';
import { rng } from '../../src/stats/random.js';
import { KeyIndex } from '../shared/key-index.js';
import { candidates, comparer, type FsPayload, LEVELS } from './compare.js';

export interface FsRandomPairsPayload extends FsPayload {
  seed: number;
  pairs: number;
}

/** Level counts per field (field-major, LEVELS per field) over seeded random pairs. */
export function fsRandomPairs(p: FsRandomPairsPayload): Float64Array {
  const cmp = comparer(p);
  const random = rng(p.seed);
  const out = new Float64Array(cmp.F * LEVELS);
  const T = p.data.targetRows.length;
  const n = p.data.releaseRows;
  for (let k = 0; k < p.pairs && T > 0 && n > 0; k++) {
    const t = Math.floor(random() * T);
    const i = Math.floor(random() * n);
    cmp.setTarget(t);
    for (let a = 0; a < cmp.F; a++) out[a * LEVELS + cmp.level(a, i)]++;
  }
  return out;
}

/** Each target's candidate pairs (ids of patterns local to the shard). */
export interface ShardPairs {
  /** Pattern key of each local pattern id. */
  keys: Float64Array;
  /** Per target of the shard (end − start + 1 offsets): its distinct patterns in `pattern` / `count`. */
  offsets: Int32Array;
  /** Local pattern id … */
  pattern: Int32Array;
  /** … and how many of the target's candidates have it (for EM). */
  count: Int32Array;
  /** Per target (end − start + 1 offsets, shared): its candidates in `pairRow` / `pairPattern`. */
  pairOffsets: Int32Array;
  pairRow: Int32Array;
  pairPattern: Int32Array;
}

/** A growable Int32 list. */
class IntList {
  data = new Int32Array(1 << 14);
  length = 0;
  push(x: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = x;
  }
  /** The list on shared memory. */
  shared(): Int32Array {
    const out = sharedInt32(this.length);
    out.set(this.data.subarray(0, this.length));
    return out;
  }
}

/** Lists the candidate pairs of targets [start, end) with their agreement patterns. */
export function fsPairs(p: FsPayload): ShardPairs {
  const cmp = comparer(p);
  const seen = new Int32Array(p.data.releaseRows);
  const index = new KeyIndex(4096);
  const keys: number[] = [];
  const T = p.end - p.start;
  const offsets = new Int32Array(T + 1);
  const pairOffsets = sharedInt32(T + 1);
  const pattern = new IntList();
  const count = new IntList();
  const pairRow = new IntList();
  const pairPattern = new IntList();
  // Per local pattern id: the last target that had it, and the position of its count.
  let lastTarget = new Int32Array(4096).fill(-1);
  let slot = new Int32Array(4096);
  for (let t = p.start; t < p.end; t++) {
    cmp.setTarget(t);
    if (!p.skip[t])
      candidates(p.passes, t, seen, t + 1, (i) => {
        let key = 0;
        for (let a = cmp.F - 1; a >= 0; a--) key = key * LEVELS + cmp.level(a, i);
        const before = index.size;
        const id = index.idOf(key);
        if (id === before) {
          keys.push(key);
          if (id === lastTarget.length) {
            const lt = new Int32Array(id * 2).fill(-1);
            lt.set(lastTarget);
            lastTarget = lt;
            const sl = new Int32Array(id * 2);
            sl.set(slot);
            slot = sl;
          }
        }
        pairRow.push(i);
        pairPattern.push(id);
        if (lastTarget[id] === t) {
          count.data[slot[id]]++;
          return;
        }
        lastTarget[id] = t;
        slot[id] = count.length;
        pattern.push(id);
        count.push(1);
      });
    offsets[t - p.start + 1] = pattern.length;
    pairOffsets[t - p.start + 1] = pairRow.length;
  }
  return {
    keys: Float64Array.from(keys),
    offsets,
    pattern: pattern.data.slice(0, pattern.length),
    count: count.data.slice(0, count.length),
    pairOffsets,
    pairRow: pairRow.shared(),
    pairPattern: pairPattern.shared(),
  };
}

export interface FsBestPayload {
  /** The shard's pairs from `fsPairs` (same start and end). */
  pairs: ShardPairs;
  /** Weight W of each of the shard's local patterns. */
  weight: Float64Array;
  start: number;
  end: number;
  /** Per sampled target: its true release row or -1. */
  truth: Int32Array;
  uniform: Float64Array;
  /** Shared outputs, indexed by sampled target. */
  best: Int32Array;
  bestWeight: Float64Array;
  posterior: Float64Array;
  ties: Int32Array;
  candidates: Int32Array;
  truthAmongBest: Int32Array;
  truthInCandidates: Int32Array;
}

/**
 * Keeps each target's best candidate by W (seeded uniform pick among equal weights), with the share
 * 2^W* / Σ_candidates 2^W of the best.
 */
export function fsBest(p: FsBestPayload): number {
  const { pairOffsets, pairRow, pairPattern } = p.pairs;
  const w = p.weight;
  for (let t = p.start; t < p.end; t++) {
    const lo = pairOffsets[t - p.start];
    const hi = pairOffsets[t - p.start + 1];
    const truth = p.truth[t];
    let top = Number.NEGATIVE_INFINITY;
    let ties = 0;
    let truthTop = 0;
    let inCand = 0;
    for (let q = lo; q < hi; q++) {
      const s = w[pairPattern[q]];
      if (s > top) {
        top = s;
        ties = 1;
      } else if (s === top) ties++;
    }
    let mass = 0;
    for (let q = lo; q < hi; q++) {
      const s = w[pairPattern[q]];
      mass += 2 ** (s - top);
      if (pairRow[q] === truth) {
        inCand = 1;
        if (s === top) truthTop = 1;
      }
    }
    p.candidates[t] = hi - lo;
    p.ties[t] = ties;
    p.truthInCandidates[t] = inCand;
    p.truthAmongBest[t] = truthTop;
    p.bestWeight[t] = ties > 0 ? top : Number.NaN;
    p.posterior[t] = ties > 0 ? 1 / mass : 0;
    let pick = -1;
    const k = Math.min(ties - 1, Math.floor(p.uniform[t] * ties));
    for (let q = lo, seen = 0; q < hi && ties > 0; q++) {
      if (w[pairPattern[q]] === top && seen++ === k) {
        pick = pairRow[q];
        break;
      }
    }
    p.best[t] = pick;
  }
  return p.end - p.start;
}
