/**
 * @module attacks/membership/tree-split — in-place splitting of a k-d tree node's records (tree.ts):
 * a two-way partition by group, or Hoare's quickselect at the median (Hoare 1961, "Algorithm 65: find",
 * CACM 4:321, doi:10.1145/366622.366647), and the test for a leaf of identical records.
 */
import type { Points } from './space.js';

function swap(perm: Int32Array, key: Float64Array, i: number, j: number): void {
  const p = perm[i];
  perm[i] = perm[j];
  perm[j] = p;
  const k = key[i];
  key[i] = key[j];
  key[j] = k;
}

/**
 * Splits perm[s, e) by key: categorical groups 0 | 1 (returns the first 1), numeric at the median
 * by quickselect with a median-of-three pivot (keys left of the returned cut ≤ keys right of it).
 */
export function partition(
  perm: Int32Array,
  key: Float64Array,
  s: number,
  e: number,
  categorical: boolean,
): number {
  if (categorical) {
    let i = s;
    let j = e - 1;
    while (i <= j) {
      if (key[i] === 0) i++;
      else swap(perm, key, i, j--);
    }
    return i;
  }
  const mid = (s + e) >> 1;
  let l = s;
  let r = e - 1;
  while (r > l) {
    const m = (l + r) >> 1;
    if (key[m] < key[l]) swap(perm, key, m, l);
    if (key[r] < key[l]) swap(perm, key, r, l);
    if (key[r] < key[m]) swap(perm, key, r, m);
    const pivot = key[m];
    let i = l;
    let j = r;
    while (i <= j) {
      while (key[i] < pivot) i++;
      while (key[j] > pivot) j--;
      if (i <= j) swap(perm, key, i++, j--);
    }
    if (mid <= j) r = j;
    else if (mid >= i) l = i;
    else break;
  }
  return mid;
}

/** Whether records perm[s, e) are identical (NaN equal to NaN). */
export function identical(
  pts: Points,
  p: number,
  pn: number,
  perm: Int32Array,
  s: number,
  e: number,
): boolean {
  const a = perm[s] * p;
  for (let t = s + 1; t < e; t++) {
    const b = perm[t] * p;
    for (let j = 0; j < p; j++) {
      const x = pts.data[a + j];
      const y = pts.data[b + j];
      if (x !== y && !(Number.isNaN(x) && Number.isNaN(y))) return false;
    }
    if (pts.numCodes) {
      for (let j = 0; j < pn; j++)
        if (pts.numCodes[perm[s] * pn + j] !== pts.numCodes[perm[t] * pn + j]) return false;
    }
  }
  return true;
}
