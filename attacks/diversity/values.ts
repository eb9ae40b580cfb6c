/**
 * @module attacks/diversity/values — a sensitive column's values (as an engine returns them: distinct
 * released strings and their counts) as dense value ids plus the whole table's distribution over them
 * (the Q of t-closeness).
 *
 * Value ids: for a numeric column, ids 0…m−1 are its distinct numbers in ascending order (equal numbers
 * written differently, "3" and "3.0", are one value) — the ranks of the ordered distance; values that
 * are not numbers (missing, a wildcard token, unparsable text) follow as ids ≥ m, each its own value.
 * For a categorical column m = 0 and every code (missing and wildcard included) is its own id.
 */
import { numericValue, sharedFloat64, sharedInt32 } from '../../src/encode/encode.js';
import type { ColumnKind } from '../../src/encode/types.js';

/** A sensitive column prepared for the class kernels (postable: buffers are shared). */
export interface SensitiveValues {
  name: string;
  /** 'equal' for categorical columns, 'ordered' for numeric ones. */
  distance: 'equal' | 'ordered';
  /** Number of value ids. */
  nValues: number;
  /** Ids 0…m−1 are the ordered (numeric) values; 0 for categorical columns. */
  m: number;
  /** Float64 count of rows per value id in the whole table. */
  global: SharedArrayBuffer;
  /** Rows whose value is among the ordered ids (numeric columns; all rows for categorical ones). */
  nDistributed: number;
  /** Ordered only: Float64 cumulative table distribution Q_i = Σ_{j≤i} q_j, i = 0…m−1. */
  cdf?: SharedArrayBuffer;
  /** Ordered only: Float64 prefix sums S_i = Σ_{j<i} Q_j, i = 0…m. */
  cdfPrefix?: SharedArrayBuffer;
}

/** A sensitive column's values as an engine counts them per class (released strings), prepared for the kernels. */
export interface EngineValues extends SensitiveValues {
  /** Int32 attribute value id of each engine value id. */
  idOfValue: SharedArrayBuffer;
  /** Records whose value is missing (or a wildcard code). */
  missing: number;
  /** Numeric columns: records whose value is not a number (missing included). */
  notNumbers: number;
}

/**
 * Value ids and the table distribution from an engine's distinct values and their counts, with the
 * ids `sensitiveValues` gives: numeric (and date) columns rank the numbers their released strings
 * stand for (`numericValue`, as the encoder reads them; "3" and "3.0" are one rank), and every
 * non-number is its own value after the ranks; categorical columns give each value its own id.
 * @param name - the column
 * @param kind - how the trial declared it
 * @param values - its distinct released values (null: missing)
 * @param totals - rows per value in the whole table
 * @param wildcard - the string standing for a wildcard code (counted with the missing values)
 */
export function engineValues(
  name: string,
  kind: ColumnKind,
  values: readonly (string | null)[],
  totals: ArrayLike<number>,
  wildcard: string,
): EngineValues {
  const idOfValue = sharedInt32(values.length);
  const ordered = kind !== 'categorical';
  let m = 0;
  let nValues = values.length;
  let notNumbers = 0;
  let missing = 0;
  for (let v = 0; v < values.length; v++)
    if (values[v] === null || values[v] === wildcard) missing += totals[v];
  if (ordered) {
    const num = values.map((s) => (s === null || s === wildcard ? Number.NaN : numericValue(s, kind)));
    const distinct = [...new Set(num.filter((x) => !Number.isNaN(x)))].sort((a, b) => a - b);
    m = distinct.length;
    const rank = new Map(distinct.map((x, r) => [x, r]));
    nValues = m;
    for (let v = 0; v < values.length; v++) {
      if (Number.isNaN(num[v])) {
        idOfValue[v] = nValues++;
        notNumbers += totals[v];
      } else idOfValue[v] = rank.get(num[v])!;
    }
  } else {
    for (let v = 0; v < values.length; v++) idOfValue[v] = v;
  }
  const global = sharedFloat64(nValues);
  let n = 0;
  for (let v = 0; v < values.length; v++) {
    global[idOfValue[v]] += totals[v];
    n += totals[v];
  }
  return {
    name,
    distance: ordered ? 'ordered' : 'equal',
    idOfValue: idOfValue.buffer as SharedArrayBuffer,
    nValues,
    m,
    global: global.buffer as SharedArrayBuffer,
    ...(ordered ? orderedDistribution(global, m) : { nDistributed: n }),
    missing,
    notNumbers,
  };
}

/** The table's cumulative distribution over ranks 0…m−1 (and its prefix sums) from counts per id. */
function orderedDistribution(
  global: Float64Array,
  m: number,
): Pick<SensitiveValues, 'nDistributed' | 'cdf' | 'cdfPrefix'> {
  let nd = 0;
  for (let v = 0; v < m; v++) nd += global[v];
  const cdf = sharedFloat64(m);
  const prefix = sharedFloat64(m + 1);
  let cum = 0;
  for (let v = 0; v < m; v++) {
    cum += global[v];
    cdf[v] = nd > 0 ? cum / nd : 0;
    prefix[v + 1] = prefix[v] + cdf[v];
  }
  return {
    nDistributed: nd,
    cdf: cdf.buffer as SharedArrayBuffer,
    cdfPrefix: prefix.buffer as SharedArrayBuffer,
  };
}
