/**
 * @module test/attacks/linkage-distance — distance-based linkage: hand-computed Gower and Manhattan
 * distances on four release rows, the leak case, generalized and suppressed values, and the method's
 * claims, confidence and expected success.
 */
import { tableFromArrays } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import {
  distanceConfidence,
  distanceLinkage,
  distanceScales,
  nearestNeighbours,
  pairColumns,
  pairDistance,
} from '../../attacks/linkage/distance.js';
import type { AttackContext } from '../../attacks/types.js';
import { encodeJoint, type JointSpec } from '../../src/encode/joint.js';
import type { ColumnKind } from '../../src/encode/types.js';
import { WorkerPool } from '../../src/pool/pool.js';

const pools = [new WorkerPool(1), new WorkerPool(2)];
afterAll(async () => Promise.all(pools.map((p) => p.close())));

type Cols = Record<string, (string | null)[]>;

/**
 * Encodes release and original jointly. The original gets the release's rows appended after the
 * targets, so that every released value is also held on the targets' side and is read as a plain
 * value (not as a generalization of unknown extent); `targets` lists the real target rows.
 */
function joint(
  release: Cols,
  original: Cols,
  kinds: Record<string, ColumnKind>,
  extra: Partial<JointSpec> = {},
) {
  const specs: JointSpec[] = Object.entries(kinds).map(([name, kind]) => ({ name, kind, ...extra }));
  const n = Object.values(original)[0].length;
  const padded = Object.fromEntries(Object.keys(original).map((c) => [c, [...original[c], ...release[c]]]));
  const j = encodeJoint(
    new Map([
      ['release', { table: tableFromArrays(release as Record<string, string[]>), label: '--release' }],
      ['original', { table: tableFromArrays(padded as Record<string, string[]>), label: '--original' }],
    ]),
    specs,
  );
  return {
    release: j.tables.get('release')!,
    original: j.tables.get('original')!,
    compat: j.compat,
    targets: Int32Array.from({ length: n }, (_, i) => i),
  };
}

function context(pool: WorkerPool, j: ReturnType<typeof joint>, truth?: Int32Array): AttackContext {
  const cols = [...j.release.columns.keys()];
  return {
    release: j.release,
    qi: cols.map((name) => ({ name, kind: j.release.columns.get(name)!.kind })),
    sensitive: [],
    pool,
    seed: 1,
    recordThreshold: 0.2,
    wildcard: false,
    linkage: {
      targetsRole: 'original',
      targets: j.original,
      targetRows: j.targets,
      truth: truth ?? new Int32Array(j.targets.length).fill(-1),
      groundTruth: truth ? 'aligned' : 'none',
      knownQi: cols,
      compat: j.compat,
    },
  };
}

// Four release rows and two targets. age is numeric, sex and zip categorical.
//   r0: 30, M, 123      r1: 40, F, 456      r2: 30-40, M, *      r3: *, F, 123
//   t0: 35, M, 123      t1: 50, F, (missing)
// Release age numbers: 30, 40, 35 (interval midpoint), NaN (suppressed).
const hand = joint(
  { age: ['30', '40', '30-40', '*'], sex: ['M', 'F', 'M', 'F'], zip: ['123', '456', '*', '123'] },
  { age: ['35', '50'], sex: ['M', 'F'], zip: ['123', null] },
  { age: 'numeric', sex: 'categorical', zip: 'categorical' },
);
const COLS = ['age', 'sex', 'zip'];

describe('hand-computed distances', () => {
  // Gower: age range over release ∪ targets = 50 − 30 = 20.
  //  t0–r0: |35−30|/20 = 0.25, sex 0, zip 0            → 0.25 / 3
  //  t0–r1: 0.25 + 1 + 1                               → 2.25 / 3 = 0.75
  //  t0–r2: 35 ∈ [30,40] → 0; M = M; `*` covers 123    → 0
  //  t0–r3: age suppressed (skipped), sex 1, zip 0      → 1 / 2
  //  t1–r0: |50−30|/20 = 1, sex 1, zip missing (skip)  → 2 / 2 = 1
  //  t1–r1: 10/20 = 0.5, sex 0                         → 0.5 / 2 = 0.25
  //  t1–r2: 50 ∉ [30,40]: |50−35|/20 = 0.75, sex 1     → 1.75 / 2 = 0.875
  //  t1–r3: age skipped, sex 0                         → 0 / 1 = 0
  const gower = [
    [0.25 / 3, 2.25 / 3, 0, 1 / 2],
    [1, 0.25, 0.875, 0],
  ];
  // Manhattan: release age sd = sd(30, 40, 35) = sqrt(50 / 2) = 5; p = 3 columns, S·3/|P| when skipped.
  //  t0–r0: 5/5 = 1 + 0 + 0 = 1        t0–r1: 1 + 1 + 1 = 3
  //  t0–r2: 0                          t0–r3: (sex 1 + zip 0) · 3/2 = 1.5
  //  t1–r0: (20/5 + 1) · 3/2 = 7.5     t1–r1: (10/5 + 0) · 3/2 = 3
  //  t1–r2: (15/5 + 1) · 3/2 = 6       t1–r3: 0 · 3/1 = 0
  const manhattan = [
    [1, 3, 0, 1.5],
    [7.5, 3, 6, 0],
  ];

  it('scales: Gower range 20, Manhattan sd 5', () => {
    const q = { table: hand.original, rows: hand.targets };
    const r = { table: hand.release };
    expect(Array.from(distanceScales('gower', COLS, q, r))).toEqual([20, 1, 1]);
    expect(Array.from(distanceScales('manhattan', COLS, q, r))).toEqual([5, 1, 1]);
  });

  it.each([
    ['gower', gower, 20],
    ['manhattan', manhattan, 5],
  ] as const)('%s pair distances', (metric, expected, s) => {
    const pc = pairColumns(hand.original, hand.release, COLS, Float64Array.of(s, 1, 1), hand.compat);
    for (let t = 0; t < 2; t++)
      for (let r = 0; r < 4; r++) expect(pairDistance(metric, pc, t, r)).toBe(expected[t][r]);
  });

  it.each([
    ['gower', [2, 0, 3, 1], [0, 0.25 / 3, 0, 0.25]],
    ['manhattan', [2, 0, 3, 1], [0, 1, 0, 3]],
  ] as const)('%s nearest neighbours on 1 and 2 workers', async (metric, index, distance) => {
    for (const pool of pools) {
      const nn = await nearestNeighbours(
        pool,
        { table: hand.original, rows: hand.targets },
        { table: hand.release },
        COLS,
        metric,
        2,
        { compat: hand.compat, countTies: true },
      );
      expect(Array.from(nn.index)).toEqual(index);
      expect(Array.from(nn.distance)).toEqual(distance);
      expect(Array.from(nn.ties!)).toEqual([1, 1]);
    }
  });

  it('all four distances of k = 4 come back ordered by (distance, row)', async () => {
    const nn = await nearestNeighbours(
      pools[1],
      { table: hand.original, rows: hand.targets },
      { table: hand.release },
      COLS,
      'gower',
      4,
      {
        compat: hand.compat,
      },
    );
    expect(Array.from(nn.index)).toEqual([2, 0, 3, 1, 3, 1, 2, 0]);
    expect(Array.from(nn.distance)).toEqual([0, 0.25 / 3, 0.5, 0.75, 0, 0.25, 0.875, 1]);
  });
});

describe('distanceLinkage', () => {
  it('hand case: claims, confidence 1 − d1/d2 and expected success', async () => {
    // truth: t0 was made into r2 (the generalized row), t1 into r1 (not the nearest: r3 is).
    const ctx = context(pools[0], hand, Int32Array.of(2, 1));
    const g = await distanceLinkage(ctx, 'gower');
    expect(g.method).toBe('distance-gower');
    expect(Array.from(g.claimed)).toEqual([2, 3]);
    expect(Array.from(g.confidence)).toEqual([1, 1]);
    expect(Array.from(g.expectedSuccess!)).toEqual([1, 0]);
    expect(g.details).toMatchObject({ targets: 2, linked: 2, atDistanceZero: 2, exact: true });
    const m = await distanceLinkage(ctx, 'manhattan');
    expect(Array.from(m.claimed)).toEqual([2, 3]);
  });

  it('leak case: release = targets, every target finds itself at distance 0', async () => {
    const rows = 60;
    const cols: Cols = {
      age: Array.from({ length: rows }, (_, i) => String(20 + (i % 30))),
      sex: Array.from({ length: rows }, (_, i) => (i % 2 ? 'F' : 'M')),
      zip: Array.from({ length: rows }, (_, i) => `z${Math.floor(i / 30)}`),
    };
    const j = joint(cols, cols, { age: 'numeric', sex: 'categorical', zip: 'categorical' });
    const truth = Int32Array.from({ length: rows }, (_, i) => i);
    for (const pool of pools) {
      for (const metric of ['gower', 'manhattan'] as const) {
        const r = await distanceLinkage(context(pool, j, truth), metric);
        expect(Array.from(r.claimed)).toEqual(Array.from(truth));
        expect(Array.from(r.confidence).every((c) => c === 1)).toBe(true);
        expect(Array.from(r.expectedSuccess!).every((e) => e === 1)).toBe(true);
        expect(r.details).toMatchObject({ atDistanceZero: rows, tiedAtNearest: 0, truthAtNearest: rows });
      }
    }
  });

  it('duplicated release records: a tie at distance 0 gives confidence 0 and expected success 1/2', async () => {
    const j = joint(
      { age: ['30', '30', '31'], sex: ['M', 'M', 'M'] },
      { age: ['30'], sex: ['M'] },
      { age: 'numeric', sex: 'categorical' },
    );
    const r = await distanceLinkage(context(pools[1], j, Int32Array.of(1)), 'gower');
    expect(Array.from(r.claimed)).toEqual([0]);
    expect(Array.from(r.confidence)).toEqual([0]);
    expect(Array.from(r.expectedSuccess!)).toEqual([0.5]);
  });

  it('a target with no comparable value gets no claim, with a warning', async () => {
    const j = joint(
      { age: ['30', '*'], sex: ['M', null] },
      { age: [null], sex: [null] },
      {
        age: 'numeric',
        sex: 'categorical',
      },
    );
    const r = await distanceLinkage(context(pools[0], j), 'gower');
    expect(Array.from(r.claimed)).toEqual([-1]);
    expect(r.confidence[0]).toBeNaN();
    expect(r.warnings?.join()).toMatch(/1 target\(s\) have no known QI value/);
  });
});

describe('generalized and suppressed values', () => {
  it('an interval containing the target value is at distance 0 on that variable', async () => {
    // release: '30-39' (midpoint 34.5) and 36; target 35. Plain midpoint distance would prefer 34.5's
    // |0.5| over 36's |1|, but compatibility gives the interval 0 and 36 a positive term.
    const j = joint({ age: ['36', '30-39'] }, { age: ['35'] }, { age: 'numeric' });
    for (const metric of ['gower', 'manhattan'] as const) {
      const nn = await nearestNeighbours(
        pools[0],
        { table: j.original, rows: j.targets },
        { table: j.release },
        ['age'],
        metric,
        2,
        {
          compat: j.compat,
        },
      );
      expect(nn.index[0]).toBe(1);
      expect(nn.distance[0]).toBe(0);
      expect(nn.distance[1]).toBeGreaterThan(0);
    }
    // Without the compat relation the interval counts by its midpoint.
    const plain = await nearestNeighbours(
      pools[0],
      { table: j.original, rows: j.targets },
      { table: j.release },
      ['age'],
      'gower',
    );
    expect(plain.distance[0]).toBeGreaterThan(0);
  });

  it('hierarchy ancestors and `*` count as agreement; suppressed numerics and missing values are skipped', async () => {
    const hierarchy = new Map([
      ['HS-grad', new Set(['HS', '*'])],
      ['Masters', new Set(['Tertiary', '*'])],
    ]);
    const j = encodeJoint(
      new Map([
        [
          'release',
          { table: tableFromArrays({ edu: ['HS', 'Tertiary', '*'], age: ['*', '*', '40'] }), label: 'r' },
        ],
        ['original', { table: tableFromArrays({ edu: ['Masters'], age: ['40'] }), label: 'o' }],
      ]),
      [
        { name: 'edu', kind: 'categorical', hierarchy },
        { name: 'age', kind: 'numeric' },
      ],
    );
    const nn = await nearestNeighbours(
      pools[1],
      { table: j.tables.get('original')! },
      { table: j.tables.get('release')! },
      ['edu', 'age'],
      'gower',
      3,
      { compat: j.compat },
    );
    // r0: HS ≠ Masters → 1, age skipped → 1/1; r1: Tertiary covers Masters → 0, age skipped → 0;
    // r2: `*` → 0, 40 = 40 → 0. Tie at 0: r1 before r2.
    expect(Array.from(nn.index)).toEqual([1, 2, 0]);
    expect(Array.from(nn.distance)).toEqual([0, 0, 1]);
  });

  it('a missing numeric value under a trie node keeps that node from being pruned by its value range', async () => {
    // Manhattan, v scaled by 10 (given), p = 2. Target (B, 0):
    //   r0 (B, 0) → 0    r1 (B, 25) → 2.5    r2 (A, 70) → 1 + 7 = 8    r3 (A, missing) → 1 · 2/1 = 2
    // Node A's v values span {70, missing}: the missing value is skipped, so the box bound must be 0.
    const j = joint(
      { g: ['B', 'B', 'A', 'A'], v: ['0', '25', '70', null] },
      { g: ['B'], v: ['0'] },
      {
        g: 'categorical',
        v: 'numeric',
      },
    );
    const nn = await nearestNeighbours(
      pools[0],
      { table: j.original, rows: j.targets },
      { table: j.release },
      ['g', 'v'],
      'manhattan',
      2,
      { compat: j.compat, scales: Float64Array.of(1, 10) },
    );
    expect(Array.from(nn.index)).toEqual([0, 3]);
    expect(Array.from(nn.distance)).toEqual([0, 2]);
  });

  it('a release record with nothing comparable is never a neighbour', async () => {
    const j = joint({ age: [null, '30'] }, { age: ['35'] }, { age: 'numeric' });
    const nn = await nearestNeighbours(
      pools[0],
      { table: j.original, rows: j.targets },
      { table: j.release },
      ['age'],
      'manhattan',
    );
    expect(Array.from(nn.index)).toEqual([1, -1]);
    expect(nn.distance[1]).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('errors', () => {
  it('name the code: unknown column (COLUMN), bad k (USAGE), no linkage inputs (INTERNAL)', async () => {
    const q = { table: hand.original, rows: hand.targets };
    const r = { table: hand.release };
    await expect(nearestNeighbours(pools[0], q, r, ['agee'], 'gower')).rejects.toMatchObject({
      code: 'COLUMN',
      message: expect.stringMatching(/`agee`.*columns: age, sex, zip/),
    });
    await expect(nearestNeighbours(pools[0], q, r, COLS, 'gower', 0)).rejects.toMatchObject({
      code: 'USAGE',
    });
    const ctx = { ...context(pools[0], hand), linkage: undefined };
    await expect(distanceLinkage(ctx, 'gower')).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});

describe('distanceConfidence', () => {
  it('is 1 − d1/d2 with the documented edge cases', () => {
    expect(distanceConfidence(1, 4)).toBe(0.75);
    expect(distanceConfidence(0, 2)).toBe(1);
    expect(distanceConfidence(0, 0)).toBe(0);
    expect(distanceConfidence(2, 2)).toBe(0);
    expect(distanceConfidence(1, Number.POSITIVE_INFINITY)).toBe(1);
    expect(distanceConfidence(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY)).toBeNaN();
  });
});
