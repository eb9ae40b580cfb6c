/**
 * @module attacks/linkage/codes — per-code tables the linkage kernels compare with.
 *
 * Canonical codes: the joint encoding gives every distinct string its own code, so a numeric or date
 * QI written `2` on one side and `2.0` on the other (as some de-identification tools write numbers)
 * would never compare equal. For numeric and date QIs, plain (non-generalized) values with the same
 * number share one canonical code (the smallest such code); every other code is its own canonical
 * code. Universal codes: generalized values compatible with every value the targets hold (`*`).
 */
import { sharedInt32 } from '../../src/encode/encode.js';
import type { ColumnKind } from '../../src/encode/types.js';

/**
 * Canonical codes for one column: numeric/date plain values with equal numbers share the smallest code.
 * @param kind - the QI's kind
 * @param cardinality - number of codes
 * @param generalized - codes of generalized released values (kept as their own canonical code)
 * @param sides - [codes, numbers] pairs from which each code's number is read
 */
export function canonicalCodes(
  kind: ColumnKind,
  cardinality: number,
  generalized: Int32Array,
  sides: ReadonlyArray<[Int32Array, Float64Array | undefined]>,
): Int32Array {
  const canon = sharedInt32(cardinality);
  for (let c = 0; c < cardinality; c++) canon[c] = c;
  if (kind === 'categorical') return canon;
  const value = new Float64Array(cardinality).fill(Number.NaN);
  const seen = new Uint8Array(cardinality);
  for (const [codes, numbers] of sides) {
    if (!numbers) continue;
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i];
      if (c >= 0 && !seen[c]) {
        seen[c] = 1;
        value[c] = numbers[i];
      }
    }
  }
  const isGen = new Uint8Array(cardinality);
  for (const g of generalized) isGen[g] = 1;
  const first = new Map<number, number>();
  for (let c = 0; c < cardinality; c++) {
    const v = value[c];
    if (isGen[c] || Number.isNaN(v)) continue;
    const f = first.get(v);
    if (f === undefined) first.set(v, c);
    else canon[c] = f;
  }
  return canon;
}

/**
 * Marks generalized codes compatible with every code the targets hold (full suppression such as `*`):
 * they carry no evidence in probabilistic linkage.
 * @param cardinality - number of codes
 * @param generalized - codes of generalized released values
 * @param offsets - CSR offsets of the compatibility relation (target code → release codes)
 * @param codes - CSR codes of the compatibility relation
 * @param target - the targets' codes
 */
export function universalCodes(
  cardinality: number,
  generalized: Int32Array,
  offsets: Int32Array,
  codes: Int32Array,
  target: Int32Array,
): Uint8Array {
  const out = new Uint8Array(cardinality);
  if (generalized.length === 0) return out;
  const held = new Uint8Array(cardinality);
  for (let i = 0; i < target.length; i++) if (target[i] >= 0) held[target[i]] = 1;
  const covers = new Int32Array(cardinality);
  let distinct = 0;
  for (let c = 0; c < cardinality; c++) {
    if (!held[c]) continue;
    distinct++;
    for (let k = offsets[c]; k < offsets[c + 1]; k++) if (codes[k] !== c) covers[codes[k]]++;
  }
  for (const g of generalized) if (covers[g] + held[g] === distinct && distinct > 0) out[g] = 1;
  return out;
}
