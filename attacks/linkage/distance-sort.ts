/**
 * @module attacks/linkage/distance-sort — sorting the reference rows for the neighbour index: a stable
 * LSD radix sort over the columns' level and exact keys (distance-keys.ts), with consecutive small
 * keys combined into one pass.
 */
import type { ColumnKeys } from './distance-keys.js';

/** Stable counting sort of `perm` by `key[perm[i]]` (keys in [0, radix)), into `out`. */
function countingPass(perm: Int32Array, key: Int32Array, radix: number, out: Int32Array): void {
  const count = new Int32Array(radix + 1);
  for (let i = 0; i < perm.length; i++) count[key[perm[i]] + 1]++;
  for (let r = 0; r < radix; r++) count[r + 1] += count[r];
  for (let i = 0; i < perm.length; i++) {
    const q = perm[i];
    out[count[key[q]]++] = q;
  }
}

/** Number of distinct values in an array of small non-negative keys. */
export function distinctKeys(keys: Int32Array, radix: number): number {
  const seen = new Uint8Array(radix);
  let n = 0;
  for (let i = 0; i < keys.length; i++) {
    if (!seen[keys[i]]) {
      seen[keys[i]] = 1;
      n++;
    }
  }
  return n;
}

/** Largest radix of a composite sort key (its count array stays in cache). */
const MAX_RADIX = 1 << 16;

/**
 * Positions 0 … n−1 sorted by (level keys in level order, then refining exact keys): a stable LSD
 * radix sort whose passes each take as many consecutive keys as fit one radix of ≤ 2^16.
 */
export function sortPositions(keys: ColumnKeys[], columnOfLevel: number[], n: number): Int32Array {
  const digits: Array<[Int32Array, number]> = []; // least significant first
  for (let j = columnOfLevel.length - 1; j >= 0; j--) {
    const k = keys[columnOfLevel[j]];
    if (k.refines) digits.push([k.exact, k.exactRadix]);
  }
  for (let j = columnOfLevel.length - 1; j >= 0; j--) {
    const k = keys[columnOfLevel[j]];
    digits.push([k.level, k.levelRadix]);
  }
  let perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  let tmp = new Int32Array(n);
  let composite: Int32Array | null = null;
  for (let d = 0; d < digits.length; ) {
    let radix = digits[d][1];
    let e = d + 1;
    while (e < digits.length && radix * digits[e][1] <= MAX_RADIX) radix *= digits[e++][1];
    let key = digits[d][0];
    if (e > d + 1) {
      composite ??= new Int32Array(n);
      key = composite;
      key.fill(0);
      for (let m = e - 1; m >= d; m--) {
        const [part, r] = digits[m];
        for (let i = 0; i < n; i++) key[i] = key[i] * r + part[i];
      }
    }
    countingPass(perm, key, radix, tmp);
    [perm, tmp] = [tmp, perm];
    d = e;
  }
  return perm;
}

/** `a` in the order of `perm` (a gather). */
export function gather(a: Int32Array, perm: Int32Array): Int32Array {
  const out = new Int32Array(perm.length);
  for (let i = 0; i < perm.length; i++) out[i] = a[perm[i]];
  return out;
}
