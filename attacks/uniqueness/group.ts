/**
 * @module attacks/uniqueness/group — class sizes per record and per class, from the shared exact
 * grouping (attacks/shared/classes.ts).
 */
import { sharedInt32 } from '../../src/encode/encode.js';
import type { Column } from '../../src/encode/types.js';
import { type ClassIndex, classIndex } from '../shared/classes.js';
import type { AttackContext } from '../types.js';

/** Result of grouping rows into equivalence classes. */
export interface Classes {
  /** Class size of each row. */
  classSize: Int32Array;
  /** Size of each class, indexed by class id (classes numbered by first record). */
  sizes: Int32Array;
  /** The class index itself (class of each row, members of each class). */
  index: ClassIndex;
}

/**
 * Groups rows by the values of `cols` on the pool (exact; the result does not depend on the worker
 * count).
 * @param cols - the columns to group by (≥ 1)
 * @param pool - the worker pool
 */
export async function groupRows(cols: readonly Column[], pool: AttackContext['pool']): Promise<Classes> {
  const n = cols[0].length;
  const index = await classIndex(cols, n, pool);
  const sizes = new Int32Array(index.classes);
  for (let c = 0; c < index.classes; c++) sizes[c] = index.starts[c + 1] - index.starts[c];
  const classSize = sharedInt32(n);
  for (let i = 0; i < n; i++) classSize[i] = sizes[index.classOf[i]];
  return { classSize, sizes, index };
}
