/**
 * @module attacks/linkage/distance-pair — the record distances of distance-based linkage, defined once.
 *
 * Both metrics compare a query record t (a target) with a reference record r (a released record) over
 * the same columns j = 1 … p, which must come from tables encoded jointly (src/encode/joint.ts: equal
 * values have equal codes). Per column a term δ_j and a presence flag:
 *
 * - categorical: skipped when either code is missing (MISSING); δ = 0 when the codes are *compatible*
 *   — equal, either is a WILDCARD, or r's code is in t's compat list (CSR, see CompatRelation: a
 *   generalized value such as an interval, `*`, a masked string or a hierarchy ancestor that covers
 *   t's value) — else δ = 1.
 * - numeric / date: skipped when either number is NaN (missing, `*`, unparsable); δ = 0 when the codes
 *   are compatible (an interval release value containing t's value; numbers of intervals are their
 *   midpoints), else δ = |x_t − x_r| / s_j, clamped to 1 for Gower.
 *
 * **Gower** (Gower 1971, "A general coefficient of similarity and some of its properties", Biometrics
 * 27:857–871, doi:10.2307/2528823): s_j is the range of column j (over reference ∪ queries), and
 * d = Σ_{j∈P} δ_j / |P| over the set P of columns present for the pair (Gower's δ_ijk = 0 convention for
 * incomparable variables).
 *
 * **Manhattan on standardized numerics**: s_j is the standard deviation of column j in the reference
 * (sample sd, n − 1, as R's `scale()`; subtracting the mean of a z-score cancels in |x_t − x_r|);
 * categorical columns count 1 per mismatch; d = Σ_{j∈P} δ_j, scaled up by p / |P| when columns are
 * skipped (R's `dist()` convention for missing values).
 *
 * A pair with no column present (|P| = 0) is incomparable: d = +∞, and such a record is never a
 * neighbour. Sums run over the columns in their given order, so every implementation that follows this
 * order (the search kernel, `pairDistance`, a brute-force test) gets bit-identical distances.
 */
import { MISSING, WILDCARD } from '../../src/encode/types.js';

/** The two record distances. */
export type DistanceMetric = 'gower' | 'manhattan';

/** A typed array's place on shared memory, postable to a worker. */
export interface SharedView {
  buffer: SharedArrayBuffer;
  offset: number;
  length: number;
}

/** The shared view of an Int32Array (copied onto shared memory when it is not there already). */
export function shareI32(a: Int32Array): SharedView {
  if (a.buffer instanceof SharedArrayBuffer)
    return { buffer: a.buffer, offset: a.byteOffset, length: a.length };
  const b = new SharedArrayBuffer(Math.max(4, a.length * 4));
  new Int32Array(b, 0, a.length).set(a);
  return { buffer: b, offset: 0, length: a.length };
}

/** The shared view of a Float64Array (copied onto shared memory when it is not there already). */
export function shareF64(a: Float64Array): SharedView {
  if (a.buffer instanceof SharedArrayBuffer)
    return { buffer: a.buffer, offset: a.byteOffset, length: a.length };
  const b = new SharedArrayBuffer(Math.max(8, a.length * 8));
  new Float64Array(b, 0, a.length).set(a);
  return { buffer: b, offset: 0, length: a.length };
}

/** Int32Array over a shared view. */
export function i32(v: SharedView): Int32Array {
  return new Int32Array(v.buffer, v.offset, v.length);
}

/** Float64Array over a shared view. */
export function f64(v: SharedView): Float64Array {
  return new Float64Array(v.buffer, v.offset, v.length);
}

/** A new Int32Array on shared memory. */
export function newI32(n: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Math.max(4, n * 4)), 0, n);
}

/** A new Float64Array on shared memory. */
export function newF64(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(Math.max(8, n * 8)), 0, n);
}

/** Gower terms are clamped to this (a scale narrower than a pair's difference cannot exceed 1). */
const GOWER_MAX = 1;

/**
 * The numeric term δ = |x − v| / s (clamped to 1 for Gower) for incompatible codes. Shared by the
 * kernel and `pairDistance` so both round identically.
 */
export function numericTerm(gower: boolean, x: number, v: number, scale: number): number {
  const d = Math.abs(x - v) / scale;
  return gower && d > GOWER_MAX ? GOWER_MAX : d;
}

/**
 * Combines the sum S of terms over |P| present columns of p: Gower S / |P|; Manhattan S, or S·p / |P|
 * when columns were skipped; +∞ when nothing is present.
 */
export function combine(gower: boolean, sum: number, present: number, p: number): number {
  if (present === 0) return Number.POSITIVE_INFINITY;
  if (gower) return sum / present;
  return present === p ? sum : (sum * p) / present;
}

/** One column of both records, as `pairDistance` reads it. */
export interface PairColumn {
  numeric: boolean;
  queryCodes: Int32Array;
  queryNumbers?: Float64Array;
  referenceCodes: Int32Array;
  referenceNumbers?: Float64Array;
  /** Compatibility of query codes with reference codes (absent: equal codes only). */
  compat?: { offsets: Int32Array; codes: Int32Array };
  /** s_j (ignored for categorical columns). */
  scale: number;
}

function compatible(c: PairColumn, tc: number, rc: number): boolean {
  if (tc === rc || tc === WILDCARD || rc === WILDCARD) return true;
  if (tc < 0 || !c.compat || tc + 1 >= c.compat.offsets.length) return false;
  const { offsets, codes } = c.compat;
  for (let k = offsets[tc]; k < offsets[tc + 1]; k++) if (codes[k] === rc) return true;
  return false;
}

/**
 * The distance between query row `t` and reference row `r` (see the module comment).
 * @param metric - 'gower' or 'manhattan'
 * @param columns - the columns, in the order the sum runs
 * @returns d ≥ 0, or +∞ when no column is present for the pair
 */
export function pairDistance(
  metric: DistanceMetric,
  columns: readonly PairColumn[],
  t: number,
  r: number,
): number {
  const gower = metric === 'gower';
  let sum = 0;
  let present = 0;
  for (const c of columns) {
    const tc = c.queryCodes[t];
    const rc = c.referenceCodes[r];
    if (c.numeric) {
      const x = c.queryNumbers ? c.queryNumbers[t] : Number.NaN;
      const v = c.referenceNumbers ? c.referenceNumbers[r] : Number.NaN;
      if (Number.isNaN(x) || Number.isNaN(v)) continue;
      present++;
      if (!compatible(c, tc, rc)) sum += numericTerm(gower, x, v, c.scale);
    } else {
      if (tc === MISSING || rc === MISSING) continue;
      present++;
      if (!compatible(c, tc, rc)) sum += 1;
    }
  }
  return combine(gower, sum, present, columns.length);
}
