/**
 * @module test/attacks/linkage-distance-brute — the pruned nearest-neighbour search against a
 * brute-force scan on a seeded random table (mixed types, intervals, masks, suppression, missing
 * values, duplicated records, >256 distinct numeric values): indices, bit-identical distances and tie
 * counts must be equal, for both metrics, k = 1, 2, 3, on 1 and 2 workers, and — calling the kernels
 * in-thread — for every trie level order tried and for coarse numeric buckets.
 */
import { tableFromArrays } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distanceScales, nearestNeighbours } from '../../attacks/linkage/distance.js';
import { buildNeighbourIndex } from '../../attacks/linkage/distance-index.js';
import {
  type DistanceMetric,
  newF64,
  newI32,
  shareF64,
  shareI32,
} from '../../attacks/linkage/distance-pair.js';
import { neighbourSearch } from '../../attacks/linkage/distance-search.js';
import { encodeJoint, isCompatible } from '../../src/encode/joint.js';
import type { EncodedTable } from '../../src/encode/types.js';
import { MISSING, WILDCARD } from '../../src/encode/types.js';
import { WorkerPool } from '../../src/pool/pool.js';
import { rng } from '../../src/stats/random.js';

const pools = [new WorkerPool(1), new WorkerPool(2)];
afterAll(async () => Promise.all(pools.map((p) => p.close())));

const N = 1200;
const Q = 250;
const COLS = ['cat', 'big', 'age', 'x', 'zip'];
const KINDS = {
  cat: 'categorical',
  big: 'categorical',
  age: 'numeric',
  x: 'numeric',
  zip: 'categorical',
} as const;
const random = rng(20240611);
const int = (n: number) => Math.floor(random() * n);

/** A raw record: category of 4, category of 40, age 0–79, x with ~900 values, a 4-digit zip. */
function record(): string[] {
  return [
    `c${int(4)}`,
    `b${int(int(40) + 1)}`,
    String(int(80)),
    (int(9000) / 100).toFixed(2),
    String(1000 + int(30)),
  ];
}

/** Generalizes / suppresses / blanks some values of a raw record as a release would. */
function release(r: string[]): (string | null)[] {
  const out: (string | null)[] = [...r];
  if (random() < 0.15) out[2] = `${Math.floor(+r[2] / 10) * 10}-${Math.floor(+r[2] / 10) * 10 + 9}`;
  if (random() < 0.03) out[2] = '*';
  if (random() < 0.05) out[4] = `${r[4].slice(0, 3)}*`;
  if (random() < 0.03) out[0] = '*';
  if (random() < 0.03) out[3] = null;
  if (random() < 0.02) out[1] = null;
  if (random() < 0.02) out[0] = 'W';
  return out;
}

const raw: string[][] = [];
for (let i = 0; i < N; i++) raw.push(i > 0 && random() < 0.3 ? raw[int(i)] : record());
const rel = raw.map(release);
// Targets: originals of release rows (some with an unknown value) and fresh records.
const tgt: (string | null)[][] = Array.from({ length: Q }, (_, i) => {
  const r: (string | null)[] = i % 2 ? [...raw[int(N)]] : record();
  if (random() < 0.05) r[int(5)] = null;
  if (random() < 0.02) r[2] = '*';
  return r;
});
tgt[0] = [null, null, null, null, null];
const columnsOf = (rows: (string | null)[][]) =>
  Object.fromEntries(COLS.map((c, j) => [c, rows.map((r) => r[j])])) as Record<string, string[]>;

let enc: { release: EncodedTable; targets: EncodedTable; compat: ReturnType<typeof encodeJoint>['compat'] };

beforeAll(() => {
  const j = encodeJoint(
    new Map([
      ['release', { table: tableFromArrays(columnsOf(rel)), label: 'release' }],
      ['original', { table: tableFromArrays(columnsOf(tgt)), label: 'original' }],
    ]),
    COLS.map((name) => ({ name, kind: KINDS[name as keyof typeof KINDS], wildcards: new Set(['W']) })),
  );
  enc = { release: j.tables.get('release')!, targets: j.tables.get('original')!, compat: j.compat };
});

/** Brute force, written from the definition in distance-pair.ts (no code shared with the kernels). */
function brute(metric: DistanceMetric, scales: Float64Array, k: number) {
  const gower = metric === 'gower';
  const index: number[] = [];
  const distance: number[] = [];
  const ties: number[] = [];
  for (let t = 0; t < Q; t++) {
    const all: Array<[number, number]> = [];
    for (let r = 0; r < N; r++) {
      let s = 0;
      let present = 0;
      COLS.forEach((name, j) => {
        const tc = enc.targets.columns.get(name)!.codes[t];
        const rc = enc.release.columns.get(name)!.codes[r];
        const ok = tc === WILDCARD || rc === WILDCARD || isCompatible(enc.compat.get(name)!, tc, rc);
        if (KINDS[name as keyof typeof KINDS] === 'numeric') {
          const x = enc.targets.columns.get(name)!.numbers![t];
          const v = enc.release.columns.get(name)!.numbers![r];
          if (Number.isNaN(x) || Number.isNaN(v)) return;
          present++;
          s += ok ? 0 : gower ? Math.min(1, Math.abs(x - v) / scales[j]) : Math.abs(x - v) / scales[j];
        } else {
          if (tc === MISSING || rc === MISSING) return;
          present++;
          s += ok ? 0 : 1;
        }
      });
      if (present === 0) continue;
      all.push([gower ? s / present : present === COLS.length ? s : (s * COLS.length) / present, r]);
    }
    all.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (let j = 0; j < k; j++) {
      index.push(j < all.length ? all[j][1] : -1);
      distance.push(j < all.length ? all[j][0] : Number.POSITIVE_INFINITY);
    }
    ties.push(all.filter((a) => a[0] === all[0]?.[0]).length);
  }
  return { index, distance, ties };
}

describe('pruned search = brute force', () => {
  for (const metric of ['gower', 'manhattan'] as const) {
    it(`${metric}: k = 1, 2, 3 on 1 and 2 workers`, async () => {
      const scales = distanceScales(metric, COLS, { table: enc.targets }, { table: enc.release });
      for (const k of [1, 2, 3]) {
        const want = brute(metric, scales, k);
        // a sanity check that the case is not trivial: ties, zero and positive distances occur
        expect(want.ties.some((n) => n > 1)).toBe(true);
        expect(want.distance.some((d) => d > 0 && d < Number.POSITIVE_INFINITY)).toBe(true);
        for (const pool of pools) {
          for (const countTies of [false, true]) {
            const nn = await nearestNeighbours(
              pool,
              { table: enc.targets },
              { table: enc.release },
              COLS,
              metric,
              k,
              { compat: enc.compat, countTies },
            );
            expect(Array.from(nn.index)).toEqual(want.index);
            expect(Array.from(nn.distance)).toEqual(want.distance);
            if (countTies) {
              expect(Array.from(nn.ties!)).toEqual(want.ties.map((n, t) => (want.index[t * k] >= 0 ? n : 0)));
            }
            expect(nn.stats.tuples).toBeLessThan(N);
          }
        }
      }
    });
  }

  it('kernels in-thread: any level order and coarse numeric buckets give the same answer', () => {
    const cols = COLS.map((name) => enc.release.columns.get(name)!);
    const columns = cols.map((c) => ({
      numeric: c.kind !== 'categorical',
      codes: shareI32(c.codes),
      numbers: c.numbers ? shareF64(c.numbers) : undefined,
      cardinality: c.cardinality,
    }));
    const query = COLS.map((name) => {
      const c = enc.targets.columns.get(name)!;
      const rel = enc.compat.get(name)!;
      return {
        codes: shareI32(c.codes),
        numbers: c.numbers ? shareF64(c.numbers) : undefined,
        compat: { offsets: shareI32(rel.offsets), codes: shareI32(rel.codes) },
      };
    });
    const orders = [undefined, [0, 1, 2, 3, 4], [4, 3, 2, 1, 0], [2, 3, 0, 4, 1], [1, 4, 0, 3, 2]];
    for (const metric of ['gower', 'manhattan'] as const) {
      const scales = distanceScales(metric, COLS, { table: enc.targets }, { table: enc.release });
      const want = brute(metric, scales, 2);
      for (const order of orders) {
        for (const maxBuckets of [256, 5, 1]) {
          const index = buildNeighbourIndex({ columns, tableRows: N, order, maxBuckets });
          const outIndex = newI32(Q * 2);
          const outDistance = newF64(Q * 2);
          const v = (a: Int32Array | Float64Array) => ({
            buffer: a.buffer as SharedArrayBuffer,
            offset: 0,
            length: a.length,
          });
          neighbourSearch({
            index,
            query,
            queryRows: shareI32(Int32Array.from({ length: Q }, (_, i) => i)),
            start: 0,
            end: Q,
            metric,
            scales: Array.from(scales),
            k: 2,
            countTies: false,
            outIndex: v(outIndex),
            outDistance: v(outDistance),
          });
          expect(Array.from(outIndex), `${metric} order ${order} buckets ${maxBuckets}`).toEqual(want.index);
          expect(Array.from(outDistance)).toEqual(want.distance);
        }
      }
    }
  });

  it('a reference subset (rows) returns table row numbers and matches brute force on that subset', async () => {
    const subset = Int32Array.from({ length: N / 2 }, (_, i) => N - 1 - 2 * i); // odd rows, descending
    const scales = distanceScales('gower', COLS, { table: enc.targets }, { table: enc.release });
    const nn = await nearestNeighbours(
      pools[1],
      { table: enc.targets, rows: Int32Array.of(1, 3, 5, 7) },
      { table: enc.release, rows: subset },
      COLS,
      'gower',
      2,
      { compat: enc.compat, scales },
    );
    const full = await nearestNeighbours(
      pools[1],
      { table: enc.targets },
      { table: enc.release },
      COLS,
      'gower',
      N,
      {
        compat: enc.compat,
        scales,
      },
    );
    [1, 3, 5, 7].forEach((t, i) => {
      const odd = Array.from(full.index.subarray(t * N, (t + 1) * N))
        .map((r, j) => [r, full.distance[t * N + j]] as const)
        .filter(([r]) => r % 2 === 1)
        .slice(0, 2);
      expect([nn.index[2 * i], nn.index[2 * i + 1]]).toEqual(odd.map(([r]) => r));
      expect([nn.distance[2 * i], nn.distance[2 * i + 1]]).toEqual(odd.map(([, d]) => d));
    });
  });
});
