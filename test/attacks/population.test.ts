/**
 * @module test/attacks/population — the population attack on hand-computed cases: a 5-row release
 * (Zayatz, journalist, marketer and individual risk worked out by hand), an exact population table,
 * a leak case (all unique, f = 1), a no-leak case (one class), weights alone, and string-keyed weight
 * sums when the QIs overflow a 2^53 key; each with 1 and 2 workers.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { population } from '../../attacks/population/index.js';
import type { AttackContext, AvailableInputs, PopulationKnowledge } from '../../attacks/types.js';
import type { EncodedTable } from '../../src/encode/types.js';
import { WorkerPool } from '../../src/pool/pool.js';
import { encodeStrings, qis } from '../helpers/tables.js';

const pools = [new WorkerPool(1), new WorkerPool(2)];
afterAll(async () => Promise.all(pools.map((p) => p.close())));

function ctx(
  release: EncodedTable,
  qi: string[],
  pool: WorkerPool,
  pop?: PopulationKnowledge,
): AttackContext {
  return {
    release,
    qi: qis(...qi),
    sensitive: [],
    pool,
    seed: 1,
    recordThreshold: 0.2,
    wildcard: false,
    population: pop,
  };
}

/** 5 rows: classes {F30, F30}, {M30}, {∅40, ∅40} (a missing value is its own token). */
const five = () =>
  encodeStrings({
    sex: ['F', 'F', 'M', null, null],
    age: ['30', '30', '30', '40', '40'],
  });

const inputs: AvailableInputs = {
  release: true,
  original: false,
  control: false,
  auxiliary: false,
  qi: 2,
  sensitive: 0,
  population: false,
};

describe('population: needs and bad use', () => {
  it('skips with a reason unless the trial knows something of the population', () => {
    expect(population.needs(inputs)).toMatch(/--population N, --sampling-fraction F/);
    expect(population.needs({ ...inputs, population: true })).toBeNull();
    expect(population.needs({ ...inputs, qi: 0, population: true })).toMatch(/quasi-identifiers/);
  });

  it('run without population knowledge is an INTERNAL error (the registry never does this)', async () => {
    await expect(population.run(ctx(five(), ['sex', 'age'], pools[0]))).rejects.toMatchObject({
      name: 'ReidgateError',
      code: 'INTERNAL',
    });
  });

  it('lists every metric it returns in its descriptor', async () => {
    const out = await population.run(
      ctx(five(), ['sex', 'age'], pools[0], { samplingFraction: 0.5, size: 10, source: 'sampling-fraction' }),
    );
    for (const k of Object.keys(out.metrics)) expect(population.metrics[k], k).toBeTypeOf('string');
    expect(population.references.some((r) => r.includes('10.1186/1472-6947-12-66'))).toBe(true);
  });
});

describe.each(pools.map((p) => [p.workers, p] as const))('population with %i worker(s)', (_w, pool) => {
  it('hand-computed 5-row case at sampling fraction 0.5 (N = 10)', async () => {
    const out = await population.run(
      ctx(five(), ['sex', 'age'], pool, { samplingFraction: 0.5, size: 10, source: 'sampling-fraction' }),
    );
    const v = (k: string) => out.metrics[k].value;
    // Zayatz: P(f=1|F=1) = n/N = 1/2; P(f=1|F=2) = 2·(5/10)·(5/9) = 5/9; s1 = 1, s2 = 2, u = 3:
    // P(F=1|f=1) = (1/3 · 1/2) / (1/3 · 1/2 + 2/3 · 5/9) = 9/29; uniques = 1 · 9/29 / (5/10) = 18/29.
    // f = 0.5 > 0.1: the smaller of Zayatz and SNB; SNB's moment equations have no root for s1 = 1, s2 = 2 → Zayatz.
    const d = out.details!.populationUniqueness as {
      chosen: string;
      estimates: Record<string, number | null>;
    };
    expect(d.estimates.zayatz).toBeCloseTo(18 / 29, 14);
    expect(d.chosen).toBe('zayatz');
    expect(v('populationUniques')).toBeCloseTo(18 / 29, 14);
    expect(v('populationUniqueFraction')).toBeCloseTo(18 / 29 / 10, 14);
    // No population table: F = f, so journalist = prosecutor: risks 1/2, 1/2, 1, 1/2, 1/2.
    expect(v('journalistRiskMax')).toBe(1);
    expect(v('journalistRiskMean')).toBeCloseTo(3 / 5, 14);
    expect(v('marketerRisk')).toBeCloseTo(3 / 5, 14);
    expect(v('recordsAtRiskJournalist')).toBe(5);
    expect(v('recordsAtRiskJournalistFraction')).toBe(1);
    // Constant weight 1/f = 2: F̂ = 4, 4, 2, 4, 4. fk = 2, p = 1/2: r = p/q − (p/q)² ln(1/p) = 1 − ln 2;
    // fk = 1, p = 1/2: r = (p/q) ln(1/p) = ln 2.
    expect([...out.perRecord!.populationClassSizeEstimate]).toEqual([4, 4, 2, 4, 4]);
    const r = out.perRecord!.individualRisk;
    expect(r[0]).toBeCloseTo(1 - Math.LN2, 14);
    expect(r[2]).toBeCloseTo(Math.LN2, 14);
    expect(v('expectedReidentifications')).toBeCloseTo(4 - 3 * Math.LN2, 14);
    expect(v('individualRiskMean')).toBeCloseTo((4 - 3 * Math.LN2) / 5, 14);
    expect(v('individualRiskMax')).toBeCloseTo(Math.LN2, 14);
    expect(out.method).toMatch(/constant weight 1\/f/);
  });

  it('an exact population table gives journalist and marketer risk from true class sizes', async () => {
    const populationClassSize = new Float64Array([3, 3, 1, 6, 6]);
    const out = await population.run(
      ctx(five(), ['sex', 'age'], pool, {
        size: 10,
        samplingFraction: 0.5,
        populationClassSize,
        source: 'population-table',
      }),
    );
    const v = (k: string) => out.metrics[k].value;
    expect(v('journalistRiskMax')).toBe(1);
    // risks 1/3, 1/3, 1, 1/6, 1/6: marketer = 2/5; u / ΣF = 3 / (3 + 1 + 6) = 0.3; mean = max = 0.4.
    expect(v('marketerRisk')).toBeCloseTo(0.4, 14);
    expect(v('journalistRiskMean')).toBeCloseTo(0.4, 14);
    expect(v('recordsAtRiskJournalist')).toBe(3);
    expect([...out.perRecord!.journalistRisk]).toEqual([1 / 3, 1 / 3, 1, 1 / 6, 1 / 6]);
    expect(out.method).toMatch(/population table/);
  });

  it('a population table missing a release record: its class is raised to the release’s, with a warning', async () => {
    const out = await population.run(
      ctx(five(), ['sex', 'age'], pool, {
        size: 10,
        samplingFraction: 0.5,
        populationClassSize: new Float64Array([3, 3, 0, 6, 6]),
        source: 'population-table',
      }),
    );
    expect(out.metrics.journalistRiskMax.value).toBe(1);
    expect(out.warnings!.join(' ')).toMatch(/1 release record\(s\) have a population class smaller/);
  });

  it('leak case: every record unique and the release is the whole population (f = 1) → all population-unique', async () => {
    const n = 1000;
    const release = encodeStrings({ id: Array.from({ length: n }, (_, i) => String(i)) });
    const out = await population.run(
      ctx(release, ['id'], pool, { samplingFraction: 1, size: n, source: 'population' }),
    );
    const v = (k: string) => out.metrics[k].value;
    expect(v('populationUniques')).toBe(n);
    expect(v('populationUniqueFraction')).toBe(1);
    expect(v('journalistRiskMean')).toBe(1);
    expect(v('marketerRisk')).toBe(1);
    // Weight 1: F̂ = f, so every individual risk is 1/f = 1.
    expect(v('individualRiskMax')).toBe(1);
    expect(v('expectedReidentifications')).toBe(n);
  });

  it('no-leak case: one constant QI → one class of 50, no population uniques, small risks', async () => {
    const release = encodeStrings({ c: Array.from({ length: 50 }, () => 'x') });
    const out = await population.run(
      ctx(release, ['c'], pool, { samplingFraction: 0.1, size: 500, source: 'sampling-fraction' }),
    );
    const v = (k: string) => out.metrics[k].value;
    expect(v('populationUniques')).toBe(0);
    expect((out.details!.populationUniqueness as { chosen: string }).chosen).toBe('none');
    expect(v('journalistRiskMax')).toBeCloseTo(1 / 50, 14);
    expect(v('recordsAtRiskJournalist')).toBe(0);
    // fk = 50, F̂ = 500, p = 0.1: approx r = p / (fk − q) = 0.1 / 49.1.
    expect(v('individualRiskMax')).toBeCloseTo(0.1 / 49.1, 14);
  });

  it('weights alone: N = Σ weights; F̂ sums the weights of each class', async () => {
    const weights = new Float64Array([1.5, 2.5, 7, 3, 5]);
    const out = await population.run(
      ctx(five(), ['sex', 'age'], pool, { size: 19, weights, source: 'weights' }),
    );
    expect([...out.perRecord!.populationClassSizeEstimate]).toEqual([4, 4, 7, 8, 8]);
    expect(out.details!.populationSize).toBe(19);
    expect(out.details!.samplingFraction).toBeCloseTo(5 / 19, 14);
    // fk = 1, F̂ = 7: p = 1/7, r = (p/q) ln(1/p) = ln(7)/6.
    expect(out.perRecord!.individualRisk[2]).toBeCloseTo(Math.log(7) / 6, 14);
  });

  it('sums weights exactly when the QIs overflow a 2^53 key (string keys)', async () => {
    const n = 3000;
    const cols: Record<string, string[]> = {};
    let seed = 11;
    const rnd = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    for (let c = 0; c < 8; c++) cols[`c${c}`] = Array.from({ length: n }, () => String(rnd() % 400));
    for (let i = 0; i < 20; i++) for (const k of Object.keys(cols)) cols[k][n - 1 - i] = cols[k][i % 7];
    const weights = new Float64Array(n).map((_, i) => 1 + (i % 13) * 0.25);
    const out = await population.run(
      ctx(encodeStrings(cols), Object.keys(cols), pool, { size: 1e5, weights, source: 'weights' }),
    );
    const sums = new Map<string, number>();
    const key = (i: number) =>
      Object.keys(cols)
        .map((k) => cols[k][i])
        .join('|');
    for (let i = 0; i < n; i++) sums.set(key(i), (sums.get(key(i)) ?? 0) + weights[i]);
    const Fk = out.perRecord!.populationClassSizeEstimate;
    for (let i = 0; i < n; i++) expect(Fk[i]).toBeCloseTo(sums.get(key(i))!, 12);
  });
});
