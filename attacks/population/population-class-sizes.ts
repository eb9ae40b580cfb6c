/**
 * @module attacks/population/population-class-sizes — F̂: each record's estimated population class size.
 *
 * With sampling weights, F̂ of a class is the sum of its records' weights (sdcMicro's freqCalc "Fk"),
 * summed on the pool by the `population.classWeights` kernel. With a constant weight w = 1/f it is
 * f_class · w. Alongside, each record gets a group number such that records of one group share
 * (f, F̂), so that per-record risks can be computed once per group: the class with weights, the
 * class size with a constant weight.
 */
import { sharedFloat64, sharedInt32 } from '../../src/encode/encode.js';
import type { Column } from '../../src/encode/types.js';
import type { AttackContext } from '../types.js';

/** F̂ per record, and groups of records sharing (f, F̂). */
export interface ClassSizeEstimates {
  Fhat: Float64Array;
  /** Group number of each record, in [0, groups). */
  group: Int32Array;
  groups: number;
}

/**
 * F̂ per record.
 * @param cols - the QI columns
 * @param classSize - sample class size of each record
 * @param weights - the resolved weights (not 'none')
 * @param pool - the worker pool
 */
export async function estimatedClassSizes(
  cols: readonly Column[],
  classSize: Int32Array,
  weights: { kind: 'given'; values: Float64Array } | { kind: 'constant'; value: number },
  pool: AttackContext['pool'],
): Promise<ClassSizeEstimates> {
  const n = classSize.length;
  const Fhat = sharedFloat64(n);
  if (weights.kind === 'constant') {
    let max = 0;
    for (let i = 0; i < n; i++) {
      Fhat[i] = classSize[i] * weights.value;
      if (classSize[i] > max) max = classSize[i];
    }
    return { Fhat, group: classSize, groups: max + 1 };
  }
  let w = weights.values;
  if (!(w.buffer instanceof SharedArrayBuffer) || w.byteOffset !== 0 || w.buffer.byteLength !== n * 8) {
    w = sharedFloat64(n);
    w.set(weights.values.subarray(0, n));
  }
  const P = pool.workers;
  const ids = sharedInt32(n);
  const counts = await pool.map(
    'population.classWeights',
    Array.from({ length: P }, (_, part) => ({
      codes: cols.map((c) => c.codes.buffer as SharedArrayBuffer),
      cardinality: cols.map((c) => c.cardinality),
      weights: w.buffer as SharedArrayBuffer,
      out: Fhat.buffer as SharedArrayBuffer,
      ids: ids.buffer as SharedArrayBuffer,
      part,
      parts: P,
    })),
  );
  // Dense group numbers: partition p's classes follow those of partitions 0 … p−1.
  const offset = new Int32Array(P);
  for (let part = 1; part < P; part++) offset[part] = offset[part - 1] + counts[part - 1];
  const group = new Int32Array(n);
  for (let i = 0; i < n; i++) group[i] = offset[ids[i] % P] + Math.floor(ids[i] / P);
  return { Fhat, group, groups: offset[P - 1] + counts[P - 1] };
}
