/**
 * The same trial on --engine local and --engine duckdb gives the same uniqueness figures (exact for
 * counts, 1e-9 for rates) and the same record-risk.csv: the bundled Adult trials, the NIST CRC
 * fixtures, and edge cases of reidgate's value semantics (missing tokens, `2.0` ≠ `2`, spaces,
 * wildcards, one row, all unique, several 2^53 grouping rounds, Parquet and DuckDB-table inputs).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { rng } from '../../src/stats/random.js';
import { ROOT, tmp } from '../cli/helpers.js';
import { DEMOGRAPHIC, nistPath } from '../fixtures/nist/load.js';
import { expectSameOnBothEngines, runOn } from './helpers.js';

const TRIALS = join(ROOT, 'datasets/trials');

/** Writes a file into a fresh temporary folder and returns its path. */
function file(name: string, text: string | Buffer): string {
  const p = join(tmp('reidgate-engine-data-'), name);
  writeFileSync(p, text);
  return p;
}

/** Runs SQL statements on a DuckDB database file (or in memory) to make test inputs. */
async function duck(path: string, ...sql: string[]): Promise<void> {
  const db = await DuckDBInstance.create(path);
  const conn = await db.connect();
  for (const s of sql) await conn.run(s);
  conn.closeSync();
  db.closeSync();
}

describe('the bundled Adult trials', () => {
  it('adult-raw: 14,021 sample uniques on both engines', async () => {
    const { duckdb } = await expectSameOnBothEngines(join(TRIALS, 'adult-raw.yaml'), {});
    expect(duckdb.report.attacks[0].metrics.sampleUniques.value).toBe(14021);
    expect(duckdb.exitCode).toBe(1);
  });

  it('adult-k5: every class ≥ 5, pass on both engines', async () => {
    const { duckdb } = await expectSameOnBothEngines(join(TRIALS, 'adult-k5.yaml'), {});
    expect(duckdb.report.attacks[0].metrics.minClassSize.value).toBeGreaterThanOrEqual(5);
    expect(duckdb.exitCode).toBe(0);
  });

  it('adult-k5 under the wildcard model (--wildcard "*")', async () => {
    const { duckdb } = await expectSameOnBothEngines(join(TRIALS, 'adult-k5.yaml'), { wildcard: '*' });
    expect(duckdb.report.attacks[0].details.semantics).toMatch(/wildcard/);
  });
});

describe('the NIST CRC fixtures (missing token N)', () => {
  for (const name of ['national2019.csv', 'k_anonymity_k_6.csv', 'pram_default.csv', 'cart_cf21.csv']) {
    it(`${name} on the 10 demographic QIs`, async () => {
      await expectSameOnBothEngines(undefined, {
        release: nistPath(name),
        qi: DEMOGRAPHIC.join(','),
        missing: 'N,',
      });
    });
  }

  it('national2019.csv on 3 QIs (leave-one-QI-out table included)', async () => {
    const { local } = await expectSameOnBothEngines(undefined, {
      release: nistPath('national2019.csv'),
      qi: 'AGEP,SEX,PUMA',
      missing: 'N,',
    });
    expect(local.report.attacks[0].tables.length).toBe(1);
  });
});

describe('edge cases of value semantics', () => {
  it('missing tokens (empty, NA, ?, null, quoted or not) group together; `2.0` ≠ `2`; spaces kept', async () => {
    const release = file(
      'missing.csv',
      'a,b,c\n1,,x\n1,NA,x\n1,?,y\n"NA",null,y\n2,"",z\n 1,x,z\n1 ,x,z\n2.0,x,z\n2,x,z\n2,x,z\n',
    );
    const { local } = await expectSameOnBothEngines(undefined, { release, qi: 'a,b,c' });
    const m = local.report.attacks[0].metrics;
    expect(m.equivalenceClasses.value).toBe(8);
    expect(local.report.attacks[0].warnings.join(' ')).toMatch(/missing values in a, b/);
  });

  it('custom --missing tokens (and an empty field is then a value)', async () => {
    const release = file('custom.csv', 'a,b\nN,1\nN,1\n,1\n,1\nNA,2\n');
    const { local } = await expectSameOnBothEngines(undefined, { release, qi: 'a,b', missing: 'N' });
    expect(local.report.attacks[0].metrics.equivalenceClasses.value).toBe(3);
  });

  it('wildcard tokens match any value; a missing value does not', async () => {
    const release = file(
      'wild.csv',
      'a,b,c\n*,1,x\n1,*,x\n1,1,x\n2,2,y\n*,*,y\n2,*,y\n,1,x\nNA,*,x\n3,3,*\n',
    );
    const { local } = await expectSameOnBothEngines(undefined, { release, qi: 'a,b,c', wildcard: '*' });
    expect(local.report.attacks[0].histograms[0].label).toBe('compatible-set size');
  });

  it('several wildcard tokens are one value, as the local encoding codes them', async () => {
    const release = file('wild2.csv', 'a,b\n*,1\n?,1\n1,1\n?,2\n*,2\n3,?\n');
    for (const wildcard of ['*,?', undefined]) {
      const { local } = await expectSameOnBothEngines(undefined, {
        release,
        qi: 'a,b',
        wildcard,
        missing: 'NA',
      });
      if (wildcard) expect(local.report.attacks[0].metrics.equivalenceClasses.value).toBe(4);
    }
  });

  it('--wildcard with no wildcard token in the data falls back to exact classes (and warns)', async () => {
    const release = file('nowild.csv', 'a,b\n1,1\n1,1\n2,2\n');
    const { local } = await expectSameOnBothEngines(undefined, { release, qi: 'a,b', wildcard: '*' });
    expect(local.report.attacks[0].warnings.join(' ')).toMatch(/no quasi-identifier holds a wildcard/);
  });

  it('a single row', async () => {
    const release = file('one.csv', 'a,b\n1,2\n');
    const { local } = await expectSameOnBothEngines(undefined, { release, qi: 'a,b' });
    expect(local.report.attacks[0].metrics.sampleUniques.value).toBe(1);
  });

  it('all records unique (2,000 rows)', async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => `${i},${i % 7}`).join('\n');
    const release = file('unique.csv', `a,b\n${rows}\n`);
    const { local } = await expectSameOnBothEngines(undefined, { release, qi: 'a,b' });
    expect(local.report.attacks[0].metrics.sampleUniqueFraction.value).toBe(1);
  });

  it('several grouping rounds (QI combinations beyond 2^53) on 20,000 seeded rows', async () => {
    const r = rng(7);
    const lines = Array.from({ length: 20_000 }, () =>
      Array.from({ length: 6 }, (_, j) => Math.floor(r() * (j < 3 ? 3000 : 4))).join(','),
    );
    const release = file('wide.csv', `q1,q2,q3,q4,q5,q6\n${lines.join('\n')}\n`);
    await expectSameOnBothEngines(undefined, { release, qi: 'q1,q2,q3,q4,q5,q6' });
  });

  it('semicolons, a BOM, quoted fields with delimiters and CRLF line ends', async () => {
    const release = file(
      'semi.csv',
      '\uFEFFa;b;"c d"\r\n"x;y";1;2\r\n"x;y";1;2\r\n"he said ""hi""";1;2\r\nz;;2\r\n',
    );
    await expectSameOnBothEngines(undefined, { release, qi: 'a,b,c d' });
  });

  it('a TSV file with an empty header name (renamed column_2 on both engines)', async () => {
    const release = file('t.tsv', 'a\t\tc\n1\t2\t3\n1\t2\t3\n4\t5\t6\n');
    const { duckdb } = await expectSameOnBothEngines(undefined, { release, qi: 'a,column_2' });
    expect(duckdb.report.warnings.join(' ')).toMatch(/named it column_2/);
  });

  it('a Parquet file with typed columns and nulls', async () => {
    const dir = tmp('reidgate-engine-pq-');
    const release = join(dir, 'r.parquet');
    await duck(
      ':memory:',
      `COPY (SELECT (i % 13)::INTEGER AS a, (i % 3)::DOUBLE / 2 AS b, CASE WHEN i % 11 = 0 THEN NULL ELSE 'v' || (i % 5) END AS c, (i % 17)::BIGINT AS d FROM range(500) t(i)) TO '${release}' (FORMAT parquet)`,
    );
    await expectSameOnBothEngines(undefined, { release, qi: 'a,b,c,d' });
  });
});

describe('a DuckDB table used in place', () => {
  it('FILE.duckdb#TABLE gives the figures of the same data as CSV', async () => {
    const csv = file('adult-like.csv', 'a,b,c\n1,x,\n1,x,\n2,y,q\n2.0,y,q\n3,z,r\n3,z,r\n3,z,r\n');
    const db = join(tmp('reidgate-engine-db-'), 'data.duckdb');
    await duck(
      db,
      `CREATE TABLE rel AS SELECT * FROM read_csv('${csv}', all_varchar = true, header = true)`,
      'CREATE TABLE other AS SELECT 1 AS x',
    );
    const local = await runOn('local', undefined, { release: csv, qi: 'a,b,c', attacks: 'uniqueness' });
    const inPlace = await runOn('duckdb', undefined, {
      release: `${db}#rel`,
      qi: 'a,b,c',
      attacks: 'uniqueness',
    });
    for (const [k, m] of Object.entries(local.report.attacks[0].metrics))
      expect(inPlace.report.attacks[0].metrics[k].value, k).toBe(m.value);
    expect(inPlace.recordRisk).toBe(local.recordRisk);
    expect(inPlace.report.inputs.release.format).toBe('duckdb');
  });
});

describe('attacks not pushed down to DuckDB', () => {
  it('run on rows fetched from the engine, with the figures of --engine local (singling-out)', async () => {
    const flags = {
      attacks: 'uniqueness,suda,singling-out',
      control: join(ROOT, 'datasets/adult/adult.csv'),
      original: join(ROOT, 'datasets/adult/adult.csv'),
      option: ['singling-out.n=100'],
    };
    const local = await runOn('local', join(TRIALS, 'adult-raw.yaml'), flags);
    const run = await runOn('duckdb', join(TRIALS, 'adult-raw.yaml'), flags);
    const status = Object.fromEntries(run.report.attacks.map((a) => [a.id, a.status]));
    expect(status).toEqual({ uniqueness: 'ok', suda: 'ok', 'singling-out': 'ok' });
    const so = run.report.attacks.find((a) => a.id === 'singling-out')!;
    expect(so.method).toMatch(/^Run on --engine duckdb by fetching every row of/);
    expect(so.metrics).toEqual(local.report.attacks.find((a) => a.id === 'singling-out')!.metrics);
    expect(run.report.verdict).toBe(local.report.verdict);
  });
});
