/**
 * @module attacks/uniqueness/group — exact grouping of rows into equivalence classes on the pool.
 */
import { sharedFloat64, sharedInt32 } from '../../src/encode/encode.js';
import { CODE_OFFSET, type Column } from '../../src/encode/types.js';
import { ranges } from '../../src/pool/pool.js';
import type { AttackContext } from '../types.js';

/** Largest integer a Float64 holds exactly. */
const MAX_KEY = 2 ** 53;

/** Result of grouping rows into equivalence classes. */
export interface Classes {
  /** Class size of each row. */
  classSize: Int32Array;
  /** Size of each class (order unspecified). */
  sizes: Int32Array;
}

/**
 * Groups rows by the values of `cols` on the pool. Exact: keys are mixed-radix integers below 2^53;
 * when the columns' radices overflow that, the current ids become the leading digit of a new round.
 * @param cols - the columns to group by (≥ 1)
 * @param pool - the worker pool; shards = its worker count (results do not depend on it)
 */
export async function groupRows(cols: readonly Column[], pool: AttackContext['pool']): Promise<Classes> {
  const n = cols[0].length;
  const P = pool.workers;
  const keys = sharedFloat64(n);
  const ids = sharedInt32(n);
  let prev: Int32Array | undefined;
  let prevRadix = 1;
  let sizesByPart: Int32Array[] = [];
  let j = 0;
  while (j < cols.length) {
    const parts: { codes: SharedArrayBuffer; radix: number }[] = [];
    let product = prevRadix;
    while (j < cols.length && product * (cols[j].cardinality + CODE_OFFSET) < MAX_KEY) {
      product *= cols[j].cardinality + CODE_OFFSET;
      parts.push({
        codes: cols[j].codes.buffer as SharedArrayBuffer,
        radix: cols[j].cardinality + CODE_OFFSET,
      });
      j++;
    }
    if (parts.length === 0) {
      // One column alone would overflow: impossible, as cardinality ≤ rows < 2^31 and prevRadix ≤ P·rows.
      throw new Error('uniqueness: composite key overflow');
    }
    await pool.map(
      'uniqueness.composeKeys',
      ranges(n, P).map(([start, end]) => ({
        parts,
        prev: prev?.buffer as SharedArrayBuffer | undefined,
        out: keys.buffer as SharedArrayBuffer,
        start,
        end,
      })),
    );
    const grouped = await pool.map(
      'uniqueness.groupKeys',
      Array.from({ length: P }, (_, part) => ({
        keys: keys.buffer as SharedArrayBuffer,
        ids: ids.buffer as SharedArrayBuffer,
        part,
        parts: P,
      })),
    );
    sizesByPart = grouped.map((g) => g.sizes);
    const maxLocal = Math.max(...sizesByPart.map((s) => s.length));
    prevRadix = maxLocal * P;
    prev = ids;
  }
  // Class size of each row, and the flat list of class sizes.
  const classSize = sharedInt32(n);
  for (let i = 0; i < n; i++) {
    const id = ids[i];
    classSize[i] = sizesByPart[id % P][Math.floor(id / P)];
  }
  const total = sizesByPart.reduce((a, s) => a + s.length, 0);
  const sizes = new Int32Array(total);
  let o = 0;
  for (const s of sizesByPart) {
    sizes.set(s, o);
    o += s.length;
  }
  return { classSize, sizes };
}
