import { afterAll, describe, expect, it } from 'vitest';
import { uniqueness } from '../../attacks/uniqueness/index.js';
import { WorkerPool } from '../../src/pool/pool.js';
import { encodeStrings, qis } from '../helpers/tables.js';

const pools = [new WorkerPool(1), new WorkerPool(2)];
afterAll(async () => Promise.all(pools.map((p) => p.close())));

describe.each(pools.map((p) => [p.workers, p] as const))('uniqueness with %i worker(s)', (_w, pool) => {
  it('hand-computed 5-row case: classes {a,a}, {b}, {c,c} with a missing value as its own token', async () => {
    const release = encodeStrings({
      sex: ['F', 'F', 'M', null, null],
      age: ['30', '30', '30', '40', '40'],
    });
    const out = await uniqueness.run({
      release,
      qi: qis('sex', 'age'),
      sensitive: [],
      pool,
      seed: 1,
      recordThreshold: 0.2,
      wildcard: false,
    });
    const v = (k: string) => out.metrics[k].value;
    expect(v('records')).toBe(5);
    expect(v('equivalenceClasses')).toBe(3);
    expect(v('minClassSize')).toBe(1);
    expect(v('sampleUniques')).toBe(1);
    expect(v('sampleUniqueFraction')).toBeCloseTo(0.2, 12);
    expect(v('prosecutorRiskMax')).toBe(1);
    expect(v('prosecutorRiskMean')).toBeCloseTo(3 / 5, 12);
    // risks 1/2, 1/2, 1, 1/2, 1/2 — all above 0.2
    expect(v('recordsAtRisk')).toBe(5);
    expect([...out.perRecord!.classSize]).toEqual([2, 2, 1, 2, 2]);
    expect([...out.perRecord!.prosecutorRisk]).toEqual([0.5, 0.5, 1, 0.5, 0.5]);
    const h = out.histograms![0];
    expect(h.classes.slice(0, 3)).toEqual([1, 2, 0]);
    expect(h.records.slice(0, 3)).toEqual([1, 4, 0]);
  });

  it('wildcard model: a suppressed value matches any value (hand-computed compatible sets)', async () => {
    const { encodeTable } = await import('../../src/encode/index.js');
    const { tableFromArrays } = await import('apache-arrow');
    const table = tableFromArrays({ sex: ['F', '*', 'M', 'F', 'M'], age: ['30', '30', '30', '*', '40'] });
    const wildcards = new Set(['*']);
    const release = encodeTable(
      table,
      [
        { name: 'sex', kind: 'categorical', wildcards },
        { name: 'age', kind: 'categorical', wildcards },
      ],
      'test',
    );
    const ctx = { release, qi: qis('sex', 'age'), sensitive: [], pool, seed: 1, recordThreshold: 0.2 };
    const out = await uniqueness.run({ ...ctx, wildcard: true });
    // (F,30)~{0,1,3}; (*,30)~{0,1,2,3}; (M,30)~{1,2}; (F,*)~{0,1,3}; (M,40)~{4}
    expect([...out.perRecord!.classSize]).toEqual([3, 4, 2, 3, 1]);
    expect(out.metrics.minClassSize.value).toBe(1);
    expect(out.metrics.sampleUniques.value).toBe(1);
    expect(out.metrics.prosecutorRiskMean.value).toBeCloseTo((1 / 3 + 1 / 4 + 1 / 2 + 1 / 3 + 1) / 5, 12);
    expect(out.metrics.equivalenceClasses.value).toBe(5);
    // without the wildcard model, `*` is its own value: every record is unique here
    const plain = encodeStrings({ sex: ['F', '*', 'M', 'F', 'M'], age: ['30', '30', '30', '*', '40'] });
    const own = await uniqueness.run({ ...ctx, release: plain, wildcard: false });
    expect(own.metrics.sampleUniques.value).toBe(5);
  });

  it('leak case: every record distinct → every record unique, risk 1', async () => {
    const ids = Array.from({ length: 1000 }, (_, i) => String(i));
    const out = await uniqueness.run({
      release: encodeStrings({ id: ids }),
      qi: qis('id'),
      sensitive: [],
      pool,
      seed: 1,
      recordThreshold: 0.2,
      wildcard: false,
    });
    expect(out.metrics.sampleUniques.value).toBe(1000);
    expect(out.metrics.prosecutorRiskMean.value).toBe(1);
  });

  it('no-leak case: one constant QI → a single class, risk 1/n', async () => {
    const out = await uniqueness.run({
      release: encodeStrings({ c: Array.from({ length: 50 }, () => 'x') }),
      qi: qis('c'),
      sensitive: [],
      pool,
      seed: 1,
      recordThreshold: 0.2,
      wildcard: false,
    });
    expect(out.metrics.equivalenceClasses.value).toBe(1);
    expect(out.metrics.prosecutorRiskMax.value).toBeCloseTo(1 / 50, 12);
    expect(out.metrics.recordsAtRisk.value).toBe(0);
  });

  it('stays exact when the columns overflow one 2^53 key (several grouping rounds)', async () => {
    // 6 columns of ~400 distinct values: 401^6 ≈ 4e15 < 2^53 but 401^7 is not, so 8 columns take 2 rounds.
    const n = 3000;
    const cols: Record<string, string[]> = {};
    let seed = 7;
    const rnd = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    for (let c = 0; c < 8; c++) cols[`c${c}`] = Array.from({ length: n }, () => String(rnd() % 400));
    // make the last 10 rows copies of the first 10 so classes of size 2 exist
    for (let i = 0; i < 10; i++) for (const k of Object.keys(cols)) cols[k][n - 1 - i] = cols[k][i];
    const out = await uniqueness.run({
      release: encodeStrings(cols),
      qi: qis(...Object.keys(cols)),
      sensitive: [],
      pool,
      seed: 1,
      recordThreshold: 0.2,
      wildcard: false,
    });
    const reference = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const key = Object.keys(cols)
        .map((k) => cols[k][i])
        .join('\u0000');
      reference.set(key, (reference.get(key) ?? 0) + 1);
    }
    expect(out.metrics.equivalenceClasses.value).toBe(reference.size);
    expect(out.metrics.sampleUniques.value).toBe([...reference.values()].filter((s) => s === 1).length);
  });
});
