/**
 * @module engine/size-table — per-row class sizes → the size table every engine returns.
 */
import type { SizeRow } from './types.js';

/**
 * Counts records by (effective size, exact size), sorted by size then exact.
 * @param effective - per row: the size that sets the risk (exact class or compatible-set size)
 * @param exact - per row: the exact class size (the same array when there is no wildcard model)
 * @returns the size table
 */
export function sizeTableOf(effective: ArrayLike<number>, exact: ArrayLike<number>): SizeRow[] {
  const n = effective.length;
  const counts = new Map<number, number>();
  // Sizes are integers in [1, n], so size·(n+1) + exact is an exact, collision-free key below 2^53
  // for any table that fits in memory.
  for (let i = 0; i < n; i++) {
    const key = effective[i] * (n + 1) + exact[i];
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts]
    .map(([key, records]) => ({ size: Math.floor(key / (n + 1)), exact: key % (n + 1), records }))
    .sort((a, b) => a.size - b.size || a.exact - b.exact);
}
