/**
 * The engines' last step of sparse linkage (attacks/linkage/sparse-board.ts: the eccentricity test on
 * release persons grouped by the items they match) against the local scoreboard kernel
 * (sparse-kernels.ts) on seeded random instances: small code sets, so scores tie often; demographic
 * ranges, some of one person, so a lone compatible person matching no item can be the best. Claims and
 * patients scored must be identical, eccentricities equal to rounding.
 */
import { describe, expect, it } from 'vitest';
import { boardFromGroups } from '../../attacks/linkage/sparse-board.js';
import { sparseScore } from '../../attacks/linkage/sparse-kernels.js';
import { sharedFloat64, sharedInt32 } from '../../src/encode/encode.js';
import { targetBatches } from '../../src/engine/duckdb-sparse.js';
import type { SparseScores } from '../../src/engine/types.js';
import { invertTokens } from '../../src/relational/person-view.js';
import { rng } from '../../src/stats/random.js';

/** One random instance: n persons over C codes, T targets with up to K items and a rank range each. */
function instance(seed: number, n: number, C: number, T: number, K: number, demo: boolean) {
  const r = rng(seed);
  const sets: number[][] = Array.from({ length: n }, () =>
    [...new Set(Array.from({ length: Math.floor(r() * 4) }, () => Math.floor(r() * C)))].sort(
      (a, b) => a - b,
    ),
  );
  const offsets = sharedInt32(n + 1);
  const flat: number[] = [];
  sets.forEach((s, p) => {
    flat.push(...s);
    offsets[p + 1] = flat.length;
  });
  const codes = sharedInt32(flat.length);
  codes.set(flat);
  const index = invertTokens(n, offsets, codes, C);
  const support = (c: number) => index.offsets[c + 1] - index.offsets[c];
  const itemOffsets = sharedInt32(T + 1);
  const items: number[] = [];
  const lo: number[] = [];
  const hi: number[] = [];
  for (let t = 0; t < T; t++) {
    const k = 1 + Math.floor(r() * K);
    for (const c of new Set(Array.from({ length: k }, () => Math.floor(r() * C)))) items.push(c);
    itemOffsets[t + 1] = items.length;
    // A rank range: sometimes one person, sometimes a few, sometimes everyone.
    const a = Math.floor(r() * n);
    const len = r() < 0.3 ? 1 : r() < 0.7 ? 1 + Math.floor(r() * 4) : n - a;
    lo.push(a);
    hi.push(Math.min(n, a + len));
  }
  const demoWeight = sharedFloat64(T);
  for (let t = 0; t < T; t++) demoWeight[t] = demo ? 1 / Math.log(1 + hi[t] - lo[t]) : 0;
  return { sets, index, support, itemOffsets, items, lo, hi, demoWeight };
}

describe('sparse linkage: the grouped board gives the kernel’s claims', () => {
  for (const [seed, demo] of [
    [1, true],
    [2, false],
    [3, true],
    [4, true],
    [5, false],
  ] as const) {
    it(`seed ${seed}, ${demo ? 'with' : 'without'} demographics`, () => {
      const n = 40;
      const T = 300;
      const x = instance(seed, n, 12, T, 4, demo);
      const identity = Int32Array.from({ length: n }, (_, i) => i);
      const weight = sharedFloat64(12);
      for (let c = 0; c < 12; c++) weight[c] = x.support(c) > 0 ? 1 / Math.log(1 + x.support(c)) : 0;
      const out = { claimed: sharedInt32(T), eccentricity: sharedFloat64(T), candidates: sharedInt32(T) };
      const itemCodes = sharedInt32(x.items.length);
      itemCodes.set(x.items);
      const rangeOffsets = Int32Array.from({ length: T + 1 }, (_, t) => (demo ? t : 0));
      sparseScore({
        persons: n,
        postOffsets: x.index.offsets,
        postings: x.index.postings,
        evOffsets: sharedInt32(13),
        evPerson: sharedInt32(0),
        evLo: sharedInt32(0),
        evHi: sharedInt32(0),
        evWidth: 0,
        weight,
        itemOffsets: x.itemOffsets,
        itemCodes,
        itemLo: new Int32Array(x.items.length),
        itemHi: new Int32Array(x.items.length),
        itemDated: new Uint8Array(x.items.length),
        rankOf: identity,
        order: identity,
        rangeOffsets,
        rangeLo: Int32Array.from(demo ? x.lo : []),
        rangeHi: Int32Array.from(demo ? x.hi : []),
        demoWeight: x.demoWeight,
        phi: 1,
        start: 0,
        end: T,
        ...out,
      });
      // What an engine answers: per target, persons grouped by (mask, compatible).
      const groupOffsets = new Int32Array(T + 1);
      const mask: bigint[] = [];
      const compatible: number[] = [];
      const count: number[] = [];
      const first: number[] = [];
      const compatibleTotal = new Float64Array(T);
      const loneCompatible = new Int32Array(T).fill(-1);
      let lones = 0;
      for (let t = 0; t < T; t++) {
        const own = x.items.slice(x.itemOffsets[t], x.itemOffsets[t + 1]);
        const groups = new Map<string, [bigint, number, number, number]>();
        const unmatched: number[] = [];
        for (let p = 0; p < n; p++) {
          let m = 0n;
          own.forEach((c, j) => {
            if (x.sets[p].includes(c)) m |= 1n << BigInt(j);
          });
          const comp = demo && p >= x.lo[t] && p < x.hi[t] ? 1 : 0;
          if (m === 0n) {
            if (comp) unmatched.push(p);
            continue;
          }
          const key = `${m},${comp}`;
          const g = groups.get(key) ?? [m, comp, 0, p];
          g[2]++;
          groups.set(key, g);
        }
        for (const [m, comp, k, p] of groups.values()) {
          mask.push(m);
          compatible.push(comp);
          count.push(k);
          first.push(p);
        }
        groupOffsets[t + 1] = mask.length;
        compatibleTotal[t] = demo ? x.hi[t] - x.lo[t] : 0;
        if (unmatched.length === 1) {
          loneCompatible[t] = unmatched[0];
          lones++;
        }
      }
      const answer: SparseScores = {
        support: Float64Array.from(x.items, x.support),
        groupOffsets,
        mask,
        compatible: Uint8Array.from(compatible),
        count: Float64Array.from(count),
        first: Int32Array.from(first),
        compatibleTotal,
        loneCompatible,
        persons: n,
        details: {},
      };
      const board = boardFromGroups(x.itemOffsets, answer, x.demoWeight, 1);
      expect(Array.from(board.claimed)).toEqual(Array.from(out.claimed));
      expect(Array.from(board.candidates)).toEqual(Array.from(out.candidates));
      for (let t = 0; t < T; t++) {
        if (Number.isNaN(out.eccentricity[t])) expect(board.eccentricity[t]).toBeNaN();
        else expect(Math.abs(board.eccentricity[t] - out.eccentricity[t])).toBeLessThan(1e-12);
      }
      // The instance exercises claims, ties and (with demographics) lone compatible persons.
      expect(out.claimed.some((c) => c >= 0)).toBe(true);
      expect(out.eccentricity.some((e) => e === 0)).toBe(true);
      if (demo) expect(lones).toBeGreaterThan(0);
    });
  }
});

describe('sparse linkage on engines: targets scored in batches', () => {
  it('cuts consecutive targets where their items’ supports would exceed the bound (a target alone may)', () => {
    const itemOffsets = Int32Array.of(0, 2, 3, 5, 6);
    const support = Float64Array.of(3, 4, 10, 1, 1, 2);
    expect(targetBatches(itemOffsets, support, 8)).toEqual([
      [0, 1],
      [1, 2],
      [2, 4],
    ]);
    expect(targetBatches(itemOffsets, support, 100)).toEqual([[0, 4]]);
    expect(targetBatches(Int32Array.of(0), new Float64Array(0), 8)).toEqual([]);
  });
});
