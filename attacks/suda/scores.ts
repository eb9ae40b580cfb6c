/**
 * @module attacks/suda/scores — SUDA and DIS-SUDA scores from the MSUs found, as sdcMicro 5.8.1's
 * `suda2(…, original_scores = TRUE)` computes them.
 *
 * SUDA score (Elliot, Manning & Ford 2002, doi:10.1142/S0218488502001600). With ATT attributes and
 * MSUs searched up to size M, an MSU of size k weighs
 *
 *   w(k) = ∏_{i=k}^{M-1} (ATT − i)          (= (ATT − k)! when M = ATT, sdcMicro's case)
 *
 * and a record's score is the sum of w over its MSUs. sdcMicro pads one or two key variables with
 * constant dummy columns to three, so ATT = max(number of QIs, 3) here as well.
 *
 * DIS-SUDA score (Skinner & Elliot 2002, doi:10.1111/1467-9868.00365; Elliot et al., SUDA user guide).
 * With U records unique on all QIs, D records in classes of size 2, sampling fraction f (DisFraction,
 * default 0.01) and Q = 1 + (8 − ATT)/20:
 *
 *   dis  = U·f / (U·f + D·(1 − f))                    (file-level probability that a unique is a DIS)
 *   A    = Σ_{j: s_j > 0} s_j^(−Q)
 *   DIS_i = 1 / (1 + (U/dis − U) / (s_i^Q · A))  if s_i > 0, else 0.
 *
 * sdcMicro computes Q in single precision (reproduced with Math.fround: for ATT = 7 it is
 * 1.0499999523…, not 1.05), and the rest in doubles except `dis`, which it takes in single precision from
 * a count of uniques that its hash bucketing underestimates. Mathematically U/dis − U = D(1 − f)/f, so
 * U cancels; we evaluate it in double precision with the true U. On both sdcMicro oracles the results
 * agree to 1e-12; elsewhere sdcMicro's float rounding can move its DIS scores by up to about 1e-8.
 *
 * Attribute contribution (sdcMicro's attribute_contributions): the share of the total SUDA score
 * carried by MSUs that contain the attribute, Σ_{MSUs ∋ c} w(k) / Σ_i s_i (shares add to more than 1,
 * as an MSU counts for each of its attributes; sdcMicro prints 100 × this).
 */

/** The MSU weights w(1 … maxK) (index = size; index 0 unused). */
export function msuWeights(att: number, maxK: number): Float64Array {
  const w = new Float64Array(maxK + 1);
  for (let k = 1; k <= maxK; k++) {
    let x = 1;
    for (let i = k; i < maxK; i++) x *= att - i;
    w[k] = x;
  }
  return w;
}

/** sdcMicro's exponent Q = 1 + (8 − ATT)/20, evaluated in single precision as sdcMicro does. */
export function disExponent(att: number): number {
  const f = Math.fround;
  return f(1 + f(f(8 - att) / 20));
}

/**
 * The DIS-SUDA score as a function of the SUDA score, from the file's scores (rows by score, as the
 * engines answer them: A = Σ records × score^−Q, summed in ascending score order on every engine).
 * @param scores - rows by SUDA score (scores > 0)
 * @param uniques - records unique on all QIs (U)
 * @param pairRecords - records in classes of size 2 (D)
 * @param disFraction - the sampling fraction f (0 < f < 1)
 * @param att - number of attributes ATT
 * @returns DIS_i for a SUDA score s_i (0 for a score of 0, or when U = 0)
 */
export function disScorer(
  scores: ReadonlyArray<{ score: number; records: number }>,
  uniques: number,
  pairRecords: number,
  disFraction: number,
  att: number,
): (score: number) => number {
  const q = disExponent(att);
  if (uniques === 0) return () => 0;
  const dis = (uniques * disFraction) / (uniques * disFraction + pairRecords * (1 - disFraction));
  const spread = uniques / dis - uniques;
  let adjust = 0;
  for (const s of scores) if (s.score > 0) adjust += s.records / s.score ** q;
  return (score) => (score > 0 ? 1 / (1 + spread / (score ** q * adjust)) : 0);
}

/** Upper bounds of sdcMicro's DIS-score table (print.suda2): ==0, (0,0.1], …, (0.6,0.7], >0.7. */
const DIS_BREAKS = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7].map((b) => b + 2.220446049250313e-16);
export const DIS_BINS = [
  '== 0',
  '(0, 0.1]',
  '(0.1, 0.2]',
  '(0.2, 0.3]',
  '(0.3, 0.4]',
  '(0.4, 0.5]',
  '(0.5, 0.6]',
  '(0.6, 0.7]',
  '> 0.7',
];

/** The DIS-score bin of a score, with sdcMicro's breaks (each bound + machine epsilon). */
export function disBin(dis: number): number {
  const b = DIS_BREAKS.findIndex((x) => dis <= x);
  return b === -1 ? DIS_BINS.length - 1 : b;
}

/** Number of set bits of a column mask. */
export function popcount(x: number): number {
  let c = 0;
  while (x !== 0) {
    x &= x - 1;
    c++;
  }
  return c;
}

/** What the MSUs add up to. */
export interface MsuTally {
  /** SUDA score per release row. */
  score: Float64Array;
  /** Number of MSUs per size (index = size). */
  bySize: number[];
  /** Sum of MSU weights per column (for attribute contributions). */
  columnWeight: Float64Array;
  /** Number of MSUs per column combination (bit mask). */
  byCombination: Map<number, number>;
  msus: number;
  /** Whether the cap cut the tally short. */
  truncated: boolean;
}

/**
 * Adds up MSU lists (pairs row, column mask), in order, stopping at `cap` MSUs.
 * All sums are of integers below 2^53, so the tally does not depend on how the MSUs were sharded.
 */
export function tallyMsus(
  lists: readonly Int32Array[],
  rows: number,
  m: number,
  weights: Float64Array,
  cap: number,
): MsuTally {
  const score = new Float64Array(rows);
  const bySize = new Array(weights.length).fill(0);
  const columnWeight = new Float64Array(m);
  const byCombination = new Map<number, number>();
  let msus = 0;
  let truncated = false;
  for (const list of lists) {
    for (let i = 0; i < list.length; i += 2) {
      if (msus >= cap) {
        truncated = true;
        break;
      }
      const mask = list[i + 1];
      const k = popcount(mask);
      const w = weights[k];
      score[list[i]] += w;
      bySize[k]++;
      for (let c = 0; c < m; c++) if (mask & (1 << c)) columnWeight[c] += w;
      byCombination.set(mask, (byCombination.get(mask) ?? 0) + 1);
      msus++;
    }
  }
  return { score, bySize, columnWeight, byCombination, msus, truncated };
}
