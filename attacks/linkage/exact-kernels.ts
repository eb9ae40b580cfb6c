/**
 * @module attacks/linkage/exact-kernels — the compatible set of each target, on the pool.
 *
 * The kernel works on the release's classes (distinct released QI tuples, attacks/shared/classes.ts):
 * rows of one class are compatible with a target or not together, so a coarse release of a million
 * rows costs as much as its few thousand classes. For target t with known values c_j (unknown values
 * are skipped), a class with released codes g_j is compatible when, for every known QI j,
 * canon(g_j) = canon(c_j), or g_j is a generalized code covering c_j (the CSR relation), or g_j is the
 * wildcard. Classes come from the target's blocking buckets (already compatible on the key's QIs) and
 * are verified on the other QIs; a target whose key set is too large is checked against every class.
 * |S_t| is the sum of the compatible classes' sizes. The attacker picks the ⌊u_t·|S_t|⌋-th compatible
 * row (classes in order of their first release row, rows ascending within a class), u_t a seeded
 * uniform drawn per target in the main thread, so the result does not depend on how targets are
 * sharded nor on the blocking (and the DuckDB engine reproduces it in SQL).
 */
import { type BlockIndex, compatibleCode } from './block.js';
import type { LinkageData } from './prepare.js';

export interface ExactSetsPayload extends ClassWalkData {
  /** Members of class c: order[starts[c]] … order[starts[c+1]−1] (release rows). */
  starts: Int32Array;
  order: Int32Array;
  /** Per sampled target: the class of its true release row, or -1. */
  truthClass: Int32Array;
  /** Per sampled target: a uniform in [0, 1) for the pick. */
  uniform: Float64Array;
  /** Sampled targets [start, end) of this shard. */
  start: number;
  end: number;
  /** Shared outputs, indexed by sampled target. */
  claimed: Int32Array;
  setSize: Int32Array;
  truthInSet: Int32Array;
}

/** What walking a target's compatible classes needs: the class view of the known QIs and its blocking. */
export interface ClassWalkData {
  data: LinkageData;
  block: BlockIndex;
}

/**
 * A walker over the release classes compatible with a target: `walk(t, visit)` calls `visit(c)` for
 * every compatible class c of sampled target t (bucket order) until `visit` returns true.
 * One walker per kernel call (it holds scratch stamps).
 */
export function classWalker(p: ClassWalkData): (t: number, visit: (c: number) => boolean) => void {
  const { fields, targetRows, releaseRows: classes, rowCodes } = p.data;
  const F = fields.length;
  const canon = fields.map((f) => f.canon);
  const stamps = fields.map((f) => new Int32Array(f.cardinality));
  const inKey = new Uint8Array(F);
  for (const j of p.block.fields) inKey[j] = 1;
  const active = new Int32Array(F);
  const cc = new Int32Array(F);
  const { bucketOffsets, bucketRows, targetOffsets, targetBuckets } = p.block;
  return (t, visit) => {
    const r = targetRows[t];
    const mark = t + 1;
    const full = targetBuckets[targetOffsets[t]] === -1 && targetOffsets[t + 1] > targetOffsets[t];
    let nActive = 0;
    for (let j = 0; j < F; j++) {
      const f = fields[j];
      const c = f.target[r];
      if (c < 0 || (inKey[j] && !full)) continue;
      cc[j] = f.canon[c];
      const st = stamps[j];
      for (let k = f.compatOffsets[c]; k < f.compatOffsets[c + 1]; k++) st[f.compatCodes[k]] = mark;
      active[nActive++] = j;
    }
    const ok = (c: number): boolean => {
      const base = c * F;
      for (let a = 0; a < nActive; a++) {
        const j = active[a];
        if (!compatibleCode(canon[j], cc[j], rowCodes[base + j], stamps[j], mark)) return false;
      }
      return true;
    };
    if (full) {
      for (let c = 0; c < classes; c++) if (ok(c) && visit(c)) return;
      return;
    }
    for (let q = targetOffsets[t]; q < targetOffsets[t + 1]; q++) {
      const b = targetBuckets[q];
      for (let s = bucketOffsets[b]; s < bucketOffsets[b + 1]; s++) {
        const c = bucketRows[s];
        if (ok(c) && visit(c)) return;
      }
    }
  };
}

/**
 * Computes compatible-set sizes and the attacker's pick for targets [start, end). The pick is the
 * ⌊u_t·|S_t|⌋-th compatible row with classes in class-id order (= order of their first release row,
 * attacks/shared/classes.ts) and rows ascending within a class: an order every engine can reproduce
 * (src/engine/types.ts CompatibleSetsQuery), independent of how blocking enumerated the classes.
 * @returns the number of targets done
 */
export function exactSets(p: ExactSetsPayload): number {
  const { starts, order } = p;
  const walkClasses = classWalker(p);
  let found = new Int32Array(64);
  for (let t = p.start; t < p.end; t++) {
    const truth = p.truthClass[t];
    let sawTruth = 0;
    let n = 0;
    let size = 0;
    walkClasses(t, (c) => {
      if (c === truth) sawTruth = 1;
      if (n === found.length) {
        const grown = new Int32Array(n * 2);
        grown.set(found);
        found = grown;
      }
      found[n++] = c;
      size += starts[c + 1] - starts[c];
      return false;
    });
    p.setSize[t] = size;
    p.truthInSet[t] = sawTruth;
    p.claimed[t] = -1;
    if (size === 0) continue;
    const k = Math.min(size - 1, Math.floor(p.uniform[t] * size));
    const list = found.subarray(0, n).sort();
    let before = 0;
    for (let i = 0; i < n; i++) {
      const c = list[i];
      const m = starts[c + 1] - starts[c];
      if (k < before + m) {
        p.claimed[t] = order[starts[c] + k - before];
        break;
      }
      before += m;
    }
  }
  return p.end - p.start;
}
