/**
 * Population and diversity on --engine clickhouse (classWeights, classValueCounts on the two-shard
 * loopback cluster of scripts/clickhouse-cluster.sh) give the figures of --engine local (exact for
 * counts, 1e-9 for rates) and the same record-risk.csv: the bundled Adult trial with --population,
 * --sampling-fraction and --weights, categorical and numeric sensitive attributes, wildcard tokens,
 * and pushdown.test.ts's edge cases; the engine's answers are the local engine's arrays; bad weights
 * give the local engine's input error; weights ClickHouse 18.16 itself would misread in the last bit
 * are read as JavaScript reads them. Skips, saying why, when no cluster answers.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeTable } from '../../src/encode/encode.js';
import type { ClickHouseEngine } from '../../src/engine/clickhouse.js';
import { openClickHouseTrial } from '../../src/engine/clickhouse-open.js';
import { LocalEngine } from '../../src/engine/local.js';
import { loadTable } from '../../src/io/index.js';
import { WorkerPool } from '../../src/pool/pool.js';
import { resolveTrial } from '../../src/trial/resolve.js';
import { cli, ROOT, tmp } from '../cli/helpers.js';
import { clusterMissing, sql, URLS } from './clickhouse-cluster.js';
import { adultWithWeights, EDGE_CSV, expectSameAttacks, runOn, sameDeep } from './helpers.js';

const TRIALS = join(ROOT, 'datasets/trials');
const missing = await clusterMissing();

type Flags = Parameters<typeof expectSameAttacks>[1];
const same = (trialPath: string | undefined, flags: Flags, csv: 'bytes' | 'close' = 'bytes') =>
  expectSameAttacks(trialPath, flags, csv, 'clickhouse');

/** Writes a file into a fresh temporary folder and returns its path. */
function file(name: string, text: string): string {
  const p = join(tmp('reidgate-ch-pushdown-'), name);
  writeFileSync(p, text);
  return p;
}

if (missing) it.skip(`--engine clickhouse population and diversity tests: ${missing}`, () => {});

describe.skipIf(missing !== null)('population and diversity on clickhouse (two shards)', () => {
  it('Adult --population 300000, with uniqueness and diversity in the same run', async () => {
    const { duckdb: ch } = await same(join(TRIALS, 'adult-raw.yaml'), {
      attacks: 'uniqueness,population,diversity',
      population: '300000',
    });
    expect(ch.report.attacks.map((a) => a.status)).toEqual(['ok', 'ok', 'ok']);
    expect(ch.report.attacks[1].metrics.recordsAtRiskJournalist.value).toBeGreaterThan(14021);
    expect(ch.report.attacks[2].metrics.homogeneousRecords.value).toBeGreaterThan(0);
  });

  it('adult-k5 --sampling-fraction 0.1; adult-k5 with the wildcard token *', async () => {
    await same(join(TRIALS, 'adult-k5.yaml'), { attacks: 'population', samplingFraction: '0.1' });
    const { duckdb: ch } = await same(join(TRIALS, 'adult-k5.yaml'), {
      attacks: 'diversity,population',
      wildcard: '*',
      population: '100000',
    });
    expect(ch.report.attacks[0].warnings.join(' ')).toMatch(/wildcard/);
  });

  it('--weights with sums exact in binary (record-risk.csv byte for byte)', async () => {
    const release = adultWithWeights((i) => String(1 + (i % 7) * 0.25));
    const { duckdb: ch } = await same(join(TRIALS, 'adult-raw.yaml'), {
      release,
      attacks: 'population,uniqueness',
      weights: 'w',
    });
    expect(ch.report.attacks[0].details.individualRisk).toMatchObject({ weights: 'given per record' });
  });

  it('--weights with decimal weights and --population (sums within 1e-9)', async () => {
    const release = adultWithWeights((i) => ` ${(1.1 + (i % 13) * 0.37).toFixed(2)} `);
    await same(
      join(TRIALS, 'adult-raw.yaml'),
      { release, attacks: 'population', weights: 'w', population: '500000' },
      'close',
    );
  });

  it('--no-record-risk: classes keyed by a hash of their keys (weights, wildcard tokens)', async () => {
    const release = adultWithWeights((i) => String(1 + (i % 7) * 0.25));
    const { duckdb: ch } = await same(join(TRIALS, 'adult-raw.yaml'), {
      release,
      attacks: 'population,uniqueness',
      weights: 'w',
      recordRisk: false,
    });
    expect(ch.recordRisk).toBe('');
    expect(ch.report.attacks[0].metrics.individualRiskMax.value).toBeGreaterThan(0);
    // Two wildcard tokens are one value in a class key (classes (1,W) and (2,W) hold 2 rows each).
    await same(undefined, {
      release: file('tokens.csv', 'a,b\n1,*\n1,SUPP\n1,x\n2,*\n2,SUPP\n2,y\n3,x\n'),
      qi: 'a,b',
      attacks: 'population',
      wildcard: '*,SUPP',
      samplingFraction: '0.5',
      recordRisk: false,
    });
  });

  it('age as a numeric sensitive attribute, two sensitive attributes', async () => {
    await same(join(TRIALS, 'adult-raw.yaml'), {
      attacks: 'diversity',
      qi: 'sex,race,marital-status,education',
      sensitive: 'age:numeric,occupation',
    });
  });

  const edge = file('edge.csv', EDGE_CSV);

  it('edge cases: missing values in QIs and sensitive attributes, numbers written differently, text', async () => {
    const { local } = await same(undefined, {
      release: edge,
      qi: 'a,b',
      sensitive: 's,n:numeric',
      attacks: 'diversity,population',
      weights: 'w',
    });
    expect(local.report.attacks[0].warnings.join(' ')).toMatch(/missing values in b/);
    await same(undefined, {
      release: file('one.csv', 'a,s\n1,x\n'),
      qi: 'a',
      sensitive: 's',
      attacks: 'diversity,population',
      population: '10',
    });
    await same(undefined, {
      release: file('uniq.csv', 'a,s\n1,x\n2,x\n3,y\n4,\n'),
      qi: 'a',
      sensitive: 's:numeric',
      attacks: 'diversity,population',
      samplingFraction: '0.5',
    });
  });

  it('values that need escaping and wildcard tokens in the sensitive attribute', async () => {
    await same(undefined, {
      release: file(
        'esc.csv',
        'a,s\n1,"x\ty"\n1,"x\ty"\n1,"l1\nl2"\n2,"back\\\\slash"\n2,"+"\n2,*\n3,?\n3,*\n3,\n',
      ),
      qi: 'a',
      sensitive: 's',
      attacks: 'diversity,population',
      population: '100',
      wildcard: '*,?',
    });
  });

  it('the engine answers the local engine arrays (classes and values by first row, weights summed)', async () => {
    const pool = new WorkerPool(2);
    const trial = resolveTrial(undefined, { release: edge, qi: 'a,b', engine: 'clickhouse', out: tmp() });
    const ch = (await openClickHouseTrial(trial, () => {})).engine as ClickHouseEngine;
    try {
      const t = encodeTable(
        (await loadTable(edge)).table,
        ['a', 'b', 's', 'n'].map((name) => ({ name, kind: 'categorical' as const })),
        'edge',
      );
      const local = new LocalEngine({ release: t }, pool);
      for (const value of ['s', 'n', 'a']) {
        for (const columns of [['a', 'b'], ['b'], ['s', 'n']]) {
          const q = { role: 'release' as const, columns, value, perRecord: true };
          const [x, y] = [await local.classValueCounts(q), await ch.classValueCounts(q)];
          expect(y.values).toEqual(x.values);
          expect(y.classes).toBe(x.classes);
          for (const k of ['totals', 'starts', 'valueId', 'count', 'classOf'] as const)
            expect([...(y[k] ?? [])], `${value} by ${columns}: ${k}`).toEqual([...(x[k] ?? [])]);
          expect(y.missingIn).toEqual(x.missingIn);
        }
      }
      for (const perRecord of [true, false]) {
        const w = await ch.classWeights({ role: 'release', columns: ['a', 'b'], weights: 'w', perRecord });
        expect(w.classes).toBe(6);
        expect(w.table).toContainEqual({ size: 3, weight: 6.5, classes: 1 });
        if (perRecord) expect([...w.perRecord!.size]).toEqual([3, 3, 3, 2, 2, 3, 3, 3, 1, 1, 1]);
      }
      expect(await ch.positiveNumbers('release', 'w')).toEqual({ sum: 30 });
      expect(await ch.positiveNumbers('release', 'n')).toEqual({
        sum: Number.NaN,
        bad: { row: 2, notANumber: true },
      });
    } finally {
      await ch.close();
      await pool.close();
    }
  });

  it('--no-record-risk: which columns hold missing values, found without per-record sizes', async () => {
    // 40 columns, missing values in c1 and c35 only; the engine's first question is an aggregate-only
    // histogram, and later ones mix columns already looked at with new ones.
    const cols = Array.from({ length: 40 }, (_, j) => `c${j}`);
    const rows = Array.from({ length: 30 }, (_, i) =>
      cols.map((_, j) =>
        (j === 1 && i % 7 === 0) || (j === 35 && i === 3) ? '' : String((i * (j + 1)) % 4),
      ),
    );
    const wide = file('wide.csv', [cols.join(','), ...rows.map((r) => r.join(','))].join('\n'));
    const pool = new WorkerPool(2);
    const local = new LocalEngine(
      {
        release: encodeTable(
          (await loadTable(wide)).table,
          cols.map((name) => ({ name, kind: 'categorical' as const })),
          'wide',
        ),
      },
      pool,
    );
    const asked = async (columnSets: string[][]) => {
      const trial = resolveTrial(undefined, {
        release: wide,
        qi: cols.join(','),
        engine: 'clickhouse',
        out: tmp(),
      });
      const ch = (await openClickHouseTrial(trial, () => {})).engine as ClickHouseEngine;
      try {
        for (const columns of columnSets) {
          const q = { role: 'release' as const, columns, perRecord: false };
          const [x, y] = [await local.classSizes(q), await ch.classSizes(q)];
          expect(y.missingIn, columns.join(',')).toEqual(x.missingIn);
          expect(y.table).toEqual(x.table);
        }
      } finally {
        await ch.close();
      }
    };
    try {
      await asked([cols, ['c0', 'c1'], ['c35', 'c2', 'c1'], ['c2', 'c3']]);
      await asked([['c2', 'c35'], cols]);
      await asked([['c0', 'c2']]);
    } finally {
      await pool.close();
    }
  });

  it('weights ClickHouse 18.16 misreads in the last bit (1.84) sum as JavaScript reads them', async () => {
    const rows = Array.from({ length: 400 }, (_, i) => `${i % 5},${(1 + (i % 37) * 0.01 + 0.83).toFixed(2)}`);
    await same(
      undefined,
      { release: file('w.csv', `a,w\n${rows.join('\n')}\n`), qi: 'a', attacks: 'population', weights: 'w' },
      'close',
    );
  });

  it('a blank, non-positive or non-decimal weight: the same exit 2 message as on duckdb', () => {
    for (const [text, why] of [
      ['a,w\n1,2\n1, \n', /row 2 is blank or not a number/],
      ['a,w\n1,2\n1,-1\n', /row 2 is not positive/],
      ['a,w\n1,2\n1,0x10\n', /row 2 is blank or not a number/],
    ] as const) {
      const release = file('bad-w.csv', text);
      const r = cli([
        'run',
        '--engine',
        'clickhouse',
        '--release',
        release,
        '--qi',
        'a',
        '--weights',
        'w',
        '--out',
        tmp(),
      ]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(why);
    }
  });

  it('a table used in place (typed weights, a Nullable sensitive attribute): the figures of its CSV', async () => {
    const csv = file('inplace.csv', 'a,s,w\n1,x,1.5\n1,,2\n2,y,1.84\n2.0,y,3\n3,z,1\n3,x,0.25\n3,x,7\n');
    const table = `default.rg_test_pushdown_${process.pid}`;
    await sql(URLS[0], `DROP TABLE IF EXISTS ${table}`);
    await sql(
      URLS[0],
      `CREATE TABLE ${table} (reidgate_row UInt32, a String, s Nullable(String), w Float64) ENGINE = MergeTree ORDER BY a`,
    );
    await sql(
      URLS[0],
      `INSERT INTO ${table} FORMAT TabSeparated`,
      '6\t3\tx\t7\n0\t1\tx\t1.5\n1\t1\t\\N\t2\n5\t3\tx\t0.25\n2\t2\ty\t1.84\n3\t2.0\ty\t3\n4\t3\tz\t1\n',
    );
    try {
      const flags = { qi: 'a', sensitive: 's', attacks: 'population,diversity', weights: 'w' };
      const local = await runOn('local', undefined, { ...flags, release: csv });
      const inPlace = await runOn('clickhouse', undefined, {
        ...flags,
        release: `clickhouse://${new URL(URLS[0]).host}/${table}`,
      });
      for (const [i, a] of local.report.attacks.entries()) {
        const b = inPlace.report.attacks[i];
        expect(b.status, `${b.id}: ${b.reason}`).toBe('ok');
        sameDeep(a.metrics, b.metrics, `${a.id}.metrics`);
        sameDeep(a.histograms, b.histograms, `${a.id}.histograms`);
      }
      expect(inPlace.recordRisk).toBe(local.recordRisk);
      // The Nullable column's NULL is a missing value; the non-Nullable columns are not scanned for one.
      const qiFlags = { qi: 'a,s,w', attacks: 'uniqueness', recordRisk: false };
      const localQi = await runOn('local', undefined, { ...qiFlags, release: csv });
      const inPlaceQi = await runOn('clickhouse', undefined, {
        ...qiFlags,
        release: `clickhouse://${new URL(URLS[0]).host}/${table}`,
      });
      expect(inPlaceQi.report.attacks[0].warnings.join(' ')).toMatch(/missing values in s were/);
      expect(inPlaceQi.report.attacks[0].warnings).toEqual(localQi.report.attacks[0].warnings);
      sameDeep(localQi.report.attacks[0].metrics, inPlaceQi.report.attacks[0].metrics, 'uniqueness.metrics');
    } finally {
      await sql(URLS[0], `DROP TABLE IF EXISTS ${table}`);
    }
  });
});
