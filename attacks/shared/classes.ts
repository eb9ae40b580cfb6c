/**
 * @module attacks/shared/classes — equivalence classes with their members: a class id per record
 * and the records of each class in one contiguous list (CSR). Used by every attack that groups records.
 *
 * Grouping is exact and runs on the pool in rounds: each round packs as many QI columns as fit below
 * 2^53 into one mixed-radix key per row (`uniqueness.composeKeys`; digit = code + CODE_OFFSET, so a
 * WILDCARD code is digit 0 and MISSING digit 1, each its own value),
 * and `uniqueness.groupKeys` numbers the keys per hash partition. The ids are then renumbered in
 * order of first appearance, so class i is the same class whatever the number of workers, and the
 * ids of one round are the leading digit of the next round's keys.
 */
import { sharedFloat64, sharedInt32 } from '../../src/encode/encode.js';
import { CODE_OFFSET, type Column } from '../../src/encode/types.js';
import { ranges } from '../../src/pool/pool.js';
import type { AttackContext } from '../types.js';

/** Largest integer a Float64 holds exactly. */
const MAX_KEY = 2 ** 53;

/** Records grouped by class. Classes are numbered 0…classes−1 in order of their first record. */
export interface ClassIndex {
  /** Number of classes. */
  classes: number;
  /** Class id of each record (shared). */
  classOf: Int32Array;
  /** Records of class c are order[starts[c]] … order[starts[c+1]−1], ascending (shared, classes + 1). */
  starts: Int32Array;
  /** Record indices grouped by class (shared). */
  order: Int32Array;
}

/** Renumbers ids (below `bound`) in order of first appearance; returns the number of distinct ids. */
function renumber(ids: Int32Array, bound: number, out: Int32Array): number {
  const map = new Int32Array(bound).fill(-1);
  let next = 0;
  for (let i = 0; i < ids.length; i++) {
    let c = map[ids[i]];
    if (c === -1) {
      c = next++;
      map[ids[i]] = c;
    }
    out[i] = c;
  }
  return next;
}

/**
 * Groups records by the values of `cols` and lists each class's members.
 * @param cols - the QI columns (none: the whole table is one class)
 * @param rows - number of records (≥ 1)
 * @param pool - the worker pool; the result does not depend on its size
 * @returns class ids, and the members of each class
 */
export async function classIndex(
  cols: readonly Column[],
  rows: number,
  pool: AttackContext['pool'],
): Promise<ClassIndex> {
  const n = rows;
  const P = pool.workers;
  const classOf = sharedInt32(n);
  let classes = n > 0 ? 1 : 0;
  if (cols.length > 0) {
    const keys = sharedFloat64(n);
    const ids = sharedInt32(n);
    let prev: Int32Array | undefined;
    let j = 0;
    while (j < cols.length) {
      const parts: { codes: SharedArrayBuffer; radix: number }[] = [];
      let product = prev ? classes : 1;
      while (j < cols.length && product * (cols[j].cardinality + CODE_OFFSET) < MAX_KEY) {
        product *= cols[j].cardinality + CODE_OFFSET;
        parts.push({
          codes: cols[j].codes.buffer as SharedArrayBuffer,
          radix: cols[j].cardinality + CODE_OFFSET,
        });
        j++;
      }
      // Cannot happen: one column's radix ≤ rows + 2 and the leading ids < rows, both < 2^31.
      if (parts.length === 0) throw new Error('classIndex: composite key overflow');
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
      const bound = P * Math.max(...grouped.map((g) => g.sizes.length));
      classes = renumber(ids.subarray(0, n), bound, classOf);
      prev = classOf;
    }
  }
  // Counting sort of the records by class (stable: members ascending).
  const starts = sharedInt32(classes + 1);
  for (let i = 0; i < n; i++) starts[classOf[i] + 1]++;
  for (let c = 0; c < classes; c++) starts[c + 1] += starts[c];
  const fill = starts.slice(0, classes);
  const order = sharedInt32(n);
  for (let i = 0; i < n; i++) order[fill[classOf[i]]++] = i;
  return { classes, classOf, starts, order };
}
