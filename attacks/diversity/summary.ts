/**
 * @module attacks/diversity/summary — per-class results merged into per-attribute figures, per-record
 * measures and the distinct-l histogram.
 *
 * Everything is folded over classes in their canonical order (first appearance), so sums — and so
 * every figure — are bit-identical whatever the number of workers. Record means weight each class by
 * its size s_c:  mean over records = Σ_c s_c·x_c / n;  mean over classes = Σ_c x_c / classes.
 */

import type { ClassIndex } from '../shared/classes.js';
import type { HistogramOut } from '../types.js';

/** What the summaries read of the classes. */
type Classes = Pick<ClassIndex, 'classes' | 'starts'>;

/** One attribute's per-class results (one slot per class). */
export interface PerClass {
  distinct: Float64Array;
  entropy: Float64Array;
  recursive: Float64Array;
  t: Float64Array;
}

/** One sensitive attribute's figures (goes into the report's details). */
export interface AttributeSummary {
  name: string;
  /** EMD ground distance used for t-closeness. */
  distance: 'equal' | 'ordered';
  minDistinctL: number;
  minEntropyL: number;
  minRecursiveL: number;
  /** Mean over records of the class's distinct l (sdcMicro-style per-record mean). */
  meanDistinctL: number;
  /** Mean over records of the class's entropy l (what sdcMicro's summaries average). */
  meanEntropyL: number;
  tClosenessMax: number;
  /** Mean of t over classes. */
  tClosenessMean: number;
  /** Mean of t over records (each class weighted by its size). */
  tClosenessRecordMean: number;
  homogeneousClasses: number;
  homogeneousRecords: number;
  homogeneousFraction: number;
  /** Homogeneous records in classes of ≥ 2 records (the homogeneity attack proper; uniques are trivially homogeneous). */
  homogeneousRecordsInSharedClasses: number;
  /** Records by their class's distinct l ("1": …, "2": …, …). */
  recordsByDistinctL: Record<string, number>;
  /** Records by their class's recursive l. */
  recordsByRecursiveL: Record<string, number>;
}

/** Adds `w` to the tally of key `k`. */
function tally(map: Map<number, number>, k: number, w: number): void {
  map.set(k, (map.get(k) ?? 0) + w);
}

/** Sorted numeric-key map → plain object for the report. */
function toRecord(map: Map<number, number>): Record<string, number> {
  return Object.fromEntries([...map].sort((a, b) => a[0] - b[0]).map(([k, v]) => [String(k), v]));
}

/**
 * Folds one attribute's per-class results.
 * @param name - the attribute
 * @param distance - the EMD ground distance used
 * @param r - per-class results
 * @param idx - the classes
 * @param n - number of records
 */
export function summarizeAttribute(
  name: string,
  distance: 'equal' | 'ordered',
  r: PerClass,
  idx: Classes,
  n: number,
): AttributeSummary {
  let minD = Number.POSITIVE_INFINITY;
  let minE = Number.POSITIVE_INFINITY;
  let minR = Number.POSITIVE_INFINITY;
  let sumD = 0;
  let sumE = 0;
  let tMax = 0;
  let tSum = 0;
  let tRecSum = 0;
  let homClasses = 0;
  let homRecords = 0;
  let homShared = 0;
  const byDistinct = new Map<number, number>();
  const byRecursive = new Map<number, number>();
  for (let c = 0; c < idx.classes; c++) {
    const s = idx.starts[c + 1] - idx.starts[c];
    const d = r.distinct[c];
    minD = Math.min(minD, d);
    minE = Math.min(minE, r.entropy[c]);
    minR = Math.min(minR, r.recursive[c]);
    sumD += s * d;
    sumE += s * r.entropy[c];
    tMax = Math.max(tMax, r.t[c]);
    tSum += r.t[c];
    tRecSum += s * r.t[c];
    if (d === 1) {
      homClasses++;
      homRecords += s;
      if (s > 1) homShared += s;
    }
    tally(byDistinct, d, s);
    tally(byRecursive, r.recursive[c], s);
  }
  return {
    name,
    distance,
    minDistinctL: minD,
    minEntropyL: minE,
    minRecursiveL: minR,
    meanDistinctL: sumD / n,
    meanEntropyL: sumE / n,
    tClosenessMax: tMax,
    tClosenessMean: tSum / idx.classes,
    tClosenessRecordMean: tRecSum / n,
    homogeneousClasses: homClasses,
    homogeneousRecords: homRecords,
    homogeneousFraction: homRecords / n,
    homogeneousRecordsInSharedClasses: homShared,
    recordsByDistinctL: toRecord(byDistinct),
    recordsByRecursiveL: toRecord(byRecursive),
  };
}

/** Per class, the worst figure across attributes (smallest l, largest t). */
export interface ClassWorst {
  distinct: Float64Array;
  entropy: Float64Array;
  recursive: Float64Array;
  t: Float64Array;
}

/** Per-record measures: for each record, the worst across attributes of its class's figures. */
export interface PerRecordWorst {
  lDistinct: Float64Array;
  lEntropy: Float64Array;
  lRecursive: Float64Array;
  tCloseness: Float64Array;
}

/**
 * Per class, the worst figure across attributes (smallest l, largest t).
 * @param results - per-class results of each attribute (≥ 1)
 * @param classes - the number of classes
 */
export function classWorst(results: readonly PerClass[], classes: number): ClassWorst {
  const worst = {
    distinct: new Float64Array(classes).fill(Number.POSITIVE_INFINITY),
    entropy: new Float64Array(classes).fill(Number.POSITIVE_INFINITY),
    recursive: new Float64Array(classes).fill(Number.POSITIVE_INFINITY),
    t: new Float64Array(classes),
  };
  for (const r of results) {
    for (let c = 0; c < classes; c++) {
      worst.distinct[c] = Math.min(worst.distinct[c], r.distinct[c]);
      worst.entropy[c] = Math.min(worst.entropy[c], r.entropy[c]);
      worst.recursive[c] = Math.min(worst.recursive[c], r.recursive[c]);
      worst.t[c] = Math.max(worst.t[c], r.t[c]);
    }
  }
  return worst;
}

/**
 * Per record, its class's worst figures (classWorst).
 * @param worst - per-class worst figures
 * @param classOf - each record's class
 */
export function perRecordWorst(worst: ClassWorst, classOf: Int32Array): PerRecordWorst {
  const n = classOf.length;
  const out = {
    lDistinct: new Float64Array(n),
    lEntropy: new Float64Array(n),
    lRecursive: new Float64Array(n),
    tCloseness: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const c = classOf[i];
    out.lDistinct[i] = worst.distinct[c];
    out.lEntropy[i] = worst.entropy[c];
    out.lRecursive[i] = worst.recursive[c];
    out.tCloseness[i] = worst.t[c];
  }
  return out;
}

/** Distinct-l bins of the histogram. */
const BINS: ReadonlyArray<[number, number, string]> = [
  [1, 1, '1'],
  [2, 2, '2'],
  [3, 3, '3'],
  [4, 4, '4'],
  [5, Number.POSITIVE_INFINITY, '5+'],
];

/**
 * Classes and records by distinct l (worst attribute): 1, 2, 3, 4, 5+.
 * @param classDistinct - per class, its smallest distinct l across attributes
 * @param idx - the classes
 */
export function distinctLHistogram(classDistinct: Float64Array, idx: Classes): HistogramOut {
  const classes = new Array(BINS.length).fill(0);
  const records = new Array(BINS.length).fill(0);
  for (let c = 0; c < idx.classes; c++) {
    const l = classDistinct[c];
    const b = BINS.findIndex(([lo, hi]) => l >= lo && l <= hi);
    classes[b]++;
    records[b] += idx.starts[c + 1] - idx.starts[c];
  }
  return { label: 'distinct l-diversity', bins: BINS.map((b) => b[2]), classes, records };
}
