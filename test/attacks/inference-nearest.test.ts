/**
 * @module test/attacks/inference-nearest — the neighbour search the inference attack uses
 * (attacks/inference/neighbours.ts over linkage's branch-and-bound trie, with the attack's fixed
 * Gower scales) against a brute-force scan written from the Gower definition, on a seeded table with
 * the hard parts: missing values, a wildcard `*`, numeric intervals in the release (compatible with
 * the values they cover), duplicated records, targets with a missing blocking value. Indices and
 * distances must be identical for k = 1, 2, 5 on 1 and 2 workers. Numeric values are integers over a
 * range of exactly 64 (intervals' midpoints are halves), so every sum is exact whatever its order.
 */
import { tableFromArrays } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { neighboursOf } from '../../attacks/inference/neighbours.js';
import { gowerScales, type TargetSet } from '../../attacks/inference/prepare.js';
import { encodeJoint, isCompatible } from '../../src/encode/joint.js';
import type { EncodedTable } from '../../src/encode/types.js';
import { MISSING, WILDCARD } from '../../src/encode/types.js';
import { WorkerPool } from '../../src/pool/pool.js';
import { rng } from '../../src/stats/random.js';

const pools = [new WorkerPool(1), new WorkerPool(2)];
afterAll(() => Promise.all(pools.map((p) => p.close())));

const N = 900;
const Q = 200;
const COLS = ['a', 'b', 'x', 'y', 'c'];
const NUMERIC = new Set(['x', 'y']);
const random = rng(20260611);
const int = (n: number) => Math.floor(random() * n);

function record(): string[] {
  return [`a${int(3)}`, `b${int(int(30) + 1)}`, String(int(65)), String(int(65)), `c${int(6)}`];
}
/** Release values: some intervals, wildcards and blanks. */
function released(r: string[]): Array<string | null> {
  const out: Array<string | null> = [...r];
  if (+r[2] < 60 && random() < 0.1)
    out[2] = `${Math.floor(+r[2] / 10) * 10}-${Math.floor(+r[2] / 10) * 10 + 9}`;
  if (random() < 0.05) out[1] = '*';
  if (random() < 0.04) out[4] = null;
  if (random() < 0.03) out[3] = null;
  return out;
}

const raw: string[][] = [];
for (let i = 0; i < N; i++) raw.push(i > 0 && random() < 0.25 ? raw[int(i)] : record());
// The numeric range is exactly 0–64 on both numeric columns.
raw[0] = ['a0', 'b0', '0', '0', 'c0'];
raw[1] = ['a1', 'b1', '64', '64', 'c1'];
const rel = raw.map((r, i) => (i < 2 ? r : released(r)));
const tgt: Array<Array<string | null>> = Array.from({ length: Q }, (_, i) => {
  const r: Array<string | null> = i % 2 ? [...raw[int(N)]] : record();
  if (random() < 0.08) r[int(5)] = null;
  return r;
});
tgt[0] = [null, null, null, null, null];
tgt[1] = ['a0', null, '10', '20', 'c2'];
const columnsOf = (rows: Array<Array<string | null>>) =>
  Object.fromEntries(COLS.map((c, j) => [c, rows.map((r) => r[j])]));

let release: EncodedTable;
let set: TargetSet;
let compat: ReturnType<typeof encodeJoint>['compat'];

beforeAll(() => {
  const j = encodeJoint(
    new Map([
      ['release', { table: tableFromArrays(columnsOf(rel)), label: 'release' }],
      ['original', { table: tableFromArrays(columnsOf(tgt)), label: 'original' }],
    ]),
    COLS.map((name) => ({
      name,
      kind: NUMERIC.has(name) ? ('numeric' as const) : ('categorical' as const),
      wildcards: new Set(['*']),
    })),
  );
  release = j.tables.get('release')!;
  set = {
    role: 'original',
    table: j.tables.get('original')!,
    rows: Int32Array.from({ length: Q }, (_, i) => i),
  };
  compat = j.compat;
});

/** Brute force from the definition: every release row, sums in column order, sorted by (d, row). */
function brute(scales: Float64Array, k: number) {
  const index: number[] = [];
  const distance: number[] = [];
  for (let t = 0; t < Q; t++) {
    const all: Array<[number, number]> = [];
    for (let r = 0; r < N; r++) {
      let sum = 0;
      let present = 0;
      COLS.forEach((name, j) => {
        const tc = set.table.columns.get(name)!.codes[t];
        const rc = release.columns.get(name)!.codes[r];
        const ok = tc === WILDCARD || rc === WILDCARD || isCompatible(compat.get(name)!, tc, rc);
        if (NUMERIC.has(name)) {
          const x = set.table.columns.get(name)!.numbers![t];
          const v = release.columns.get(name)!.numbers![r];
          if (Number.isNaN(x) || Number.isNaN(v)) return;
          present++;
          sum += ok ? 0 : Math.min(1, Math.abs(x - v) / scales[j]);
        } else {
          if (tc === MISSING || rc === MISSING) return;
          present++;
          sum += ok ? 0 : 1;
        }
      });
      if (present > 0) all.push([sum / present, r]);
    }
    all.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (let j = 0; j < k; j++) {
      index.push(j < all.length ? all[j][1] : -1);
      distance.push(j < all.length ? all[j][0] : Number.POSITIVE_INFINITY);
    }
  }
  return { index, distance };
}

describe('the attack’s neighbour search = brute force', () => {
  it('the case is not trivial: intervals, wildcards, missing values and exact duplicates occur', () => {
    const codes = release.columns.get('b')!.codes;
    expect(codes.includes(WILDCARD)).toBe(true);
    expect(release.columns.get('c')!.codes.includes(MISSING)).toBe(true);
    expect(compat.get('x')!.codes.length).toBeGreaterThan(0);
  });

  for (const k of [1, 2, 5]) {
    it(`k = ${k} on 1 and 2 workers`, async () => {
      const scales = gowerScales(release, [set], COLS);
      expect(Array.from(scales)).toEqual([1, 1, 64, 64, 1]);
      const want = brute(scales, k);
      expect(want.distance.filter((d) => d === 0).length).toBeGreaterThan(0);
      for (const pool of pools) {
        const [got] = await neighboursOf(pool, release, [set], COLS, k, scales, compat);
        expect(Array.from(got.index)).toEqual(want.index);
        expect(Array.from(got.distance)).toEqual(want.distance);
        expect(got.visited).toBeLessThan(N * Q);
      }
    });
  }
});
