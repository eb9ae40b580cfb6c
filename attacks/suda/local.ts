/**
 * @module attacks/suda/local — the local engine's `subsetUniques`: the SUDA2 search (search.ts) on the
 * encoded columns, sharded over the worker pool, tallied into the engine interface's answer.
 */
import type { Column } from '../../src/encode/types.js';
import { MISSING } from '../../src/encode/types.js';
import type { SubsetUniques, SubsetUniquesQuery } from '../../src/engine/types.js';
import type { WorkerPool } from '../../src/pool/pool.js';
import { prepareTable } from './prepare.js';
import { tallyMsus } from './scores.js';
import type { SudaSearchResult } from './types.js';

/** Fixed number of search shards: results never depend on the number of workers. */
const TASKS = 32;
const DEFAULT_MAX_MSUS = 10_000_000;

/**
 * Minimal sample uniques of the encoded columns `cols` (see SubsetUniquesQuery).
 * @param cols - the quasi-identifier columns, in the query's order
 * @param rows - rows of the table
 * @param pool - the worker pool the search shards run on
 * @param q - the question (maxSize, weights, wildcard, maxMsus, perRecord)
 */
export async function localSubsetUniques(
  cols: readonly Column[],
  rows: number,
  pool: WorkerPool,
  q: SubsetUniquesQuery,
): Promise<SubsetUniques> {
  const cap = q.maxMsus ?? DEFAULT_MAX_MSUS;
  const prep = prepareTable(cols, q.wildcard === true);
  let shards: SudaSearchResult[] = [];
  if (q.maxSize >= 2 && prep.nItems > 0) {
    const tasks = Math.min(TASKS, prep.nItems);
    shards = await pool.map(
      'suda.search',
      Array.from({ length: tasks }, (_, task) => ({ ...prep.base, maxK: q.maxSize, task, tasks, cap })),
    );
  }
  const tally = tallyMsus([prep.single, ...shards.map((s) => s.msus)], rows, cols.length, q.weights, cap);
  const byScore = new Map<number, number>();
  for (const s of tally.score) if (s > 0) byScore.set(s, (byScore.get(s) ?? 0) + 1);
  return {
    records: rows,
    classes: prep.classes,
    sampleUniques: prep.sampleUniques,
    pairRecords: prep.pairRecords,
    byMask: [...tally.byCombination].map(([mask, msus]) => ({ mask, msus })).sort((a, b) => a.mask - b.mask),
    scores: [...byScore].map(([score, records]) => ({ score, records })).sort((a, b) => a.score - b.score),
    perRecord: q.perRecord ? tally.score : undefined,
    truncated: tally.truncated || shards.some((s) => s.truncated),
    missingIn: cols.filter((c) => c.codes.includes(MISSING)).map((c) => c.name),
  };
}
