/**
 * @module attacks/population/population-class-sizes — F̂: each record's estimated population class size.
 *
 * With sampling weights, F̂ of a class is the sum of its records' weights (sdcMicro's freqCalc "Fk"),
 * summed on the pool by the `population.classWeights` kernel. With a constant weight w = 1/f it is
 * f_class · w.
 */
import { sharedFloat64 } from '../../src/encode/encode.js';
import type { Column } from '../../src/encode/types.js';
import type { AttackContext } from '../types.js';
import type { ResolvedPopulation } from './knowledge.js';

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
  weights: Exclude<ResolvedPopulation['weights'], { kind: 'none' }>,
  pool: AttackContext['pool'],
): Promise<Float64Array> {
  const n = classSize.length;
  const out = sharedFloat64(n);
  if (weights.kind === 'constant') {
    for (let i = 0; i < n; i++) out[i] = classSize[i] * weights.value;
    return out;
  }
  let w = weights.values;
  if (!(w.buffer instanceof SharedArrayBuffer) || w.byteOffset !== 0 || w.buffer.byteLength !== n * 8) {
    w = sharedFloat64(n);
    w.set(weights.values.subarray(0, n));
  }
  const P = pool.workers;
  await pool.map(
    'population.classWeights',
    Array.from({ length: P }, (_, part) => ({
      codes: cols.map((c) => c.codes.buffer as SharedArrayBuffer),
      cardinality: cols.map((c) => c.cardinality),
      weights: w.buffer as SharedArrayBuffer,
      out: out.buffer as SharedArrayBuffer,
      part,
      parts: P,
    })),
  );
  return out;
}
