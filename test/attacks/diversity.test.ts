import { tableFromArrays } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { diversity } from '../../attacks/diversity/index.js';
import { equalEmd, lDiversity, orderedEmd, recursiveL } from '../../attacks/diversity/measures.js';
import { engineValues } from '../../attacks/diversity/values.js';
import type { AttackContext, AttackOutcome } from '../../attacks/types.js';
import { encodeTable } from '../../src/encode/index.js';
import type { ColumnKind, EncodedTable } from '../../src/encode/types.js';
import { WorkerPool } from '../../src/pool/pool.js';
import { qis } from '../helpers/tables.js';

const pools = [new WorkerPool(1), new WorkerPool(2)];
afterAll(async () => Promise.all(pools.map((p) => p.close())));

/** Encodes string columns with the given kinds (default categorical) and wildcard tokens. */
function encode(
  cols: Record<string, (string | null)[]>,
  kinds: Record<string, ColumnKind> = {},
  wildcards?: ReadonlySet<string>,
): EncodedTable {
  const table = tableFromArrays(cols as Record<string, string[]>);
  const specs = Object.keys(cols).map((name) => ({
    name,
    kind: kinds[name] ?? ('categorical' as const),
    wildcards,
  }));
  return encodeTable(table, specs, 'test');
}

function ctxFor(
  release: EncodedTable,
  qi: string[],
  sensitive: string[],
  pool: WorkerPool,
  wildcard = false,
): AttackContext {
  return { release, qi: qis(...qi), sensitive, pool, seed: 1, recordThreshold: 0.2, wildcard };
}

/** Asserts each actual[i] is within 1e-14 of expected[i]. */
function expectClose(actual: ArrayLike<number>, expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(actual[i], `[${i}]`).toBeCloseTo(expected[i], 14);
}

const v = (out: AttackOutcome, k: string) => out.metrics[k].value;
const attr = (out: AttackOutcome, i = 0) => (out.details!.attributes as Array<Record<string, unknown>>)[i];

describe('diversity measures (pure)', () => {
  it('recursive l: largest l with r1 < c·(r_l + … + r_k)', () => {
    // (3,2,1,1), c=2: l=4: 3 < 2·1? no; l=3: 3 < 2·(1+1)=4 yes → 3
    expect(recursiveL([1, 3, 1, 2], 2)).toBe(3);
    // (5,1,1,1): l=4: 5<2 no; l=3: 5<4 no; l=2: 5<6 yes → 2
    expect(recursiveL([5, 1, 1, 1], 2)).toBe(2);
    // (2,1): 2 < 2·1? no → 1;  (1,1): 1 < 2 → 2;  one value → 1
    expect(recursiveL([2, 1], 2)).toBe(1);
    expect(recursiveL([1, 1], 2)).toBe(2);
    expect(recursiveL([7], 2)).toBe(1);
    // c matters: (4,1,1) with c=3: l=3: 4<3 no; l=2: 4<6 → 2; with c=2: l=2: 4<4 no → 1
    expect(recursiveL([4, 1, 1], 3)).toBe(2);
    expect(recursiveL([4, 1, 1], 2)).toBe(1);
  });

  it('entropy l = exp(H): 2:1 → exp(−(⅔ln⅔ + ⅓ln⅓)) (sdcMicro reports 1.88988157484231)', () => {
    const l = lDiversity([2, 1], 2);
    expect(l.distinct).toBe(2);
    expect(l.entropy).toBeCloseTo(Math.exp(-((2 / 3) * Math.log(2 / 3) + (1 / 3) * Math.log(1 / 3))), 14);
    expect(l.entropy).toBeCloseTo(1.88988157484231, 13);
    expect(lDiversity([4, 4, 4], 2).entropy).toBeCloseTo(3, 13);
  });

  it('EMD with equal and ordered distance (Li et al. 2007, the salary example)', () => {
    // Salaries 3k…11k (m = 9), table uniform q = 1/9. P1 = {3k,4k,5k}: cumulative p−q over ranks
    // 2/9, 4/9, 6/9, 5/9, 4/9, 3/9, 2/9, 1/9, 0 → Σ = 27/9 = 3 → D = 3/8 = 0.375 (the paper's figure).
    const q = new Array(9).fill(1 / 9);
    const p1 = [1, 1, 1, 0, 0, 0, 0, 0, 0].map((x) => x / 3);
    expect(orderedEmd(p1, q)).toBeCloseTo(0.375, 14);
    // P2 = {6k,8k,11k}: |cum| = 1,2,3,1,2,0,1,2,0 (ninths) → 12/9 / 8 = 1/6 (the paper's 0.167)
    const p2 = [0, 0, 0, 1, 0, 1, 0, 0, 1].map((x) => x / 3);
    expect(orderedEmd(p2, q)).toBeCloseTo(1 / 6, 14);
    // Equal distance: ½(3·|1/3 − 1/9| + 6·1/9) = ½(6/9 + 6/9) = 2/3 for either class.
    expect(equalEmd(p1, q)).toBeCloseTo(2 / 3, 14);
    expect(orderedEmd([1], [1])).toBe(0);
  });

  it('numeric value ids: ranks by value, equal numbers merged, non-numbers after the ranks', () => {
    // One row per value, as an engine returns them (distinct released strings, counts).
    const sv = engineValues('s', 'numeric', ['5', '3', '5.0', null, 'abc', '4'], [1, 1, 1, 1, 1, 1], '*');
    expect(sv.distance).toBe('ordered');
    expect(sv.m).toBe(3);
    const vid = [...new Int32Array(sv.idOfValue)].slice(0, 6);
    expect(vid.slice(0, 3)).toEqual([2, 0, 2]);
    expect(vid[5]).toBe(1);
    expect(vid[3]).toBeGreaterThanOrEqual(3);
    expect(vid[4]).toBeGreaterThanOrEqual(3);
    expect(vid[3]).not.toBe(vid[4]);
    expect(sv.nDistributed).toBe(4);
  });

  it('needs a sensitive attribute', () => {
    const inputs = {
      release: true,
      original: false,
      control: false,
      auxiliary: false,
      qi: 2,
      sensitive: 0,
      population: false,
    };
    expect(diversity.needs(inputs)).toMatch(/sensitive/);
    expect(diversity.needs({ ...inputs, sensitive: 1 })).toBeNull();
  });
});

describe.each(pools.map((p) => [p.workers, p] as const))('diversity with %i worker(s)', (_w, pool) => {
  it('hand-computed 6-row case (categorical, equal distance)', async () => {
    // Classes by g: A = rows 0–2 {x,x,y}, B = rows 3–4 {x,z}, C = row 5 {y}. Table: x 3/6, y 2/6, z 1/6.
    //   A: distinct 2, entropy exp(H(⅔,⅓)) = 1.8898…, recursive (2,1): 2 < 2·1? no → 1;
    //      t = ½(|⅔−½| + |⅓−⅓| + |0−⅙|) = ½(⅙ + 0 + ⅙) = 1/6
    //   B: distinct 2, entropy 2, recursive (1,1): 1 < 2 → 2;  t = ½(|½−½| + |0−⅓| + |½−⅙|) = ½(⅔) = 1/3
    //   C: distinct 1, entropy 1, recursive 1;                 t = ½(½ + ⅔ + ⅙) = 2/3
    const release = encode({ g: ['a', 'a', 'a', 'b', 'b', 'c'], s: ['x', 'x', 'y', 'x', 'z', 'y'] });
    const out = await diversity.run(ctxFor(release, ['g'], ['s'], pool));
    const eA = Math.exp(-((2 / 3) * Math.log(2 / 3) + (1 / 3) * Math.log(1 / 3)));
    expect(v(out, 'minDistinctL')).toBe(1);
    expect(v(out, 'minEntropyL')).toBe(1);
    expect(v(out, 'minRecursiveL')).toBe(1);
    expect(v(out, 'tClosenessMax')).toBeCloseTo(2 / 3, 14);
    expect(v(out, 'tClosenessMean')).toBeCloseTo((1 / 6 + 1 / 3 + 2 / 3) / 3, 14); // 7/18
    expect(v(out, 'tClosenessRecordMean')).toBeCloseTo((3 / 6 + 2 / 3 + 2 / 3) / 6, 14); // 11/36
    expect(v(out, 'homogeneousRecords')).toBe(1);
    expect(v(out, 'homogeneousFraction')).toBeCloseTo(1 / 6, 14);
    expect(attr(out).homogeneousRecordsInSharedClasses).toBe(0);
    expect(attr(out).recordsByDistinctL).toEqual({ '1': 1, '2': 5 });
    expect(attr(out).recordsByRecursiveL).toEqual({ '1': 4, '2': 2 });
    expect([...out.perRecord!.lDistinct]).toEqual([2, 2, 2, 2, 2, 1]);
    expect([...out.perRecord!.lRecursive]).toEqual([1, 1, 1, 2, 2, 1]);
    expectClose(out.perRecord!.lEntropy, [eA, eA, eA, 2, 2, 1]);
    expectClose(out.perRecord!.tCloseness, [1 / 6, 1 / 6, 1 / 6, 1 / 3, 1 / 3, 2 / 3]);
    const h = out.histograms![0];
    expect(h.bins).toEqual(['1', '2', '3', '4', '5+']);
    expect(h.classes).toEqual([1, 2, 0, 0, 0]);
    expect(h.records).toEqual([1, 5, 0, 0, 0]);
  });

  it('hand-computed recursive and entropy l for one class of 7 (no QI variation)', async () => {
    // Counts (3,2,1,1): distinct 4, recursive 3 (see the pure test), entropy exp(H(3/7,2/7,1/7,1/7)).
    const release = encode({ g: new Array(7).fill('k'), s: ['u', 'v', 'u', 'w', 'v', 'x', 'u'] });
    const out = await diversity.run(ctxFor(release, ['g'], ['s'], pool));
    const H = -((3 / 7) * Math.log(3 / 7) + (2 / 7) * Math.log(2 / 7) + 2 * (1 / 7) * Math.log(1 / 7));
    expect(v(out, 'minDistinctL')).toBe(4);
    expect(v(out, 'minRecursiveL')).toBe(3);
    expect(v(out, 'minEntropyL')).toBeCloseTo(Math.exp(H), 14);
    expect(v(out, 'tClosenessMax')).toBe(0); // the one class is the table
    expect(out.histograms![0].records).toEqual([0, 0, 0, 7, 0]);
  });

  it('ordered distance on a numeric attribute: the Li et al. salary example, rows shuffled', async () => {
    // Salaries 3k…11k once each; classes A {3k,4k,5k}, B {6k,8k,11k}, C {7k,9k,10k}.
    // A: 0.375 and B: 1/6 as in the paper; C (ranks 4,6,7): |cum| in ninths 1,2,3,4,2,3,1,1,0 → 17/9/8 = 17/72.
    // Rows are shuffled so that dictionary codes are not in value order.
    const rows: Array<[string, string]> = [
      ['B', '11000'],
      ['C', '9000'],
      ['A', '4000'],
      ['B', '6000'],
      ['A', '5000'],
      ['C', '10000'],
      ['B', '8000'],
      ['A', '3000'],
      ['C', '7000'],
    ];
    const cols = { g: rows.map((r) => r[0]), s: rows.map((r) => r[1]) };
    const out = await diversity.run(ctxFor(encode(cols, { s: 'numeric' }), ['g'], ['s'], pool));
    const expected: Record<string, number> = { A: 0.375, B: 1 / 6, C: 17 / 72 };
    expectClose(
      out.perRecord!.tCloseness,
      rows.map(([g]) => expected[g]),
    );
    expect(v(out, 'tClosenessMax')).toBeCloseTo(0.375, 14);
    expect(v(out, 'tClosenessMean')).toBeCloseTo((0.375 + 1 / 6 + 17 / 72) / 3, 14);
    expect(attr(out).distance).toBe('ordered');
    // The same values as categories: equal distance ½(3·(1/3 − 1/9) + 6·1/9) = 2/3 for every class.
    const cat = await diversity.run(ctxFor(encode(cols), ['g'], ['s'], pool));
    expect(attr(cat).distance).toBe('equal');
    for (const x of cat.perRecord!.tCloseness) expect(x).toBeCloseTo(2 / 3, 14);
  });

  it('numeric: values that are not numbers are left out of the ordered distributions', async () => {
    // Table numbers {1, 2, 2, 3} (q = ¼, ½, ¼; m = 3); class a = {1, missing} → p = (1, 0, 0):
    // cumulative p−q: ¾, ¼, 0 → D = (¾ + ¼)/2 = ½. Class b = {2, 2, 3} → p = (0, ⅔, ⅓): −¼, −1/12, 0 → (⅓)/2 = 1/6.
    // Class c = {missing, missing}: no number known, the attacker learns nothing → 0.
    const release = encode(
      { g: ['a', 'a', 'b', 'b', 'b', 'c', 'c'], s: ['1', null, '2', '2', '3', null, null] },
      { s: 'numeric' },
    );
    const out = await diversity.run(ctxFor(release, ['g'], ['s'], pool));
    expectClose(out.perRecord!.tCloseness, [0.5, 0.5, 1 / 6, 1 / 6, 1 / 6, 0, 0]);
    expect(out.warnings!.join(' ')).toMatch(/3 records have a s that is missing or not a number/);
  });

  it('several sensitive attributes: metrics and per-record measures take the worst', async () => {
    const release = encode({
      g: ['a', 'a', 'a', 'b', 'b', 'c'],
      s: ['x', 'x', 'y', 'x', 'z', 'y'],
      k: ['1', '1', '1', '2', '2', '2'],
    });
    const out = await diversity.run(ctxFor(release, ['g'], ['s', 'k'], pool));
    // k is constant within each class: every record homogeneous in k.
    expect(v(out, 'homogeneousRecords')).toBe(6);
    expect(v(out, 'homogeneousFraction')).toBe(1);
    expect([...out.perRecord!.lDistinct]).toEqual([1, 1, 1, 1, 1, 1]);
    // k: table ½/½; class a all 1 → t = ½(½ + ½) = ½; b → ½; c → ½. Worse than s's 1/6 and 1/3 but not 2/3.
    expect([...out.perRecord!.tCloseness].map((x) => Math.round(x * 1e12) / 1e12)).toEqual(
      [0.5, 0.5, 0.5, 0.5, 0.5, 2 / 3].map((x) => Math.round(x * 1e12) / 1e12),
    );
    expect(attr(out, 0).homogeneousRecords).toBe(1);
    expect(attr(out, 1).homogeneousRecords).toBe(6);
    expect(out.details!.homogeneousRecordsAnyAttribute).toBe(6);
  });

  it('leak case: every class homogeneous → homogeneousFraction 1, every l = 1', async () => {
    const g = Array.from({ length: 200 }, (_, i) => String(i % 10));
    const s = g.map((x) => `v${Number(x) % 4}`);
    const out = await diversity.run(ctxFor(encode({ g, s }), ['g'], ['s'], pool));
    expect(v(out, 'homogeneousFraction')).toBe(1);
    expect(v(out, 'homogeneousRecords')).toBe(200);
    expect(v(out, 'minDistinctL')).toBe(1);
    expect(v(out, 'minEntropyL')).toBe(1);
    expect(v(out, 'minRecursiveL')).toBe(1);
    expect(out.histograms![0].records).toEqual([200, 0, 0, 0, 0]);
  });

  it('no-leak case: every class mirrors the table → t = 0, nothing homogeneous', async () => {
    const g: string[] = [];
    const s: string[] = [];
    for (let c = 0; c < 10; c++) {
      for (const x of ['1', '1', '2', '3']) {
        g.push(String(c));
        s.push(x);
      }
    }
    for (const kind of ['categorical', 'numeric'] as const) {
      const out = await diversity.run(ctxFor(encode({ g, s }, { s: kind }), ['g'], ['s'], pool));
      expect(v(out, 'tClosenessMax')).toBeCloseTo(0, 14);
      expect(v(out, 'tClosenessMean')).toBeCloseTo(0, 14);
      expect(v(out, 'homogeneousFraction')).toBe(0);
      expect(v(out, 'minDistinctL')).toBe(3);
      // (2,1,1), c = 2: l=3: 2 < 2·1? no; l=2: 2 < 2·2 → 2
      expect(v(out, 'minRecursiveL')).toBe(2);
    }
  });

  it('missing and (with --wildcard) wildcard QI values are each their own value; a missing sensitive value is a value', async () => {
    const release = encode(
      { g: ['a', '*', '*', null, null, 'a'], s: ['x', 'y', 'y', null, 'x', 'y'] },
      {},
      new Set(['*']),
    );
    const out = await diversity.run(ctxFor(release, ['g'], ['s'], pool, true));
    expect(out.details!.equivalenceClasses).toBe(3);
    // classes: a {x,y}, * {y,y}, missing {missing,x}
    expect([...out.perRecord!.lDistinct]).toEqual([2, 1, 1, 2, 2, 2]);
    expect(v(out, 'homogeneousRecords')).toBe(2);
    expect(out.warnings!.join(' ')).toMatch(/wildcard/);
    expect(out.method).toMatch(/own value/);
  });
});
