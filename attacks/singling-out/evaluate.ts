/**
 * @module attacks/singling-out/evaluate — runs the singling-out kernels on the pool: multivariate
 * predicate generation in seeded batches, and match counts sharded by predicate range.
 *
 * Generation is deterministic whatever the worker count: batch b always draws the same candidates
 * (seed deriveSeed(seed, `multivariate:b`)); batches run in waves of a few per worker, but their
 * results are merged strictly in batch order, duplicates dropped, and the search stops at a rule that
 * depends only on that order (enough predicates, the attempt budget spent, or a run of batches that
 * found nothing new). Work done by a wave past the stopping batch is discarded.
 */
import { sharedInt32 } from '../../src/encode/encode.js';
import type { Column } from '../../src/encode/types.js';
import { ranges } from '../../src/pool/pool.js';
import { deriveSeed } from '../../src/stats/random.js';
import type { AttackContext } from '../types.js';
import type { Postings } from './generate.js';
import type { ColumnBuffers } from './kernels.js';
import { isNumeric, keyOf, type Predicates, pack, size, type Term, termsOf } from './predicates.js';

/** Candidates drawn per generation batch. */
export const BATCH = 256;
/** Stop after this many consecutive batches (in batch order) that add no new predicate. */
const STALL_BATCHES = 16;

/** The postable buffers of QI columns. */
export function buffersOf(cols: readonly Column[]): ColumnBuffers[] {
  return cols.map((c) => ({
    codes: c.codes.buffer as SharedArrayBuffer,
    numbers: c.numbers ? (c.numbers.buffer as SharedArrayBuffer) : undefined,
  }));
}

/**
 * Indexes release rows by code for each categorical QI: the postings generate.ts walks (a counting
 * sort, O(rows) per QI, on shared memory).
 */
export function buildPostings(cols: readonly Column[], numeric: readonly boolean[]): Postings {
  const offsets: SharedArrayBuffer[] = [];
  const rows: SharedArrayBuffer[] = [];
  cols.forEach((c, j) => {
    const k = numeric[j] ? 0 : c.cardinality;
    const off = sharedInt32(k + 1);
    for (const code of c.codes) if (code >= 0 && k > 0) off[code + 1]++;
    for (let x = 0; x < k; x++) off[x + 1] += off[x];
    const out = sharedInt32(k > 0 ? off[k] : 0);
    const next = off.slice(0, k);
    c.codes.forEach((code, i) => {
      if (code >= 0 && k > 0) out[next[code]++] = i;
    });
    offsets.push(off.buffer as SharedArrayBuffer);
    rows.push(out.buffer as SharedArrayBuffer);
  });
  return { offsets, rows };
}

/**
 * Counts each predicate's matches in a table, up to `cap`, sharded over the pool.
 * @returns one count per predicate (min(count, cap))
 */
export async function countOnPool(
  pool: AttackContext['pool'],
  columns: ColumnBuffers[],
  predicates: Predicates,
  cap: number,
): Promise<Int32Array> {
  const n = size(predicates);
  const out = new Int32Array(n);
  if (n === 0) return out;
  const shards = ranges(n, pool.workers * 4);
  const parts = await pool.map(
    'singlingOut.countMatches',
    shards.map(([start, end]) => ({ columns, predicates, start, end, cap })),
  );
  shards.forEach(([start], i) => {
    out.set(parts[i], start);
  });
  return out;
}

export interface MultivariateSearch {
  predicates: Predicates;
  /** Candidates drawn in the batches that were merged. */
  attempts: number;
  /** Why the search stopped. */
  stop: 'enough' | 'budget' | 'stalled';
}

/**
 * Finds up to `n` distinct multivariate predicates isolating exactly one release record.
 * @param ctx - the attack context (pool, seed)
 * @param release - the release's QI columns
 * @param n - predicates wanted
 * @param terms - [min, max] terms per predicate
 * @param maxAttempts - candidate budget
 */
export async function searchMultivariate(
  ctx: Pick<AttackContext, 'pool' | 'seed'>,
  release: readonly Column[],
  n: number,
  terms: [number, number],
  maxAttempts: number,
): Promise<MultivariateSearch> {
  const numeric = release.map(isNumeric);
  const columns = buffersOf(release);
  const postings = buildPostings(release, numeric);
  const found: Term[][] = [];
  const seen = new Set<string>();
  const maxBatches = Math.max(1, Math.ceil(maxAttempts / BATCH));
  const wave = ctx.pool.workers * 2;
  let stall = 0;
  let attempts = 0;
  for (let b0 = 0; b0 < maxBatches; b0 += wave) {
    const batches = Array.from({ length: Math.min(wave, maxBatches - b0) }, (_, i) => b0 + i);
    const results = await ctx.pool.map(
      'singlingOut.generateMultivariate',
      batches.map((b) => ({
        columns,
        numeric,
        postings,
        seed: deriveSeed(ctx.seed, `multivariate:${b}`),
        candidates: BATCH,
        minTerms: terms[0],
        maxTerms: terms[1],
      })),
    );
    for (const r of results) {
      attempts += BATCH;
      let added = 0;
      for (let q = 0; q < size(r.predicates) && found.length < n; q++) {
        const t = termsOf(r.predicates, q);
        const key = keyOf(t);
        if (seen.has(key)) continue;
        seen.add(key);
        found.push(t);
        added++;
      }
      if (found.length >= n) return { predicates: pack(found), attempts, stop: 'enough' };
      stall = added === 0 ? stall + 1 : 0;
      if (stall >= STALL_BATCHES) return { predicates: pack(found), attempts, stop: 'stalled' };
    }
  }
  return { predicates: pack(found), attempts, stop: 'budget' };
}
