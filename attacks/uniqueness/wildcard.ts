/**
 * @module attacks/uniqueness/wildcard — compatible-set sizes under the wildcard model.
 *
 * With --wildcard, a suppressed QI value (code WILDCARD) matches any value, as in ARX. Two records are
 * compatible when, on every QI, their values are equal or either one is a wildcard; a record's
 * "class" is then the set of records compatible with it (itself included), and its prosecutor risk
 * is 1 / that size. Compatibility is not transitive, so these sets are not a partition.
 *
 * Exact counting: records are grouped by their wildcard pattern (which QIs are suppressed). For a
 * record r with pattern P and a group with pattern Q, the compatible records of that group are those
 * agreeing with r on the QIs suppressed in neither: count them with one hash pass over the group per
 * (P, Q) pair. Work is O(patterns × rows); the pool shards the patterns P.
 */
import { sharedFloat64 } from '../../src/encode/encode.js';
import { CODE_OFFSET, type Column, WILDCARD } from '../../src/encode/types.js';
import type { WorkerPool } from '../../src/pool/pool.js';
import { KeyIndex } from '../shared/key-index.js';

export interface WildcardCountsPayload {
  /** QI codes, one buffer per column. */
  codes: SharedArrayBuffer[];
  radix: number[];
  /** Pattern id of each row. */
  pattern: SharedArrayBuffer;
  /** Bitmask (over QIs) of each pattern id. */
  masks: number[];
  /** Pattern ids whose rows this shard computes. */
  mine: number[];
  /** Float64 output: compatible-set size per row (written for this shard's rows). */
  out: SharedArrayBuffer;
}

/** Computes compatible-set sizes for the rows whose pattern is in `mine`. */
export function wildcardCounts(p: WildcardCountsPayload): number {
  const cols = p.codes.map((b) => new Int32Array(b));
  const pattern = new Int32Array(p.pattern);
  const out = new Float64Array(p.out);
  const n = pattern.length;
  const rowsOf: number[][] = p.masks.map(() => []);
  for (let i = 0; i < n; i++) rowsOf[pattern[i]].push(i);
  for (const P of p.mine) {
    const rowsP = rowsOf[P];
    const acc = new Float64Array(rowsP.length);
    for (let Q = 0; Q < p.masks.length; Q++) {
      const free = ~(p.masks[P] | p.masks[Q]);
      const used = cols.map((_, j) => (free >>> j) & 1).flatMap((b, j) => (b ? [j] : []));
      const key = keyer(cols, p.radix, used);
      const index = new KeyIndex(Math.min(rowsOf[Q].length, 1 << 16));
      let counts = new Int32Array(1024);
      for (const s of rowsOf[Q]) {
        const id = index.idOf(key(s));
        if (id >= counts.length) {
          const g = new Int32Array(counts.length * 2);
          g.set(counts);
          counts = g;
        }
        counts[id]++;
      }
      // Look-ups insert unseen keys; ids at or above sizeQ are not in group Q.
      const sizeQ = index.size;
      for (let k = 0; k < rowsP.length; k++) {
        const id = index.idOf(key(rowsP[k]));
        if (id < sizeQ) acc[k] += counts[id];
      }
    }
    for (let k = 0; k < rowsP.length; k++) out[rowsP[k]] = acc[k];
  }
  return p.mine.length;
}

/**
 * A key function over the columns `used`: mixed radix while it stays below 2^53, else a 32-bit
 * polynomial hash pair folded into 53 bits (collisions then possible in principle; the radix path
 * covers realistic QI sets: 2^53 ≈ 9e15 combinations).
 */
function keyer(cols: Int32Array[], radix: number[], used: number[]): (row: number) => number {
  let product = 1;
  for (const j of used) product *= radix[j];
  if (product < 2 ** 53) {
    return (row) => {
      let k = 0;
      for (const j of used) k = k * radix[j] + (cols[j][row] + CODE_OFFSET);
      return k;
    };
  }
  return (row) => {
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193;
    for (const j of used) {
      h1 = Math.imul(h1 ^ cols[j][row], 0x01000193);
      h2 = Math.imul(h2 ^ cols[j][row], 0x5bd1e995) ^ (h2 >>> 13);
    }
    return (h1 >>> 0) * 2097152 + ((h2 >>> 0) & 0x1fffff);
  };
}

/** Pattern id per row and the bitmask of each pattern (QIs that are WILDCARD). */
export function wildcardPatterns(cols: readonly Int32Array[]): { pattern: Int32Array; masks: number[] } {
  const n = cols[0].length;
  const pattern = new Int32Array(new SharedArrayBuffer(Math.max(1, n) * 4), 0, n);
  const ids = new Map<number, number>();
  const masks: number[] = [];
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let j = 0; j < cols.length; j++) if (cols[j][i] === WILDCARD) m |= 1 << j;
    let id = ids.get(m);
    if (id === undefined) {
      id = masks.length;
      masks.push(m);
      ids.set(m, id);
    }
    pattern[i] = id;
  }
  return { pattern, masks };
}

/**
 * Compatible-set sizes under the wildcard model, computed on the pool.
 * @param cols - the QI columns
 * @param pool - the worker pool
 * @returns per row its compatible-set size, or null when no column holds a wildcard
 */
export async function wildcardSizes(cols: readonly Column[], pool: WorkerPool): Promise<Float64Array | null> {
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
