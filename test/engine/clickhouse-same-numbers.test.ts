/**
 * The same trial on --engine local and --engine clickhouse (the two-shard loopback cluster of
 * scripts/clickhouse-cluster.sh) gives the same uniqueness figures (exact for counts, 1e-9 for rates)
 * and the same record-risk.csv: the bundled Adult trials, the NIST CRC fixtures, the DuckDB test's
 * edge cases of reidgate's value semantics, values that need escaping on the way to ClickHouse, and a
 * ClickHouse table used in place. Skips, saying why, when no cluster answers.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it, vi } from 'vitest';
import { ClickHouseEngine } from '../../src/engine/clickhouse.js';
import { rng } from '../../src/stats/random.js';
import { ROOT, tmp } from '../cli/helpers.js';
import { DEMOGRAPHIC, nistPath } from '../fixtures/nist/load.js';
import { clusterMissing, sql, URLS } from './clickhouse-cluster.js';
import { expectSameAsLocal, runOn } from './helpers.js';

const TRIALS = join(ROOT, 'datasets/trials');
const missing = await clusterMissing();
const same = (trialPath: string | undefined, flags: Parameters<typeof expectSameAsLocal>[2]) =>
  expectSameAsLocal('clickhouse', trialPath, flags);

/** Writes a file into a fresh temporary folder and returns its path. */
function dataFile(name: string, text: string | Buffer): string {
  const p = join(tmp('reidgate-ch-data-'), name);
  writeFileSync(p, text);
  return p;
}

if (missing) it.skip(`--engine clickhouse same-numbers tests: ${missing}`, () => {});

describe.skipIf(missing !== null)('local vs clickhouse (two shards)', () => {
  it('adult-raw: 14,021 sample uniques; the report names the engine', async () => {
    const { other } = await same(join(TRIALS, 'adult-raw.yaml'), {});
    expect(other.report.attacks[0].metrics.sampleUniques.value).toBe(14021);
    expect(other.report.trial.engineInfo).toMatch(/^clickhouse 18\.\d+\.\d+ \(2 shards, cluster reidgate\)$/);
  });

  it('adult-k5 (pass) and adult-k5 under the wildcard model', async () => {
    const { other } = await same(join(TRIALS, 'adult-k5.yaml'), {});
    expect(other.exitCode).toBe(0);
    const w = await same(join(TRIALS, 'adult-k5.yaml'), { wildcard: '*' });
    expect(w.other.report.attacks[0].details.semantics).toMatch(/wildcard/);
  });

  for (const name of ['national2019.csv', 'k_anonymity_k_6.csv']) {
    it(`NIST ${name} on the 10 demographic QIs (missing token N)`, async () => {
      await same(undefined, { release: nistPath(name), qi: DEMOGRAPHIC.join(','), missing: 'N,' });
    });
  }

  it('NIST national2019.csv on 3 QIs (leave-one-QI-out table)', async () => {
    const { local } = await same(undefined, {
      release: nistPath('national2019.csv'),
      qi: 'AGEP,SEX,PUMA',
      missing: 'N,',
    });
    expect(local.report.attacks[0].tables.length).toBe(1);
  });

  it('missing tokens group together, `2.0` ≠ `2`, spaces kept', async () => {
    const release = dataFile(
      'missing.csv',
      'a,b,c\n1,,x\n1,NA,x\n1,?,y\n"NA",null,y\n2,"",z\n 1,x,z\n1 ,x,z\n2.0,x,z\n2,x,z\n2,x,z\n',
    );
    const { local } = await same(undefined, { release, qi: 'a,b,c' });
    expect(local.report.attacks[0].metrics.equivalenceClasses.value).toBe(8);
  });

  it('custom --missing: an empty field is then a value, distinct from missing', async () => {
    const release = dataFile('custom.csv', 'a,b\nN,1\nN,1\n,1\n,1\nNA,2\n+,2\n');
    const { local } = await same(undefined, { release, qi: 'a,b', missing: 'N' });
    expect(local.report.attacks[0].metrics.equivalenceClasses.value).toBe(4);
  });

  it('values that need escaping: tabs, newlines, backslashes, quotes, \\N, a leading +', async () => {
    const release = dataFile(
      'esc.csv',
      'a,b\n"x\ty",1\n"x\ty",1\n"l1\nl2",1\n"l1\r\nl2",1\n"back\\\\slash",2\n"back\\slash",2\n\\N,3\n\\N,3\n"+",4\n"it\'s ""q""",4\n',
    );
    const { local } = await same(undefined, { release, qi: 'a,b' });
    expect(local.report.attacks[0].metrics.equivalenceClasses.value).toBe(8);
  });

  it('wildcard tokens match any value; a missing value does not', async () => {
    const release = dataFile(
      'wild.csv',
      'a,b,c\n*,1,x\n1,*,x\n1,1,x\n2,2,y\n*,*,y\n2,*,y\n,1,x\nNA,*,x\n3,3,*\n',
    );
    const { local } = await same(undefined, { release, qi: 'a,b,c', wildcard: '*' });
    expect(local.report.attacks[0].histograms[0].label).toBe('compatible-set size');
  });

  it('several wildcard tokens on 3,000 seeded rows', async () => {
    const r = rng(11);
    const cell = (k: number) =>
      r() < 0.1 ? '*' : r() < 0.05 ? '?' : r() < 0.05 ? '' : String(Math.floor(r() * k));
    const lines = Array.from({ length: 3000 }, () => [cell(20), cell(3), cell(5), cell(2)].join(','));
    const release = dataFile('wild3k.csv', `a,b,c,d\n${lines.join('\n')}\n`);
    await same(undefined, { release, qi: 'a,b,c,d', wildcard: '*,?', missing: '' });
  });

  it('--wildcard with no wildcard token falls back to exact classes', async () => {
    const release = dataFile('nowild.csv', 'a,b\n1,1\n1,1\n2,2\n');
    const { local } = await same(undefined, { release, qi: 'a,b', wildcard: '*' });
    expect(local.report.attacks[0].warnings.join(' ')).toMatch(/no quasi-identifier holds a wildcard/);
  });

  it('a single row; all unique (2,000 rows); 20,000 rows over 6 QIs', async () => {
    await same(undefined, { release: dataFile('one.csv', 'a,b\n1,2\n'), qi: 'a,b' });
    const rows = Array.from({ length: 2000 }, (_, i) => `${i},${i % 7}`).join('\n');
    await same(undefined, { release: dataFile('unique.csv', `a,b\n${rows}\n`), qi: 'a,b' });
    const r = rng(7);
    const lines = Array.from({ length: 20_000 }, () =>
      Array.from({ length: 6 }, (_, j) => Math.floor(r() * (j < 3 ? 3000 : 4))).join(','),
    );
    await same(undefined, {
      release: dataFile('wide.csv', `q1,q2,q3,q4,q5,q6\n${lines.join('\n')}\n`),
      qi: 'q1,q2,q3,q4,q5,q6',
    });
  });

  it('semicolons, a BOM, quoted fields and CRLF; a TSV with an empty header name', async () => {
    await same(undefined, {
      release: dataFile(
        'semi.csv',
        '\uFEFFa;b;"c d"\r\n"x;y";1;2\r\n"x;y";1;2\r\n"he said ""hi""";1;2\r\nz;;2\r\n',
      ),
      qi: 'a,b,c d',
    });
    await same(undefined, {
      release: dataFile('t.tsv', 'a\t\tc\n1\t2\t3\n1\t2\t3\n4\t5\t6\n'),
      qi: 'a,column_2',
    });
  });

  it('a Parquet file with typed columns and nulls', async () => {
    const release = join(tmp('reidgate-ch-pq-'), 'r.parquet');
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    await conn.run(
      `COPY (SELECT (i % 13)::INTEGER AS a, (i % 3)::DOUBLE / 2 AS b, CASE WHEN i % 11 = 0 THEN NULL ELSE 'v' || (i % 5) END AS c, (i % 17)::BIGINT AS d FROM range(500) t(i)) TO '${release}' (FORMAT parquet)`,
    );
    conn.closeSync();
    db.closeSync();
    await same(undefined, { release, qi: 'a,b,c,d' });
  });
});

describe.skipIf(missing !== null)('--no-record-risk: classes counted by a hash of their keys', () => {
  // Without per-record output the histogram groups by a 128-bit hash of the key tuple: the same
  // figures as local's exact grouping (missing values, escaped values, many classes).
  const cases: Array<[string, string | undefined, Parameters<typeof runOn>[2]]> = [
    ['adult-raw', join(TRIALS, 'adult-raw.yaml'), {}],
    [
      'NIST national2019 (missing token N)',
      undefined,
      { release: nistPath('national2019.csv'), qi: DEMOGRAPHIC.join(','), missing: 'N,' },
    ],
    [
      'values needing escapes',
      undefined,
      {
        release: dataFile('esc.csv', 'a,b\n"x\ty",1\n"x\ty",1\n"x\\",\n"x\\",\n"p\nq",2\n,\n'),
        qi: 'a,b',
      },
    ],
  ];
  for (const [name, trialPath, flags] of cases) {
    it(name, async () => {
      const f = { ...flags, attacks: 'uniqueness', recordRisk: false };
      const local = await runOn('local', trialPath, f);
      const ch = await runOn('clickhouse', trialPath, f);
      expect(ch.report.attacks[0].status, ch.report.attacks[0].reason).toBe('ok');
      for (const [k, m] of Object.entries(local.report.attacks[0].metrics))
        expect(ch.report.attacks[0].metrics[k].value, k).toBe(m.value);
      expect(ch.report.attacks[0].histograms).toEqual(local.report.attacks[0].histograms);
      expect(ch.report.attacks[0].details).toEqual(local.report.attacks[0].details);
    });
  }
});

describe.skipIf(missing !== null)(
  'a ClickHouse table used in place (clickhouse://host:port/db.table)',
  () => {
    it('gives the figures of the same data as CSV, rows numbered by reidgate_row', async () => {
      const csv = dataFile('inplace.csv', 'a,b,c\n1,x,\n1,x,\n2,y,q\n2.0,y,q\n3,z,r\n3,z,r\n3,*,r\n');
      const table = `default.rg_test_inplace_${process.pid}`;
      await sql(URLS[0], `DROP TABLE IF EXISTS ${table}`);
      await sql(
        URLS[0],
        `CREATE TABLE ${table} (reidgate_row UInt32, a String, b String, c Nullable(String)) ENGINE = MergeTree ORDER BY a`,
      );
      // Inserted out of order: the sorting key (a) is not the row order, reidgate_row is.
      await sql(
        URLS[0],
        `INSERT INTO ${table} FORMAT TabSeparated`,
        '6\t3\t*\tr\n0\t1\tx\t\\N\n1\t1\tx\t\\N\n5\t3\tz\tr\n2\t2\ty\tq\n3\t2.0\ty\tq\n4\t3\tz\tr\n',
      );
      // The prefix of every engine this test opens (all its tables carry it), to look for leftovers of
      // these runs only: other test files may use the cluster at the same time.
      const prefixes: string[] = [];
      const close = ClickHouseEngine.prototype.close;
      const spy = vi.spyOn(ClickHouseEngine.prototype, 'close').mockImplementation(function (
        this: ClickHouseEngine,
      ) {
        prefixes.push(this.prefix);
        return close.call(this);
      });
      try {
        const host = new URL(URLS[0]).host;
        for (const wildcard of [undefined, '*']) {
          const flags = { qi: 'a,b,c', attacks: 'uniqueness', wildcard };
          const local = await runOn('local', undefined, { ...flags, release: csv });
          const inPlace = await runOn('clickhouse', undefined, {
            ...flags,
            release: `clickhouse://${host}/${table}`,
          });
          expect(inPlace.report.attacks[0].status).toBe('ok');
          for (const [k, m] of Object.entries(local.report.attacks[0].metrics))
            expect(inPlace.report.attacks[0].metrics[k].value, k).toBe(m.value);
          expect(inPlace.report.attacks[0].histograms).toEqual(local.report.attacks[0].histograms);
          expect(inPlace.recordRisk).toBe(local.recordRisk);
          expect(inPlace.report.inputs.release.format).toBe('clickhouse');
          expect(inPlace.report.inputs.release.columns).toEqual(['reidgate_row', 'a', 'b', 'c']);
        }
        // Aggregates only: the classes are hashed from the String columns themselves (no '+' key).
        const f = { qi: 'a,b,c', attacks: 'uniqueness', recordRisk: false };
        const local = await runOn('local', undefined, { ...f, release: csv });
        const inPlace = await runOn('clickhouse', undefined, {
          ...f,
          release: `clickhouse://${host}/${table}`,
        });
        expect(inPlace.report.attacks[0].metrics).toEqual(local.report.attacks[0].metrics);
        expect(inPlace.report.attacks[0].histograms).toEqual(local.report.attacks[0].histograms);
        // Nothing of these runs left behind on any server.
        expect(prefixes.length).toBeGreaterThan(0);
        for (const url of URLS) {
          for (const prefix of prefixes) {
            const left = await sql(
              url,
              `SELECT name FROM system.tables WHERE name LIKE '${prefix}%' FORMAT TSV`,
            );
            expect(left.trim(), `${url}: ${prefix}`).toBe('');
          }
        }
      } finally {
        spy.mockRestore();
        await sql(URLS[0], `DROP TABLE IF EXISTS ${table}`);
      }
    });
  },
);
