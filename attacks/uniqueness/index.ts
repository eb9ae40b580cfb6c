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
import { CODE_OFFSET, type Column, MISSING } from '../../src/encode/types.js';
import { ReidgateError } from '../../src/errors.js';
import type { Attack, AttackContext, AttackOutcome, HistogramOut } from '../types.js';
import { wildcardPatterns } from './wildcard.js';

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
    while (j < cols.length && product * (cols[j].cardinality + CODE_OFFSET) < MAX_KEY) {
      product *= cols[j].cardinality + CODE_OFFSET;
      parts.push({ codes: cols[j].codes.buffer as SharedArrayBuffer, radix: cols[j].cardinality + CODE_OFFSET });
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

/**
 * Builds the class-size histogram from per-record sizes: records per bin, and classes per bin counted
 * as Σ 1/|exact class| over the bin's records (records of one exact class share their size).
 */
export function classSizeHistogram(effective: Int32Array | Float64Array, exact: Int32Array, label = 'class size'): HistogramOut {
  const classes = new Array(BINS.length).fill(0);
  const records = new Array(BINS.length).fill(0);
  for (let i = 0; i < effective.length; i++) {
    const s = effective[i];
    const b = BINS.findIndex(([lo, hi]) => s >= lo && s <= hi);
    classes[b] += 1 / exact[i];
    records[b]++;
  }
  return { label, bins: BINS.map((b) => b[2]), classes: classes.map(Math.round), records };
}

/** Summary figures over per-record class sizes. */
export function summarize(effective: Int32Array | Float64Array, recordThreshold: number) {
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  let uniques = 0;
  let atRisk = 0;
  let riskSum = 0;
  const violating = new Map<number, number>(K_REPORTED.map((k) => [k, 0]));
  for (let i = 0; i < effective.length; i++) {
    const s = effective[i];
    if (s < min) min = s;
    if (s > max) max = s;
    if (s === 1) uniques++;
    if (1 / s > recordThreshold) atRisk++;
    riskSum += 1 / s;
    for (const k of K_REPORTED) if (s < k) violating.set(k, violating.get(k)! + 1);
  }
  return { min, max, uniques, atRisk, riskSum, violating };
}

/** Compatible-set sizes under the wildcard model, computed on the pool (see wildcard.ts). */
async function wildcardSizes(cols: readonly Column[], pool: AttackContext['pool']): Promise<Float64Array | null> {
  const { pattern, masks } = wildcardPatterns(cols.map((c) => c.codes));
  if (masks.length === 1 && masks[0] === 0) return null;
  const out = sharedFloat64(cols[0].length);
  const P = pool.workers;
  await pool.map(
    'uniqueness.wildcardCounts',
    Array.from({ length: P }, (_, w) => ({
      codes: cols.map((c) => c.codes.buffer as SharedArrayBuffer),
      radix: cols.map((c) => c.cardinality + CODE_OFFSET),
      pattern: pattern.buffer as SharedArrayBuffer,
      masks,
      mine: masks.map((_, i) => i).filter((i) => i % P === w),
      out: out.buffer as SharedArrayBuffer,
    })),
  );
  return out;
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
    if (ctx.wildcard && cols.length > 30) {
      throw new ReidgateError('USAGE', `--wildcard: the wildcard model supports at most 30 quasi-identifiers (got ${cols.length})`);
    }
    const { classSize, sizes } = await groupRows(cols, ctx.pool);
    const compatible = ctx.wildcard ? await wildcardSizes(cols, ctx.pool) : null;
    const effective = compatible ?? classSize;
    const s = summarize(effective, ctx.recordThreshold);
    const prosecutorRisk = new Float64Array(n);
    for (let i = 0; i < n; i++) prosecutorRisk[i] = 1 / effective[i];
    const exact = (value: number) => ({ value, ci95: null });
    const warnings: string[] = [];
    const missingQis = cols.filter((c) => c.codes.includes(MISSING)).map((c) => c.name);
    if (missingQis.length > 0) {
      warnings.push(
        `missing values in ${missingQis.join(', ')} were treated as their own value: records with a missing value group together rather than matching any value`,
      );
    }
    if (ctx.wildcard && !compatible) warnings.push('--wildcard was given but no quasi-identifier holds a wildcard token');
    return {
      metrics: {
        records: exact(n),
        equivalenceClasses: exact(sizes.length),
        minClassSize: exact(s.min),
        sampleUniques: exact(s.uniques),
        sampleUniqueFraction: exact(s.uniques / n),
        prosecutorRiskMax: exact(1 / s.min),
        // Without wildcards Σ 1/|class| over records is exactly the number of classes.
        prosecutorRiskMean: exact(compatible ? s.riskSum / n : sizes.length / n),
        recordsAtRisk: exact(s.atRisk),
        recordsAtRiskFraction: exact(s.atRisk / n),
      },
      perRecord: compatible ? { classSize: compatible, prosecutorRisk } : { classSize, prosecutorRisk },
      histograms: [classSizeHistogram(effective, classSize, compatible ? 'compatible-set size' : 'class size')],
      details: {
        maxClassSize: s.max,
        averageClassSize: n / sizes.length,
        semantics: compatible ? 'wildcard: a suppressed value matches any value' : 'exact: a suppressed value is its own value',
        recordsViolatingK: Object.fromEntries([...s.violating].map(([k, v]) => [`k${k}`, v])),
        recordThreshold: ctx.recordThreshold,
      },
      warnings,
      method: compatible
        ? 'Wildcard model (as ARX): a suppressed QI value matches any value; each record\'s class is the set of records compatible with it, counted exactly. equivalenceClasses counts distinct released QI tuples.'
        : 'Exact counting of equivalence classes over the released values; a missing or suppressed value is its own token.',
    };
  },
};
