/**
 * @module attacks/linkage/distance-neighbours — exact k nearest neighbours between two jointly encoded
 * tables on the pool, under Gower or standardized Manhattan distance (distance-pair.ts).
 *
 * Used by distance-based linkage (a target's nearest released record) and meant for membership
 * inference (distance to closest record, DCR). The reference table is indexed once (distinct tuples
 * as a trie, distance-index.ts; cached per table and column list while the table lives), then query
 * rows are searched in shards on the pool (distance-search.ts). Results are exact — identical to a
 * brute-force scan, with ties going to the lowest reference row — and do not depend on the number of
 * workers or shards.
 */
import type { EncodedTable } from '../../src/encode/types.js';
import { ReidgateError } from '../../src/errors.js';
import type { WorkerPool } from '../../src/pool/pool.js';
import { ranges } from '../../src/pool/pool.js';
import type { CompatRelation } from '../types.js';
import type { NeighbourIndex } from './distance-index.js';
import { type DistanceMetric, newF64, newI32, type SharedView, shareF64, shareI32 } from './distance-pair.js';
import { columnsOf, distanceScales, isNumeric, rowsView, type TableRows } from './distance-scales.js';
import type { QueryColumnInput } from './distance-search.js';

export type { TableRows } from './distance-scales.js';

export interface NeighbourOptions {
  /** Per column: which reference codes are compatible with a query code (generalized values). */
  compat?: ReadonlyMap<string, CompatRelation>;
  /**
   * Per column s_j (see distance-pair.ts). Default `distanceScales(metric, …)` over these tables; pass
   * fixed scales to compare distances across several query sets (e.g. members and non-members).
   */
  scales?: Float64Array;
  /** A prebuilt index of the reference (from `buildNeighbourIndexOn` with the same rows and columns). */
  index?: NeighbourIndex;
  /** Also count the reference rows at exactly the nearest distance (`ties`). */
  countTies?: boolean;
}

export interface Neighbours {
  k: number;
  /** Query position i's j-th nearest reference row is index[i·k + j] (−1: < j+1 comparable rows). */
  index: Int32Array;
  /** Its distance (+∞ with index −1). Ordered by (distance, row). */
  distance: Float64Array;
  /** With countTies: per query, the reference rows at exactly distance[i·k] (0 when none). */
  ties?: Int32Array;
  /** The s_j used. */
  scales: Float64Array;
  /** Reference rows, their distinct tuples, and the search effort (tuples evaluated, trie nodes). */
  stats: { referenceRows: number; tuples: number; evaluated: number; nodes: number };
}

const indexCache = new WeakMap<EncodedTable, Map<string, Promise<NeighbourIndex>>>();

/**
 * Indexes a reference table for `nearestNeighbours` (on one worker). The index of a whole table is
 * cached while the table lives, so several metrics and query sets share one build.
 * @throws ReidgateError('COLUMN') when a column is absent
 */
export function buildNeighbourIndexOn(
  pool: WorkerPool,
  reference: TableRows,
  columns: readonly string[],
): Promise<NeighbourIndex> {
  const cols = columnsOf(reference, columns, 'reference');
  const make = () =>
    pool.run('linkage.distanceIndex', {
      columns: cols.map((c) => ({
        numeric: isNumeric(c),
        codes: shareI32(c.codes),
        numbers: c.numbers ? shareF64(c.numbers) : undefined,
        cardinality: c.cardinality,
      })),
      rows: reference.rows ? shareI32(Int32Array.from(reference.rows).sort()) : undefined,
      tableRows: reference.table.rows,
    });
  if (reference.rows) return make();
  let byColumns = indexCache.get(reference.table);
  if (!byColumns) {
    byColumns = new Map();
    indexCache.set(reference.table, byColumns);
  }
  const key = columns.join('\u0000');
  let built = byColumns.get(key);
  if (!built) {
    built = make();
    byColumns.set(key, built);
    built.catch(() => byColumns.delete(key));
  }
  return built;
}

/**
 * For each query row, its k nearest reference rows (exact; ties to the lowest row).
 * @param pool - the worker pool (query rows are sharded over it; results do not depend on its size)
 * @param query - the query table and rows (e.g. sampled targets)
 * @param reference - the reference table and rows (e.g. the release); must share dictionaries with
 *   the query table (encodeJoint), or codes would not be comparable
 * @param columns - the columns compared (present in both; numeric/date columns must carry numbers)
 * @param metric - 'gower' or 'manhattan'
 * @param k - neighbours per query row (≥ 1)
 * @returns neighbours position-major (query position i, rank j at i·k + j)
 * @throws ReidgateError('COLUMN') when a column is absent from either table; ('USAGE') for a bad k
 */
export async function nearestNeighbours(
  pool: WorkerPool,
  query: TableRows,
  reference: TableRows,
  columns: readonly string[],
  metric: DistanceMetric,
  k = 2,
  options: NeighbourOptions = {},
): Promise<Neighbours> {
  if (!Number.isInteger(k) || k < 1)
    throw new ReidgateError('USAGE', `distance: k ${k} must be a whole number ≥ 1`);
  const qCols = columnsOf(query, columns, 'query');
  const scales = options.scales ?? distanceScales(metric, columns, query, reference);
  const index = options.index ?? (await buildNeighbourIndexOn(pool, reference, columns));
  const qRows = rowsView(query.rows, query.table.rows);
  const nq = qRows.length;
  const outIndex = newI32(nq * k);
  const outDistance = newF64(nq * k);
  const outTies = options.countTies ? newI32(nq) : undefined;
  const view = (a: Int32Array | Float64Array): SharedView => ({
    buffer: a.buffer as SharedArrayBuffer,
    offset: a.byteOffset,
    length: a.length,
  });
  const queryInput: QueryColumnInput[] = qCols.map((c, j) => {
    const rel = options.compat?.get(columns[j]);
    return {
      codes: shareI32(c.codes),
      numbers: c.numbers ? shareF64(c.numbers) : undefined,
      compat: rel ? { offsets: shareI32(rel.offsets), codes: shareI32(rel.codes) } : undefined,
    };
  });
  const queryRows = shareI32(qRows);
  const shards = ranges(nq, pool.workers * 8);
  const stats = await pool.map(
    'linkage.distanceSearch',
    shards.map(([start, end]) => ({
      index,
      query: queryInput,
      queryRows,
      start,
      end,
      metric,
      scales: Array.from(scales),
      k,
      countTies: options.countTies ?? false,
      outIndex: view(outIndex),
      outDistance: view(outDistance),
      outTies: outTies ? view(outTies) : undefined,
    })),
  );
  return {
    k,
    index: outIndex,
    distance: outDistance,
    ties: outTies,
    scales,
    stats: {
      referenceRows: index.rows,
      tuples: index.tuples,
      evaluated: stats.reduce((a, s) => a + s.evaluated, 0),
      nodes: stats.reduce((a, s) => a + s.nodes, 0),
    },
  };
}
