/**
 * @module attacks/uniqueness — equivalence classes over the quasi-identifiers (sample uniqueness and
 * prosecutor risk).
 *
 * Records with identical released QI values form a class; an attacker who knows a target is in the
 * release and knows its QIs can do no better than pick uniformly within the class, so the record's
 * re-identification (prosecutor) risk is 1/|class| (El Emam & Dankar, "Protecting privacy using
 * k-anonymity", JAMIA 15(5):627, 2008, doi:10.1197/jamia.M2716; El Emam, "Guide to the
 * De-Identification of Personal Health Information", CRC Press 2013).
 *
 *   prosecutorRiskMax  = 1 / min |class|
 *   prosecutorRiskMean = (number of classes) / (number of records)   (mean over records of 1/|class|)
 *   sampleUniques      = records in classes of size 1
 *
 * A suppressed or missing value is its own token (no wildcard matching).
 */
import { ranges } from '../../src/pool/pool.js';
import { sharedFloat64, sharedInt32 } from '../../src/encode/encode.js';
import type { Column } from '../../src/encode/types.js';
import type { Attack, AttackContext, AttackOutcome, HistogramOut } from '../types.js';

/** Largest integer a Float64 holds exactly. */
const MAX_KEY = 2 ** 53;

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

/** The k values for which the number of records violating k-anonymity is reported (as sdcMicro does). */
const K_REPORTED = [2, 3, 5, 10, 11, 20] as const;

/** Result of grouping rows into equivalence classes. */
export interface Classes {
  /** Class size of each row. */
  classSize: Int32Array;
  /** Size of each class (order unspecified). */
  sizes: Int32Array;
}

/**
 * Groups rows by the values of `cols` on the pool. Exact: keys are mixed-radix integers below 2^53;
 * when the columns' radices overflow that, the current ids become the leading digit of a new round.
 * @param cols - the columns to group by (≥ 1)
 * @param pool - the worker pool; shards = its worker count (results do not depend on it)
 */
export async function groupRows(cols: readonly Column[], pool: AttackContext['pool']): Promise<Classes> {
  const n = cols[0].length;
  const P = pool.workers;
  const keys = sharedFloat64(n);
  const ids = sharedInt32(n);
  let prev: Int32Array | undefined;
  let prevRadix = 1;
  let sizesByPart: Int32Array[] = [];
  let j = 0;
  while (j < cols.length) {
    const parts: { codes: SharedArrayBuffer; radix: number }[] = [];
    let product = prevRadix;
    while (j < cols.length && product * (cols[j].cardinality + 1) < MAX_KEY) {
      product *= cols[j].cardinality + 1;
      parts.push({ codes: cols[j].codes.buffer as SharedArrayBuffer, radix: cols[j].cardinality + 1 });
      j++;
    }
    if (parts.length === 0) {
      // One column alone would overflow: impossible, as cardinality ≤ rows < 2^31 and prevRadix ≤ P·rows.
      throw new Error('uniqueness: composite key overflow');
    }
    await pool.map(
      'uniqueness.composeKeys',
      ranges(n, P).map(([start, end]) => ({
        parts,
        prev: prev?.buffer as SharedArrayBuffer | undefined,
        out: keys.buffer as SharedArrayBuffer,
        start,
        end,
      })),
    );
    const grouped = await pool.map(
      'uniqueness.groupKeys',
      Array.from({ length: P }, (_, part) => ({
        keys: keys.buffer as SharedArrayBuffer,
        ids: ids.buffer as SharedArrayBuffer,
        part,
        parts: P,
      })),
    );
    sizesByPart = grouped.map((g) => g.sizes);
    const maxLocal = Math.max(...sizesByPart.map((s) => s.length));
    prevRadix = maxLocal * P;
    prev = ids;
  }
  // Class size of each row, and the flat list of class sizes.
  const classSize = sharedInt32(n);
  for (let i = 0; i < n; i++) {
    const id = ids[i];
    classSize[i] = sizesByPart[id % P][Math.floor(id / P)];
  }
  const total = sizesByPart.reduce((a, s) => a + s.length, 0);
  const sizes = new Int32Array(total);
  let o = 0;
  for (const s of sizesByPart) {
    sizes.set(s, o);
    o += s.length;
  }
  return { classSize, sizes };
}

/** Builds the class-size histogram (classes and records per bin). */
export function classSizeHistogram(sizes: Int32Array): HistogramOut {
  const classes = new Array(BINS.length).fill(0);
  const records = new Array(BINS.length).fill(0);
  for (let i = 0; i < sizes.length; i++) {
    const s = sizes[i];
    const b = BINS.findIndex(([lo, hi]) => s >= lo && s <= hi);
    classes[b]++;
    records[b] += s;
  }
  return { label: 'class size', bins: BINS.map((b) => b[2]), classes, records };
}

/** Summary figures of a set of classes. */
export function summarize(sizes: Int32Array, records: number, recordThreshold: number) {
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  let uniques = 0;
  let atRisk = 0;
  const violating = new Map<number, number>(K_REPORTED.map((k) => [k, 0]));
  for (let i = 0; i < sizes.length; i++) {
    const s = sizes[i];
    if (s < min) min = s;
    if (s > max) max = s;
    if (s === 1) uniques++;
    if (1 / s > recordThreshold) atRisk += s;
    for (const k of K_REPORTED) if (s < k) violating.set(k, violating.get(k)! + s);
  }
  return { min, max, uniques, atRisk, violating };
}

export const uniqueness: Attack = {
  id: 'uniqueness',
  title: 'Sample uniqueness and prosecutor risk',
  summary:
    'Groups records by their released quasi-identifier values; an attacker who knows a person is in the release and knows those values can single them out when their group is small.',
  references: [
    'El Emam K, Dankar FK. Protecting privacy using k-anonymity. JAMIA 2008;15(5):627-637. doi:10.1197/jamia.M2716',
    'Sweeney L. k-anonymity: a model for protecting privacy. IJUFKS 2002;10(5):557-570. doi:10.1142/S0218488502001648',
  ],
  metrics: {
    records: 'Records in the release.',
    equivalenceClasses: 'Groups of records sharing all quasi-identifier values.',
    minClassSize: 'Size of the smallest group (the k of k-anonymity).',
    sampleUniques: 'Records alone in their group: singled out by their quasi-identifiers.',
    sampleUniqueFraction: 'Share of records that are alone in their group.',
    prosecutorRiskMax: 'Highest chance of re-identifying a record (1 / smallest group size).',
    prosecutorRiskMean: 'Average chance of re-identifying a record (groups / records).',
    recordsAtRisk: "Records whose re-identification chance exceeds the policy's record threshold.",
    recordsAtRiskFraction: "Share of records whose re-identification chance exceeds the policy's record threshold.",
  },
  needs: (inputs) => (inputs.qi > 0 ? null : 'no quasi-identifiers given'),

  async run(ctx: AttackContext): Promise<AttackOutcome> {
    const cols = ctx.qi.map((q) => ctx.release.columns.get(q.name)!);
    const n = ctx.release.rows;
    const { classSize, sizes } = await groupRows(cols, ctx.pool);
    const s = summarize(sizes, n, ctx.recordThreshold);
    const prosecutorRisk = new Float64Array(n);
    for (let i = 0; i < n; i++) prosecutorRisk[i] = 1 / classSize[i];
    const exact = (value: number) => ({ value, ci95: null });
    const warnings: string[] = [];
    const missingQis = cols.filter((c) => c.codes.includes(-1)).map((c) => c.name);
    if (missingQis.length > 0) {
      warnings.push(
        `missing or suppressed values in ${missingQis.join(', ')} were treated as their own value: records with a suppressed value group together rather than matching any value`,
      );
    }
    return {
      metrics: {
        records: exact(n),
        equivalenceClasses: exact(sizes.length),
        minClassSize: exact(s.min),
        sampleUniques: exact(s.uniques),
        sampleUniqueFraction: exact(s.uniques / n),
        prosecutorRiskMax: exact(1 / s.min),
        prosecutorRiskMean: exact(sizes.length / n),
        recordsAtRisk: exact(s.atRisk),
        recordsAtRiskFraction: exact(s.atRisk / n),
      },
      perRecord: { classSize, prosecutorRisk },
      histograms: [classSizeHistogram(sizes)],
      details: {
        maxClassSize: s.max,
        averageClassSize: n / sizes.length,
        recordsViolatingK: Object.fromEntries([...s.violating].map(([k, v]) => [`k${k}`, v])),
        recordThreshold: ctx.recordThreshold,
      },
      warnings,
      method:
        'Exact counting of equivalence classes over the released values; a missing or suppressed value is its own token.',
    };
  },
};
