/**
 * @module attacks/population/kernels — pure kernels of the population attack.
 *
 * `classWeights` sums the sampling weights of each equivalence class (sdcMicro's F̂_k, freqCalc's
 * "Fk") and writes the sum, and the class's id (local id · parts + p), to every row of the class.
 * Worker p owns the classes whose key hashes to
 * partition p, so each class is summed by one worker, in row order: the result is the same for any
 * number of workers. Keys are exact: a mixed-radix integer of the QI codes when it stays below 2^53,
 * otherwise the codes joined as a string.
 */
import { KeyIndex, mixKey, partitionOf } from '../shared/key-index.js';

/** Codes are ≥ −2 (WILDCARD −2, MISSING −1, values 0 …): adding this makes a digit. */
const DIGIT_OFFSET = 2;

export interface ClassWeightsPayload {
  /** Int32 QI codes, one buffer per column. */
  codes: SharedArrayBuffer[];
  /** Cardinality of each column. */
  cardinality: number[];
  /** Float64 weight per row. */
  weights: SharedArrayBuffer;
  /** Float64 output: the class's weight sum, per row (written for this partition's rows). */
  out: SharedArrayBuffer;
  /** Int32 output: the class id local · parts + part, per row (written for this partition's rows). */
  ids: SharedArrayBuffer;
  part: number;
  parts: number;
}

/** Sums weights per class for the classes of one hash partition; returns its number of classes. */
export function classWeights(p: ClassWeightsPayload): number {
  const cols = p.codes.map((b) => new Int32Array(b));
  const w = new Float64Array(p.weights);
  const out = new Float64Array(p.out);
  const ids = new Int32Array(p.ids);
  const n = w.length;
  const radix = p.cardinality.map((c) => c + DIGIT_OFFSET);
  const exact = radix.reduce((a, r) => a * r, 1) < 2 ** 53;
  const rowClass = new Int32Array(n).fill(-1);
  let sums = new Float64Array(1024);
  let classes = 0;
  const index = new KeyIndex(Math.min(n, 1 << 16));
  const byString = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    let id: number;
    if (exact) {
      let key = 0;
      for (let j = 0; j < cols.length; j++) key = key * radix[j] + (cols[j][i] + DIGIT_OFFSET);
      if (partitionOf(key, p.parts) !== p.part) continue;
      id = index.idOf(key);
    } else {
      let h = 0;
      const digits: number[] = [];
      for (let j = 0; j < cols.length; j++) {
        digits.push(cols[j][i]);
        h = mixKey((h ^ (cols[j][i] + DIGIT_OFFSET)) >>> 0);
      }
      if (p.parts > 1 && h % p.parts !== p.part) continue;
      const key = digits.join(',');
      const known = byString.get(key);
      id = known ?? byString.size;
      if (known === undefined) byString.set(key, id);
    }
    if (id >= sums.length) {
      const grown = new Float64Array(sums.length * 2);
      grown.set(sums);
      sums = grown;
    }
    if (id >= classes) classes = id + 1;
    sums[id] += w[i];
    rowClass[i] = id;
  }
  for (let i = 0; i < n; i++) {
    const id = rowClass[i];
    if (id < 0) continue;
    out[i] = sums[id];
    ids[i] = id * p.parts + p.part;
  }
  return classes;
}
