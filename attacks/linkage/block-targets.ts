/**
 * @module attacks/linkage/block-targets — each target's compatible buckets in a blocking pass: the
 * product, over the key's QIs, of the release codes compatible with the target's value, looked up in
 * the pass's bucket table (see block.ts).
 */
import { sharedInt32 } from '../../src/encode/encode.js';
import { CODE_OFFSET, WILDCARD } from '../../src/encode/types.js';
import { mixKey } from '../shared/key-index.js';
import type { FieldStats } from './block.js';
import type { FieldData, LinkageData } from './prepare.js';

/** Compatible keys per target above which a target is compared with every release row instead. */
export const MAX_KEYS_PER_TARGET = 4096;

/** A release code's digit in a blocking key: canonical code + CODE_OFFSET (wildcard 0, missing 1). */
export function digitOf(f: FieldData, g: number): number {
  return g >= 0 ? f.canon[g] + CODE_OFFSET : g + CODE_OFFSET;
}

/** Lookup-only open addressing from keys (< 2^53) to their position in `keys`; -1 when absent. */
export class KeyTable {
  private readonly slots: Int32Array;
  private readonly mask: number;
  constructor(private readonly keys: Float64Array) {
    let cap = 16;
    while (cap < keys.length * 2) cap *= 2;
    this.slots = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    for (let i = 0; i < keys.length; i++) {
      let s = mixKey(keys[i]) & this.mask;
      while (this.slots[s] !== -1) s = (s + 1) & this.mask;
      this.slots[s] = i;
    }
  }
  find(k: number): number {
    let s = mixKey(k) & this.mask;
    for (;;) {
      const i = this.slots[s];
      if (i === -1 || this.keys[i] === k) return i;
      s = (s + 1) & this.mask;
    }
  }
}

/** Each sampled target's compatible buckets (CSR), or a lone -1 when there are too many keys. */
export function targetBuckets(
  data: LinkageData,
  fs: FieldData[],
  fields: number[],
  stats: FieldStats[],
  radix: number[],
  lookup: { find(key: number): number },
): { offsets: Int32Array; list: Int32Array } {
  const T = data.targetRows.length;
  const offsets = sharedInt32(T + 1);
  const lists: Int32Array[] = [];
  let total = 0;
  const options: Int32Array[] = fs.map(() => new Int32Array(0));
  for (let t = 0; t < T; t++) {
    const r = data.targetRows[t];
    let product = 1;
    for (let j = 0; j < fs.length; j++) {
      const f = fs[j];
      const s = stats[fields[j]];
      const c = f.target[r];
      if (c < 0) options[j] = s.digits;
      else {
        const lo = f.compatOffsets[c];
        const hi = f.compatOffsets[c + 1];
        const o = new Int32Array(1 + hi - lo + (s.hasWildcard ? 1 : 0));
        o[0] = f.canon[c] + CODE_OFFSET;
        for (let k = lo; k < hi; k++) o[1 + k - lo] = digitOf(f, f.compatCodes[k]);
        if (s.hasWildcard) o[o.length - 1] = WILDCARD + CODE_OFFSET;
        options[j] = o;
      }
      product *= options[j].length;
    }
    let found: Int32Array;
    if (product > MAX_KEYS_PER_TARGET) found = Int32Array.of(-1);
    else found = enumerate(options, radix, lookup);
    lists.push(found);
    total += found.length;
    offsets[t + 1] = total;
  }
  const list = sharedInt32(total);
  for (let t = 0; t < T; t++) list.set(lists[t], offsets[t]);
  return { offsets, list };
}

/** Looks up every key in the product of per-field digit options; returns the buckets that exist. */
function enumerate(
  options: Int32Array[],
  radix: number[],
  lookup: { find(key: number): number },
): Int32Array {
  const out: number[] = [];
  const idx = new Int32Array(options.length);
  for (;;) {
    let key = 0;
    for (let j = 0; j < options.length; j++) key = key * radix[j] + options[j][idx[j]];
    const b = lookup.find(key);
    if (b >= 0) out.push(b);
    let j = options.length - 1;
    while (j >= 0 && ++idx[j] === options[j].length) idx[j--] = 0;
    if (j < 0) break;
  }
  return Int32Array.from(out);
}
