/**
 * @module attacks/inference/neighbours — each target's k nearest released records over the QIs the
 * attacker knows, under Gower distance (Gower 1971, Biometrics 27:857, doi:10.2307/2528823), as
 * Giomi et al. (PETS 2023, doi:10.56553/popets-2023-0055) model the inference attacker.
 *
 * The search is the exact one of distance-based linkage (attacks/linkage/distance-neighbours.ts: a
 * branch-and-bound trie over the release's distinct tuples, built once, then query shards on the
 * pool), so the neighbours do not depend on the number of workers. Ties go to the lowest row of the
 * (shuffled) release.
 */
import type { WorkerPool } from '../../src/pool/pool.js';
import { buildNeighbourIndexOn, nearestNeighbours } from '../linkage/distance.js';
import type { CompatRelation } from '../types.js';
import type { TargetSet } from './prepare.js';

/** Neighbours of one target set, position-major: target position i, rank j at i·k + j. */
export interface TargetNeighbours {
  k: number;
  /** Release rows (of the shuffled release), −1 when fewer than j+1 records are comparable. */
  index: Int32Array;
  /** Their Gower distances (+∞ with index −1). */
  distance: Float64Array;
  /** Distinct release tuples whose distance was computed (search effort, for the details). */
  visited: number;
}

/**
 * The k nearest release records of each target of each set.
 * @param pool - the worker pool
 * @param release - the (shuffled) release
 * @param sets - target sets
 * @param columns - the QIs compared
 * @param k - neighbours per target
 * @param scales - Gower ranges per column, in `columns` order (shared by all sets)
 * @param compat - per QI, which released (generalized) codes a target code is compatible with
 */
export async function neighboursOf(
  pool: WorkerPool,
  release: TargetSet['table'],
  sets: readonly TargetSet[],
  columns: readonly string[],
  k: number,
  scales: Float64Array,
  compat?: ReadonlyMap<string, CompatRelation>,
): Promise<TargetNeighbours[]> {
  const reference = { table: release };
  const index = await buildNeighbourIndexOn(pool, reference, columns);
  const out: TargetNeighbours[] = [];
  for (const s of sets) {
    const query = { table: s.table, rows: s.rows };
    const nn = await nearestNeighbours(pool, query, reference, columns, 'gower', k, {
      compat,
      scales,
      index,
    });
    out.push({ k, index: nn.index, distance: nn.distance, visited: nn.stats.evaluated });
  }
  return out;
}
