/**
 * @module attacks/linkage/compare — field comparison levels for Fellegi–Sunter linkage.
 *
 * Each pair (target t, release row i) gets one level per field:
 *   EQUAL        the same value (numbers compared by value);
 *   GENERALIZED  the released value is a generalization covering the target's (interval, hierarchy
 *                ancestor, mask): agreement, but weaker evidence, so it has its own m/u;
 *   CLOSE        numeric or date fields only: |x_t − x_i| ≤ band (a fraction of the released range;
 *                a generalized value counts by its midpoint);
 *   DISAGREE     anything else;
 *   MISSING      either side unknown, or the released value is compatible with anything (a wildcard,
 *                or a generalization covering every value the targets hold, like `*`): no evidence.
 */
import { MISSING, WILDCARD } from '../../src/encode/types.js';
import type { BlockIndex } from './block.js';
import type { LinkageData } from './prepare.js';

export const LEVEL = { MISSING: 0, DISAGREE: 1, CLOSE: 2, GENERALIZED: 3, EQUAL: 4 } as const;
/** Number of comparison levels (the base of pattern keys). */
export const LEVELS = 5;
/** Level names, by level. */
export const LEVEL_NAMES = ['missing', 'disagree', 'close', 'generalized', 'equal'] as const;

/** What every Fellegi–Sunter kernel receives. */
export interface FsPayload {
  data: LinkageData;
  /** Field indices compared (at most 22, so that a pattern key in base LEVELS stays below 2^53). */
  used: number[];
  /** Per used field: the CLOSE band (0 = no CLOSE level). */
  bands: Float64Array;
  passes: BlockIndex[];
  /** Per sampled target: 1 when it has too many candidates to compare (it gets none). */
  skip: Uint8Array;
  start: number;
  end: number;
}

/** A comparer: set a target, then ask for each used field's level against a release row. */
export interface Comparer {
  F: number;
  setTarget(t: number): void;
  level(a: number, i: number): number;
}

/** Builds a comparer over the payload's used fields. */
export function comparer(p: FsPayload): Comparer {
  const { rowCodes, rowNumbers, numSlot } = p.data;
  const K = p.data.fields.length;
  const N = rowNumbers.length / Math.max(1, p.data.releaseRows);
  const fields = p.used.map((j) => p.data.fields[j]);
  const col = Int32Array.from(p.used);
  const slot = Int32Array.from(p.used, (j) => numSlot[j]);
  const F = fields.length;
  const stamps = fields.map((f) => new Int32Array(f.cardinality));
  const canon = fields.map((f) => f.canon);
  const universal = fields.map((f) => f.universal);
  const tc = new Int32Array(F);
  const cc = new Int32Array(F);
  const tx = new Float64Array(F);
  let mark = 0;
  return {
    F,
    setTarget(t: number): void {
      const r = p.data.targetRows[t];
      mark = t + 1;
      for (let a = 0; a < F; a++) {
        const f = fields[a];
        const c = f.target[r];
        tc[a] = c;
        if (c < 0) continue;
        cc[a] = f.canon[c];
        tx[a] = f.targetNumbers ? f.targetNumbers[r] : Number.NaN;
        for (let k = f.compatOffsets[c]; k < f.compatOffsets[c + 1]; k++) stamps[a][f.compatCodes[k]] = mark;
      }
    },
    level(a: number, i: number): number {
      const g = rowCodes[i * K + col[a]];
      if (tc[a] < 0 || g === MISSING || g === WILDCARD || universal[a][g]) return LEVEL.MISSING;
      if (canon[a][g] === cc[a]) return LEVEL.EQUAL;
      if (stamps[a][g] === mark) return LEVEL.GENERALIZED;
      const band = p.bands[a];
      if (band > 0 && slot[a] >= 0 && Math.abs(rowNumbers[i * N + slot[a]] - tx[a]) <= band)
        return LEVEL.CLOSE;
      return LEVEL.DISAGREE;
    },
  };
}

/**
 * Calls `visit` for each release row in target t's buckets of the given passes, each row once, in a
 * fixed order; returns their number. `seen` stamps rows with `mark`, which must differ between calls.
 * A pass whose key set for t was too large (a lone -1) is skipped for t.
 */
export function candidates(
  passes: readonly BlockIndex[],
  t: number,
  seen: Int32Array,
  mark: number,
  visit: (i: number) => void,
): number {
  let n = 0;
  for (const b of passes) {
    const lo = b.targetOffsets[t];
    const hi = b.targetOffsets[t + 1];
    if (hi > lo && b.targetBuckets[lo] === -1) continue;
    for (let q = lo; q < hi; q++) {
      const k = b.targetBuckets[q];
      for (let s = b.bucketOffsets[k]; s < b.bucketOffsets[k + 1]; s++) {
        const i = b.bucketRows[s];
        if (seen[i] === mark) continue;
        seen[i] = mark;
        n++;
        visit(i);
      }
    }
  }
  return n;
}
