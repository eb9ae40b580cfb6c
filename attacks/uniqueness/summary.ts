/**
 * @module attacks/uniqueness/summary — figures and histograms over a size table (records by class
 * size), which every engine returns (src/engine/types.ts).
 */
import type { SizeRow } from '../../src/engine/types.js';
import type { HistogramOut } from '../types.js';

/** Class-size bins of the histogram (upper bounds inclusive; the last is open). */
const BINS: ReadonlyArray<[number, number, string]> = [
  [1, 1, '1'],
  [2, 2, '2'],
  [3, 3, '3'],
  [4, 4, '4'],
  [5, 5, '5'],
  [6, 10, '6–10'],
  [11, 20, '11–20'],
  [21, 50, '21–50'],
  [51, 100, '51–100'],
  [101, Number.POSITIVE_INFINITY, '>100'],
];

/** Per-record risk bins: (lo, hi] of 1/|class|. */
const RISK_BINS: ReadonlyArray<[number, number, string]> = [
  [0, 0.05, '≤0.05'],
  [0.05, 0.1, '0.05–0.1'],
  [0.1, 0.2, '0.1–0.2'],
  [0.2, 1 / 3, '0.2–0.33'],
  [1 / 3, 0.5, '0.33–0.5'],
  [0.5, 0.99999, '0.5–1'],
  [0.99999, 1, '1 (unique)'],
];

/** The k values for which the number of records violating k-anonymity is reported (as sdcMicro does). */
const K_REPORTED = [2, 3, 5, 10, 11, 20] as const;

/**
 * Builds the class-size histogram from a size table: records per bin, and classes per bin counted as
 * Σ records / exact size over the bin's lines (records of one exact class share their sizes).
 */
export function classSizeHistogram(table: readonly SizeRow[], label = 'class size'): HistogramOut {
  const classes = new Array(BINS.length).fill(0);
  const records = new Array(BINS.length).fill(0);
  for (const { size, exact, records: r } of table) {
    const b = BINS.findIndex(([lo, hi]) => size >= lo && size <= hi);
    classes[b] += r / exact;
    records[b] += r;
  }
  return { label, bins: BINS.map((b) => b[2]), classes: classes.map(Math.round), records };
}

/** Records (and classes) by their re-identification risk 1/size. */
export function riskHistogram(table: readonly SizeRow[]): HistogramOut {
  const classes = new Array(RISK_BINS.length).fill(0);
  const records = new Array(RISK_BINS.length).fill(0);
  for (const { size, exact, records: r } of table) {
    const risk = 1 / size;
    const b = RISK_BINS.findIndex(([lo, hi], k) => (k === 0 ? risk <= hi : risk > lo && risk <= hi));
    classes[b] += r / exact;
    records[b] += r;
  }
  return {
    label: 'record risk',
    bins: RISK_BINS.map((b) => b[2]),
    classes: classes.map(Math.round),
    records,
  };
}

/**
 * Summary figures over a size table (see src/engine/types.ts). The table is sorted by size, so the
 * sum of risks is accumulated in the same order whichever engine produced it.
 */
export function summarize(table: readonly SizeRow[], recordThreshold: number) {
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  let uniques = 0;
  let atRisk = 0;
  let riskSum = 0;
  const violating = new Map<number, number>(K_REPORTED.map((k) => [k, 0]));
  for (const { size: s, records: r } of table) {
    if (s < min) min = s;
    if (s > max) max = s;
    if (s === 1) uniques += r;
    if (1 / s > recordThreshold) atRisk += r;
    riskSum += r / s;
    for (const k of K_REPORTED) if (s < k) violating.set(k, violating.get(k)! + r);
  }
  return { min, max, uniques, atRisk, riskSum, violating };
}
