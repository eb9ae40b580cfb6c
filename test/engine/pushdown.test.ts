/**
 * The population and diversity attacks count through the engine (classWeights, classValueCounts):
 * the same trial on --engine local and --engine duckdb gives the same figures (exact for counts, 1e-9
 * for rates) and the same record-risk.csv — on the bundled Adult trial with --population,
 * --sampling-fraction and --weights, categorical and numeric sensitive attributes, and small edge
 * cases (missing values in QIs and in the sensitive attribute, numbers written differently, ranges,
 * text in a numeric column, wildcard tokens). A --population-table on DuckDB skips the population
 * attack saying why, and fails the verdict closed; bad weights are the same input error on both.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeTable } from '../../src/encode/encode.js';
import { DuckDbEngine } from '../../src/engine/duckdb.js';
import { addInput } from '../../src/engine/duckdb-load.js';
import { LocalEngine } from '../../src/engine/local.js';
import { loadTable } from '../../src/io/index.js';
import { WorkerPool } from '../../src/pool/pool.js';
import { cli, ROOT, tmp } from '../cli/helpers.js';
import { adultWithWeights, EDGE_CSV, expectSameAttacks, runOn } from './helpers.js';

const TRIALS = join(ROOT, 'datasets/trials');

/** Writes a file into a fresh temporary folder and returns its path. */
function file(name: string, text: string): string {
  const p = join(tmp('reidgate-pushdown-data-'), name);
  writeFileSync(p, text);
  return p;
}

describe('population on the bundled Adult trial', () => {
  it('--population 300000: population uniques, journalist and individual risk', async () => {
    const { duckdb } = await expectSameAttacks(join(TRIALS, 'adult-raw.yaml'), {
      attacks: 'population',
      population: '300000',
    });
    const m = duckdb.report.attacks[0].metrics;
    expect(m.recordsAtRiskJournalist.value).toBeGreaterThan(14021);
    expect(m.expectedReidentifications.value).toBeGreaterThan(0);
  });

  it('--sampling-fraction 0.1 on adult-k5', async () => {
    await expectSameAttacks(join(TRIALS, 'adult-k5.yaml'), {
      attacks: 'population',
      samplingFraction: '0.1',
    });
  });

  it('--weights with sums exact in binary (record-risk.csv byte for byte)', async () => {
    const release = adultWithWeights((i) => String(1 + (i % 7) * 0.25));
    const { duckdb } = await expectSameAttacks(join(TRIALS, 'adult-raw.yaml'), {
      release,
      attacks: 'population,uniqueness',
      weights: 'w',
    });
    expect(duckdb.report.attacks[0].details.individualRisk).toMatchObject({ weights: 'given per record' });
  });

  it('--weights with decimal weights and --population (sums within 1e-9)', async () => {
    const release = adultWithWeights((i) => ` ${(1.1 + (i % 13) * 0.37).toFixed(2)} `);
    await expectSameAttacks(
      join(TRIALS, 'adult-raw.yaml'),
      { release, attacks: 'population', weights: 'w', population: '500000' },
      'close',
    );
  });
});

describe('diversity on the bundled Adult trial', () => {
  it('salary-class (categorical), with uniqueness and population in the same run', async () => {
    const { local } = await expectSameAttacks(join(TRIALS, 'adult-raw.yaml'), {
      attacks: 'uniqueness,population,diversity',
      population: '300000',
    });
    expect(local.report.attacks[2].metrics.homogeneousRecords.value).toBeGreaterThan(0);
  });

  it('age as a numeric sensitive attribute (ordered distance), two sensitive attributes', async () => {
    const { duckdb } = await expectSameAttacks(join(TRIALS, 'adult-raw.yaml'), {
      attacks: 'diversity',
      qi: 'sex,race,marital-status,education',
      sensitive: 'age:numeric,occupation',
    });
    const attrs = duckdb.report.attacks[0].details.attributes as Array<{ distance: string }>;
    expect(attrs.map((a) => a.distance)).toEqual(['ordered', 'equal']);
  });

  it('adult-k5 with the wildcard token * (its own value in the classes)', async () => {
    const { duckdb } = await expectSameAttacks(join(TRIALS, 'adult-k5.yaml'), {
      attacks: 'diversity,population',
      wildcard: '*',
      population: '100000',
    });
    expect(duckdb.report.attacks[0].warnings.join(' ')).toMatch(/wildcard/);
  });
});

describe('edge cases', () => {
  const edge = file('edge.csv', EDGE_CSV);

  it('missing values in QIs and sensitive attributes, numbers written differently, ranges, text', async () => {
    const { local } = await expectSameAttacks(undefined, {
      release: edge,
      qi: 'a,b',
      sensitive: 's,n:numeric',
      attacks: 'diversity,population',
      weights: 'w',
    });
    const warnings = local.report.attacks[0].warnings.join(' ');
    expect(warnings).toMatch(/missing values in b/);
    expect(warnings).toMatch(/2 records have a missing or suppressed s/);
    expect(warnings).toMatch(/3 records have a n that is missing or not a number/);
  });

  it('one row; and every record alone', async () => {
    await expectSameAttacks(undefined, {
      release: file('one.csv', 'a,s\n1,x\n'),
      qi: 'a',
      sensitive: 's',
      attacks: 'diversity,population',
      population: '10',
    });
    await expectSameAttacks(undefined, {
      release: file('uniq.csv', 'a,s\n1,x\n2,x\n3,y\n4,\n'),
      qi: 'a',
      sensitive: 's:numeric',
      attacks: 'diversity,population',
      samplingFraction: '0.5',
    });
  });

  it('the engine answers: identical arrays on both engines (classes and values by first row)', async () => {
    const pool = new WorkerPool(2);
    const duck = await DuckDbEngine.open({ threads: 2, wildcard: [] });
    try {
      await addInput(duck, 'release', edge, {});
      const t = encodeTable(
        (await loadTable(edge)).table,
        ['a', 'b', 's', 'n'].map((name) => ({ name, kind: 'categorical' as const })),
        'edge',
      );
      const local = new LocalEngine({ release: t }, pool);
      for (const value of ['s', 'n']) {
        const q = { role: 'release' as const, columns: ['a', 'b'], value, perRecord: true };
        const [x, y] = [await local.classValueCounts(q), await duck.classValueCounts(q)];
        expect(y.values).toEqual(x.values);
        for (const k of ['totals', 'starts', 'valueId', 'count', 'classOf'] as const)
          expect([...(y[k] ?? [])], k).toEqual([...(x[k] ?? [])]);
        expect(y.missingIn).toEqual(x.missingIn);
      }
      const w = await duck.classWeights({
        role: 'release',
        columns: ['a', 'b'],
        weights: 'w',
        perRecord: true,
      });
      expect(w.classes).toBe(6);
      expect(w.table).toContainEqual({ size: 3, weight: 6.5, classes: 1 });
      expect([...w.perRecord!.size]).toEqual([3, 3, 3, 2, 2, 3, 3, 3, 1, 1, 1]);
    } finally {
      await duck.close();
      await pool.close();
    }
  });
});

describe('what stays on the local engine, and bad weights', () => {
  it('--population-table: population is skipped on duckdb, saying why, and the verdict fails closed', async () => {
    const table = file('pop.csv', 'a,count\n1,10\n2,20\n3,5\n');
    const run = await runOn('duckdb', undefined, {
      release: file('r.csv', 'a\n1\n1\n2\n3\n'),
      qi: 'a',
      attacks: 'uniqueness,population',
      populationTable: table,
    });
    const pop = run.report.attacks.find((a) => a.id === 'population')!;
    expect(pop.status).toBe('skipped');
    expect(pop.reason).toMatch(/--population-table is joined with the release on --engine local only/);
    expect(run.report.verdict).not.toBe('pass');
  });

  it('a blank or non-positive weight: the same exit 2 message on both engines', () => {
    for (const [text, why] of [
      ['a,w\n1,2\n1, \n', /row 2 is blank or not a number/],
      ['a,w\n1,2\n1,-1\n', /row 2 is not positive/],
      ['a,w\n1,2\n1,0x10\n', /row 2 is blank or not a number/],
    ] as const) {
      const release = file('bad-w.csv', text);
      // JS reads 0x10 as 16, so the local engine accepts it; DuckDB takes decimal numbers only.
      for (const engine of text.includes('0x10') ? ['duckdb'] : ['local', 'duckdb']) {
        const r = cli([
          'run',
          '--engine',
          engine,
          '--release',
          release,
          '--qi',
          'a',
          '--weights',
          'w',
          '--out',
          tmp(),
        ]);
        expect(r.code, `${engine}: ${r.stderr}`).toBe(2);
        expect(r.stderr).toMatch(why);
      }
    }
  });
});
