/**
 * @module attacks/membership/pair — the distance between two records, written plainly from the
 * definitions in space.ts (Gower, standardized Manhattan, PWS Cup 2025), for tests and single checks;
 * the search kernel (knn-kernel.ts) computes the same sums in the same column order.
 */
import { MISSING, WILDCARD } from '../../src/encode/types.js';
import { GOWER, type KernelCompat, MANHATTAN, type Points, PWS, type Space } from './space.js';

function compatible(c: KernelCompat | null, a: number, b: number): boolean {
  if (!c || a < 0 || a + 1 >= c.offsets.length) return false;
  for (let e = c.offsets[a]; e < c.offsets[a + 1]; e++) if (c.codes[e] === b) return true;
  return false;
}

/**
 * The distance between query record i of `q` (a target) and reference record j of `r` (the module
 * comment's definition, written plainly).
 */
export function pairDistance(space: Space, q: Points, i: number, r: Points, j: number): number {
  const { pc, pn, mode, p } = space;
  const skip = mode !== PWS;
  let s = 0;
  let present = 0;
  for (let c = 0; c < pc; c++) {
    const a = q.data[i * p + c];
    const b = r.data[j * p + c];
    if (skip && (a === MISSING || b === MISSING)) continue;
    present++;
    if (a === b) continue;
    if (skip && (a === WILDCARD || b === WILDCARD || compatible(space.compat[c], a, b))) continue;
    s += space.catWeight[c];
  }
  for (let c = 0; c < pn; c++) {
    const x = q.data[i * p + pc + c];
    const y = r.data[j * p + pc + c];
    if (Number.isNaN(x) || Number.isNaN(y)) continue;
    present++;
    const cc = space.compat[pc + c];
    if (cc && q.numCodes && r.numCodes) {
      const a = q.numCodes[i * pn + c];
      const b = r.numCodes[j * pn + c];
      if (a === b || compatible(cc, a, b)) continue;
    }
    const d = Math.abs(x - y);
    s += mode === GOWER && d > 1 ? 1 : d;
  }
  if (present === 0) return Number.POSITIVE_INFINITY;
  if (mode === GOWER) return s / present;
  if (mode === MANHATTAN) return present === space.p ? s : (s * space.p) / present;
  return s;
}
