/**
 * @module test/attacks/suda — SUDA2 minimal sample uniques and SUDA / DIS-SUDA scores on small cases.
 */
import { tableFromArrays } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { type SudaParams, suda } from '../../attacks/suda/index.js';
import { msuWeights } from '../../attacks/suda/scores.js';
import type { AttackOutcome } from '../../attacks/types.js';
import { encodeTable } from '../../src/encode/index.js';
import type { EncodedTable } from '../../src/encode/types.js';
import { isReidgateError } from '../../src/errors.js';
import { WorkerPool } from '../../src/pool/pool.js';
import { encodeStrings, qis } from '../helpers/tables.js';

const pools = [new WorkerPool(1), new WorkerPool(2)];
afterAll(async () => Promise.all(pools.map((p) => p.close())));

function run(
  pool: WorkerPool,
  release: EncodedTable,
  params?: SudaParams,
  wildcard = false,
): Promise<AttackOutcome> {
  const qi = qis(...release.columns.keys());
  return suda.run({
    release,
    qi,
    sensitive: [],
    pool,
    seed: 1,
    recordThreshold: 0.2,
    wildcard,
    suda: params,
  } as Parameters<typeof suda.run>[0]);
}

/** DIS-SUDA by its definition (independent of the attack's code). */
function disOf(scores: number[], u: number, d: number, f: number, att: number): number[] {
  const qx = Math.fround(1 + Math.fround((8 - att) / 20));
  const adj = scores.filter((s) => s > 0).reduce((a, s) => a + s ** -qx, 0);
  const dis = (u * f) / (u * f + d * (1 - f));
  return scores.map((s) => (s > 0 ? 1 / (1 + (u / dis - u) / (s ** qx * adj)) : 0));
}

/** A seeded table of `n` rows with `m` columns of small cardinality. */
function randomTable(n: number, m: number, seed: number): EncodedTable {
  let s = seed;
  const rnd = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s >>> 8;
  };
  const cols: Record<string, string[]> = {};
  for (let c = 0; c < m; c++) cols[`q${c}`] = Array.from({ length: n }, () => String(rnd() % (2 + c * 3)));
  return encodeStrings(cols);
}

describe.each(pools.map((p) => [p.workers, p] as const))('suda with %i worker(s)', (_w, pool) => {
  it('hand-computed 5-row case: MSUs {c},{a,b} | {a,b},{b,c} | {a,b} | none | none', async () => {
    // r3 and r4 are identical; weights with ATT = M = 3: w(1) = 2, w(2) = 1, w(3) = 1
    const out = await run(
      pool,
      encodeStrings({
        a: ['x', 'x', 'y', 'y', 'y'],
        b: ['p', 'q', 'p', 'q', 'q'],
        c: ['1', '1', '2', '1', '1'],
      }),
    );
    expect([...out.perRecord!.sudaScore]).toEqual([2, 1, 3, 0, 0]);
    const want = disOf([2, 1, 3, 0, 0], 3, 2, 0.01, 3);
    for (const [i, d] of out.perRecord!.disSudaScore.entries()) expect(d).toBeCloseTo(want[i], 14);
    expect(out.metrics.msuCount.value).toBe(5);
    expect(out.details!.msusBySize).toEqual({ '1': 1, '2': 4, '3': 0 });
    expect(out.metrics.recordsWithMsu.value).toBe(3);
    expect(out.metrics.sudaScoreMax.value).toBe(3);
    expect(out.metrics.sudaScoreMean.value).toBeCloseTo(6 / 5, 14);
    // a in 3 MSUs of weight 1; b in 4; c in {c} (2) and {b,c} (1); total score 6
    expect(out.details!.attributeContributions).toEqual({ a: 3 / 6, b: 4 / 6, c: 3 / 6 });
    expect(out.details!.topCombinations).toEqual([
      { columns: ['a', 'b'], msus: 3 },
      { columns: ['c'], msus: 1 },
      { columns: ['b', 'c'], msus: 1 },
    ]);
    expect(out.details!.sampleUniques).toBe(3);
    expect(out.details!.recordsInClassesOfTwo).toBe(2);
  });

  it("sdcMicro's own contribution example: 50 / 37.5 / 37.5 percent", async () => {
    const out = await run(
      pool,
      encodeStrings({ a: ['2', '1', '1'], b: ['0', '3', '0'], c: ['0', '6', '0'] }),
    );
    expect(out.details!.attributeContributions).toEqual({ a: 0.5, b: 0.375, c: 0.375 });
    expect([...out.perRecord!.sudaScore]).toEqual([2, 4, 2]);
  });

  it('leak case: one QI distinct for every record → every record has an MSU of size 1 and DIS-SUDA 1', async () => {
    const n = 500;
    const out = await run(
      pool,
      encodeStrings({
        id: Array.from({ length: n }, (_, i) => `p${i}`),
        sex: Array.from({ length: n }, () => 'F'),
        region: Array.from({ length: n }, () => 'north'),
      }),
    );
    expect(out.metrics.recordsWithMsu.value).toBe(n);
    expect(out.metrics.recordsWithMsuFraction.value).toBe(1);
    expect(out.details!.msusBySize).toEqual({ '1': n, '2': 0, '3': 0 });
    expect(new Set(out.perRecord!.sudaScore)).toEqual(new Set([2])); // (3 - 1)!
    // no classes of two: every unique is taken to be a population unique
    expect(new Set(out.perRecord!.disSudaScore)).toEqual(new Set([1]));
    expect(out.metrics.recordsAtRisk.value).toBe(n);
    expect(out.details!.topCombinations).toEqual([{ columns: ['id'], msus: n }]);
    // with a single QI, sdcMicro pads to three key variables: ATT = 3, so w(1) = 2 still
    const alone = await run(pool, encodeStrings({ id: Array.from({ length: n }, (_, i) => `p${i}`) }));
    expect(new Set(alone.perRecord!.sudaScore)).toEqual(new Set([2]));
    expect(alone.method).toMatch(/padded to 3/);
  });

  it('no-leak case: all records identical → no MSUs, all scores 0', async () => {
    const same = (v: string) => Array.from({ length: 40 }, () => v);
    const out = await run(pool, encodeStrings({ a: same('x'), b: same('y'), c: same('z') }));
    expect(out.metrics.msuCount.value).toBe(0);
    expect(out.metrics.recordsWithMsu.value).toBe(0);
    expect(out.metrics.sudaScoreMax.value).toBe(0);
    expect(out.metrics.disSudaScoreMax.value).toBe(0);
    expect(out.metrics.recordsAtRisk.value).toBe(0);
    expect(out.histograms![0].records).toEqual([40, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(out.histograms![0].classes[0]).toBe(1);
  });

  it('matches a brute-force enumeration of MSUs over every column subset', async () => {
    const release = randomTable(400, 6, 11);
    const out = await run(pool, release);
    const cols = [...release.columns.values()].map((c) => c.codes);
    const m = cols.length;
    const n = 400;
    const uniqueOn = (mask: number) => {
      const seen = new Map<string, number>();
      const key = (i: number) =>
        cols
          .filter((_, c) => mask & (1 << c))
          .map((col) => col[i])
          .join(',');
      for (let i = 0; i < n; i++) seen.set(key(i), (seen.get(key(i)) ?? 0) + 1);
      return Array.from({ length: n }, (_, i) => seen.get(key(i)) === 1);
    };
    const unique = [[] as boolean[]];
    for (let mask = 1; mask < 1 << m; mask++) unique[mask] = uniqueOn(mask);
    const w = msuWeights(m, m);
    const want = new Array(n).fill(0);
    for (let mask = 1; mask < 1 << m; mask++) {
      const size = [...Array(m).keys()].filter((c) => mask & (1 << c)).length;
      for (let i = 0; i < n; i++) {
        if (!unique[mask][i]) continue;
        let minimal = true;
        for (let c = 0; c < m && minimal; c++)
          if (mask & (1 << c) && mask !== 1 << c && unique[mask ^ (1 << c)][i]) minimal = false;
        if (minimal) want[i] += w[size];
      }
    }
    expect([...out.perRecord!.sudaScore]).toEqual(want);
  });

  it('a missing value is never part of an MSU and matches no value (sdcMicro)', async () => {
    const out = await run(
      pool,
      encodeStrings({ a: [null, null, 'a', 'a'], b: ['x', 'y', 'x', 'y'], c: ['k', 'k', 'k', 'k'] }),
    );
    // r2 = (a, x) and r3 = (a, y) are unique on {a, b}; r0 and r1 have no item that singles them out
    expect([...out.perRecord!.sudaScore]).toEqual([0, 0, 1, 1]);
    expect(out.warnings!.join(' ')).toMatch(/missing values in a/);
  });

  it('with wildcard semantics a suppressed value matches every value', async () => {
    const table = tableFromArrays({
      a: ['*', 'b', 'a', 'a'],
      b: ['x', 'y', 'x', 'y'],
      c: ['k', 'k', 'k', 'k'],
    });
    const enc = (wild: boolean) =>
      encodeTable(
        table,
        ['a', 'b', 'c'].map((name) => ({
          name,
          kind: 'categorical' as const,
          wildcards: new Set(wild ? ['*'] : []),
        })),
        'test',
      );
    // As its own token, `*` singles r0 out and `b` singles r1 out (w(1) = 2). As a wildcard, r0 matches
    // `b` too (r1 then needs {a, b}: w(2) = 1) and covers r2 = (a, x), which is then not unique at all.
    const own = await run(pool, enc(false));
    expect([...own.perRecord!.sudaScore]).toEqual([2, 2, 1, 1]);
    const wild = await run(pool, enc(true), undefined, true);
    expect([...wild.perRecord!.sudaScore]).toEqual([0, 1, 0, 1]);
  });

  it('maxMsuSize limits the search and the weights', async () => {
    const out = await run(
      pool,
      encodeStrings({
        a: ['x', 'x', 'y', 'y', 'y'],
        b: ['p', 'q', 'p', 'q', 'q'],
        c: ['1', '1', '2', '1', '1'],
      }),
      {
        maxMsuSize: 1,
      },
    );
    // only {c} of r2 is of size 1; w(1) = ∏ over an empty range = 1
    expect([...out.perRecord!.sudaScore]).toEqual([0, 0, 1, 0, 0]);
  });
});

describe('suda sharding and work bound', () => {
  it('gives identical results with 1 and 2 workers', async () => {
    const release = randomTable(3000, 7, 5);
    const [a, b] = await Promise.all(pools.map((p) => run(p, release)));
    expect(a.metrics).toEqual(b.metrics);
    expect(a.details).toEqual(b.details);
    expect(a.perRecord!.sudaScore).toEqual(b.perRecord!.sudaScore);
    expect(a.perRecord!.disSudaScore).toEqual(b.perRecord!.disSudaScore);
    expect(a.metrics.msuCount.value).toBeGreaterThan(1000);
  });

  it('stops at maxMsus with a warning, marks the figures as lower bounds, and stays deterministic', async () => {
    const release = randomTable(3000, 7, 5);
    const full = await run(pools[0], release);
    const [a, b] = await Promise.all(pools.map((p) => run(p, release, { maxMsus: 200 })));
    for (const out of [a, b]) {
      expect(out.details!.truncated).toBe(true);
      expect(out.metrics.msuCount.value).toBe(200);
      expect(out.warnings!.join(' ')).toMatch(/work bound of 200 minimal sample uniques.*lower bounds/);
      expect(out.method).toMatch(/lower bounds/);
    }
    expect(a.perRecord!.sudaScore).toEqual(b.perRecord!.sudaScore);
    expect(full.details!.truncated).toBe(false);
    expect(full.warnings).toEqual([]);
    for (const [i, s] of a.perRecord!.sudaScore.entries())
      expect(s).toBeLessThanOrEqual(full.perRecord!.sudaScore[i]);
  });

  it('rejects bad parameters with a USAGE error naming the value', async () => {
    const release = randomTable(10, 3, 1);
    for (const params of [{ maxMsuSize: 0 }, { disFraction: 1 }, { maxMsus: 2.5 }]) {
      const err = await run(pools[0], release, params).catch((e: unknown) => e);
      expect(isReidgateError(err) && err.code).toBe('USAGE');
      expect(String((err as Error).message)).toMatch(/^suda: \w+ `/);
    }
  });
});
