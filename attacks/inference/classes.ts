/**
 * @module attacks/inference/classes — the release's QI equivalence classes and, for a target, the
 * classes its QI values fall in (what CAP / TCAP read, cap.ts).
 *
 * A class is the set of release records with identical QI codes (a missing value is its own token,
 * as for uniqueness). Class ids are built column by column: id_j = index(id_{j−1}·radix_j + code_j),
 * radix_j = cardinality_j + CODE_OFFSET, which stays below 2^53 (id_{j−1} < rows).
 *
 * A target's values match a class when every QI is compatible: the same code, a released WILDCARD
 * (--wildcard), or a released generalization that covers the target's value (an interval, a mask, a
 * hierarchy ancestor: the CompatRelation of joint encoding). The matching classes are found by
 * walking the levels with every compatible code, dropping prefixes that no release record has; for a
 * release without generalized values this is a single hash lookup per column.
 */
import type { Column } from '../../src/encode/types.js';
import { CODE_OFFSET, WILDCARD } from '../../src/encode/types.js';
import type { CompatRelation } from '../types.js';

/** The release's classes over the QIs. */
export interface ReleaseClasses {
  /** Class id of each release row. */
  classOf: Int32Array;
  count: number;
  /** Per QI level: (prefix id · radix + code + CODE_OFFSET) → id. */
  levels: Map<number, number>[];
  radix: number[];
  /** Per QI: whether any release row holds WILDCARD there. */
  wildcard: boolean[];
}

/**
 * Groups the release rows by their QI codes.
 * @param qi - the release's QI columns, in QI order
 * @param rows - release rows
 */
export function releaseClasses(qi: readonly Column[], rows: number): ReleaseClasses {
  let prefix = new Int32Array(rows);
  const levels: Map<number, number>[] = [];
  const radix = qi.map((c) => c.cardinality + CODE_OFFSET);
  const wildcard = qi.map((c) => c.codes.includes(WILDCARD));
  qi.forEach((c, j) => {
    const level = new Map<number, number>();
    const next = new Int32Array(rows);
    for (let r = 0; r < rows; r++) {
      const key = prefix[r] * radix[j] + c.codes[r] + CODE_OFFSET;
      let id = level.get(key);
      if (id === undefined) {
        id = level.size;
        level.set(key, id);
      }
      next[r] = id;
    }
    levels.push(level);
    prefix = next;
  });
  const count = levels.length ? levels[levels.length - 1].size : rows > 0 ? 1 : 0;
  return { classOf: prefix, count, levels, radix, wildcard };
}

/**
 * The release classes compatible with a target's QI codes.
 * @param rc - the release classes
 * @param codes - the target's code on each QI, in QI order
 * @param compat - per QI, the compatibility relation (absent: equal codes and wildcards only)
 * @returns class ids (distinct), possibly none
 */
export function matchingClasses(
  rc: ReleaseClasses,
  codes: ArrayLike<number>,
  compat: ReadonlyArray<CompatRelation | undefined>,
): number[] {
  let live = [0];
  for (let j = 0; j < rc.levels.length && live.length > 0; j++) {
    const tc = codes[j];
    const candidates = [tc];
    const rel = compat[j];
    if (rel && tc >= 0 && tc + 1 < rel.offsets.length) {
      for (let x = rel.offsets[tc]; x < rel.offsets[tc + 1]; x++) candidates.push(rel.codes[x]);
    }
    if (rc.wildcard[j] && tc !== WILDCARD) candidates.push(WILDCARD);
    const level = rc.levels[j];
    const next: number[] = [];
    for (const p of live) {
      for (const c of candidates) {
        const id = level.get(p * rc.radix[j] + c + CODE_OFFSET);
        if (id !== undefined) next.push(id);
      }
    }
    live = next;
  }
  return live;
}

/** Per class, the counts of each secret value among its records (CSR, codes ascending). */
export interface ClassSecrets {
  offsets: Int32Array;
  codes: Int32Array;
  counts: Int32Array;
  /** Records of the class with a known secret. */
  size: Int32Array;
}

/**
 * Tallies a categorical secret per class (records with a missing secret are left out).
 * @param rc - the release classes
 * @param secret - the release's secret column
 */
export function classSecrets(rc: ReleaseClasses, secret: Column): ClassSecrets {
  const radix = secret.cardinality + 1;
  const keys: number[] = [];
  for (let r = 0; r < rc.classOf.length; r++) {
    const v = secret.codes[r];
    if (v >= 0) keys.push(rc.classOf[r] * radix + v);
  }
  const sorted = Float64Array.from(keys).sort();
  const offsets = new Int32Array(rc.count + 1);
  const size = new Int32Array(rc.count);
  const codes: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    const cls = Math.floor(sorted[i] / radix);
    codes.push(sorted[i] - cls * radix);
    counts.push(j - i);
    offsets[cls + 1]++;
    size[cls] += j - i;
    i = j;
  }
  for (let c = 0; c < rc.count; c++) offsets[c + 1] += offsets[c];
  return { offsets, codes: Int32Array.from(codes), counts: Int32Array.from(counts), size };
}
