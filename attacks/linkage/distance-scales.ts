/**
 * @module attacks/linkage/distance-scales — the per-column scales s_j of the two metrics
 * (distance-pair.ts) computed from the tables, the column checks shared by the neighbour API, and the
 * columns of two tables as `pairDistance` reads them.
 */
import { sharedInt32 } from '../../src/encode/encode.js';
import type { Column, EncodedTable } from '../../src/encode/types.js';
import { listNames, q, ReidgateError } from '../../src/errors.js';
import type { CompatRelation } from '../types.js';
import type { DistanceMetric, PairColumn } from './distance-pair.js';

/** A table and, optionally, which of its rows take part (absent: all). */
export interface TableRows {
  table: EncodedTable;
  rows?: Int32Array;
}

/** Whether a column is compared by value (numeric and date columns). */
export const isNumeric = (c: Column) => c.kind !== 'categorical';

/**
 * The named columns of a table.
 * @throws ReidgateError('COLUMN') naming the column and the table's columns when one is absent
 */
export function columnsOf(t: TableRows, columns: readonly string[], role: string): Column[] {
  return columns.map((name) => {
    const c = t.table.columns.get(name);
    if (!c) {
      throw new ReidgateError(
        'COLUMN',
        `distance: column ${q(name)} not in the ${role} table (columns: ${listNames([...t.table.columns.keys()])})`,
      );
    }
    return c;
  });
}

/** The rows taking part: `rows`, or 0 … n − 1 on shared memory. */
export function rowsView(rows: Int32Array | undefined, n: number): Int32Array {
  if (rows) return rows;
  const all = sharedInt32(n);
  for (let i = 0; i < n; i++) all[i] = i;
  return all;
}

/**
 * The default s_j: Gower, the range of column j over reference ∪ query rows; Manhattan, its sample
 * standard deviation over the reference rows. 1 when that is 0 or undefined (and for categorical columns).
 */
export function distanceScales(
  metric: DistanceMetric,
  columns: readonly string[],
  query: TableRows,
  reference: TableRows,
): Float64Array {
  const ref = columnsOf(reference, columns, 'reference');
  const qry = columnsOf(query, columns, 'query');
  const out = new Float64Array(columns.length).fill(1);
  const refRows = rowsView(reference.rows, reference.table.rows);
  const qRows = rowsView(query.rows, query.table.rows);
  ref.forEach((c, j) => {
    if (!isNumeric(c) || !c.numbers) return;
    let s = Number.NaN;
    if (metric === 'gower') {
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      const scan = (nums: Float64Array | undefined, rows: Int32Array) => {
        if (!nums) return;
        for (const r of rows) {
          const v = nums[r];
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      };
      scan(c.numbers, refRows);
      scan(qry[j].numbers, qRows);
      s = hi - lo;
    } else {
      let n = 0;
      let mean = 0;
      let m2 = 0;
      for (const r of refRows) {
        const v = c.numbers[r];
        if (Number.isNaN(v)) continue;
        n++;
        const d = v - mean;
        mean += d / n;
        m2 += d * (v - mean);
      }
      s = n > 1 ? Math.sqrt(m2 / (n - 1)) : Number.NaN;
    }
    if (s > 0 && Number.isFinite(s)) out[j] = s;
  });
  return out;
}

/**
 * The columns of a query and a reference table as `pairDistance` reads them (main-thread checks of
 * single pairs, e.g. a target's distance to its true record).
 */
export function pairColumns(
  query: EncodedTable,
  reference: EncodedTable,
  columns: readonly string[],
  scales: Float64Array,
  compat?: ReadonlyMap<string, CompatRelation>,
): PairColumn[] {
  const qc = columnsOf({ table: query }, columns, 'query');
  const rc = columnsOf({ table: reference }, columns, 'reference');
  return columns.map((name, j) => ({
    numeric: isNumeric(rc[j]),
    queryCodes: qc[j].codes,
    queryNumbers: qc[j].numbers,
    referenceCodes: rc[j].codes,
    referenceNumbers: rc[j].numbers,
    compat: compat?.get(name),
    scale: scales[j],
  }));
}
