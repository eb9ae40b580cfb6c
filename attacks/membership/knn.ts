/**
 * @module attacks/membership/knn — exact k nearest neighbours between two record sets on the pool.
 *
 * The searched set is indexed once in the main thread (a k-d tree, tree.ts); query
 * records are cut into shards that workers search independently (knn-kernel.ts) into shared outputs.
 * Results are exact and identical for any number of workers or shards (ties go to the lowest index).
 */
import { sharedFloat64, sharedInt32 } from '../../src/encode/encode.js';
import { ranges, type WorkerPool } from '../../src/pool/pool.js';
import type { KnnStats } from './knn-kernel.js';
import type { Points, Space } from './space.js';
import { buildTree, type KnnIndex } from './tree.js';

/** The k nearest searched records of each query. */
export interface Neighbours {
  k: number;
  /** Query i's r-th nearest distance at i·k + r (+∞ when fewer than r + 1 comparable records). */
  distance: Float64Array;
  /** Its record index in the searched Points (−1 with +∞). */
  index: Int32Array;
  /** Per query, the searched records at distance exactly 0 (all of them, not only the k listed). */
  zeros: Int32Array;
  stats: KnnStats & { nodes: number; searched: number; queries: number };
}

/**
 * Finds the k nearest records of `searched` for every record of `query`.
 * @param pool - worker pool (shards: 8 per worker)
 * @param space - the metric (space.ts); both point sets must be laid out in it
 * @param query - query records
 * @param searched - searched records, or an index built from them
 * @param k - neighbours per query (≥ 1)
 */
export async function nearest(
  pool: WorkerPool,
  space: Space,
  query: Points,
  searched: Points | KnnIndex,
  k: number,
): Promise<Neighbours> {
  const index = 'rowOf' in searched ? searched : buildTree(space, searched);
  const distance = sharedFloat64(query.n * k);
  const idx = sharedInt32(query.n * k);
  const zeros = sharedInt32(query.n);
  const shards = ranges(query.n, pool.workers * 8);
  const stats = await pool.map(
    'membership.knn',
    shards.map(([start, end]) => ({
      space,
      index,
      query,
      start,
      end,
      k,
      outDistance: distance,
      outIndex: idx,
      outZeros: zeros,
    })),
  );
  return {
    k,
    distance,
    index: idx,
    zeros,
    stats: {
      evaluated: stats.reduce((a, s) => a + s.evaluated, 0),
      nodesVisited: stats.reduce((a, s) => a + s.nodesVisited, 0),
      nodes: index.nodes,
      searched: index.n,
      queries: query.n,
    },
  };
}
