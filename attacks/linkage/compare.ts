/**
 * @module attacks/linkage/compare — field comparison levels for Fellegi–Sunter linkage.
 *
 * Each pair (target t, release row i) gets one level per field:
 *   EQUAL        the same value (numbers compared by value);
 *   GENERALIZED  the released value is a generalization covering the target's (interval, hierarchy
 *                ancestor, mask): agreement, but weaker evidence, so it has its own m/u;
 *   CLOSE        numeric or date fields: |x_t − x_i| ≤ band (a fraction of the released range;
 *                a generalized value counts by its midpoint); categorical fields compared by
 *                Jaro–Winkler: similarity ≥ JW_AGREE (a typo or variant spelling, jaro-winkler.ts);
 *   PARTIAL      categorical fields compared by Jaro–Winkler: JW_PARTIAL ≤ similarity < JW_AGREE;
 *   DISAGREE     anything else;
 *   MISSING      either side unknown, or the released value is compatible with anything (a wildcard,
 *                or a generalization covering every value the targets hold, like `*`): no evidence.
 */
import { MISSING, WILDCARD } from '../../src/encode/types.js';
import type { BlockIndex } from './block.js';
import { JaroWinkler } from './jaro-winkler.js';
import type { LinkageData } from './prepare.js';
import type { FieldStrings } from './strings.js';

export const LEVEL = { MISSING: 0, DISAGREE: 1, PARTIAL: 2, CLOSE: 3, GENERALIZED: 4, EQUAL: 5 } as const;
/** Number of comparison levels (the base of pattern keys). */
export const LEVELS = 6;
/** Level names, by level. */
export const LEVEL_NAMES = ['missing', 'disagree', 'partial', 'close', 'generalized', 'equal'] as const;
/** Most fields a pattern key in base LEVELS holds below 2^53. */
export const MAX_PATTERN_FIELDS = Math.floor(53 / Math.log2(LEVELS));
/**
 * Jaro–Winkler thresholds of the CLOSE ("agree") and PARTIAL levels: the cut-offs of fastLink
 * (Enamorado, Fifield & Imai, APSR 2019, doi:10.1017/S0003055418000783: 0.94 and 0.88) with the
 * partial band widened to 0.85, as the issue asks, so that one typo in a short word still counts.
 */
export const JW_AGREE = 0.94;
export const JW_PARTIAL = 0.85;

/** What every Fellegi–Sunter kernel receives. */
export interface FsPayload {
  data: LinkageData;
  /** Field indices compared (at most 22, so that a pattern key in base LEVELS stays below 2^53). */
  used: number[];
  /** Per used field: the CLOSE band (0 = no CLOSE level). */
  bands: Float64Array;
  passes: BlockIndex[];
  /** Per used field: its dictionary strings when compared by Jaro–Winkler, else null. */
  strings: Array<FieldStrings | null>;
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
  const jw = new JaroWinkler();
  const strings = p.strings;
  // Per string field: the similarity of the current target's value to each released code, cached.
  const simStamp = strings.map((x, a) => (x ? new Int32Array(fields[a].cardinality) : null));
  const sim = strings.map((x, a) => (x ? new Float64Array(fields[a].cardinality) : null));
  const similarity = (a: number, g: number): number => {
    const st = simStamp[a]!;
    if (st[g] === mark) return sim[a]![g];
    const { offsets, points } = strings[a]!;
    const c = tc[a];
    const v = jw.similarity(points, offsets[c], offsets[c + 1], points, offsets[g], offsets[g + 1]);
    st[g] = mark;
    sim[a]![g] = v;
    return v;
  };
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
      const str = strings[a];
      if (str && !str.generalized[g] && tc[a] < str.offsets.length - 1 && g < str.offsets.length - 1) {
        const v = similarity(a, g);
        if (v >= JW_AGREE) return LEVEL.CLOSE;
        if (v >= JW_PARTIAL) return LEVEL.PARTIAL;
      }
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
