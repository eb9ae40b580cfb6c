/**
 * The suda attack on --engine duckdb (and clickhouse when the test cluster runs) gives the same
 * figures as on --engine local (exact for counts, 1e-9 for scores): minimal sample uniques counted in
 * SQL level by level against the SUDA2 search, on Adult (sdcMicro's oracle figures), sdcMicro's
 * testdata, and edge cases (missing values, one row, all unique, all equal, maxMsuSize); under
 * --wildcard on small tables (also against the MSUs counted by their definition) and on testdata with
 * seeded wildcard cells.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { msuWeights } from '../../attacks/suda/scores.js';
import { encodeTable } from '../../src/encode/encode.js';
import { openClickHouseTrial } from '../../src/engine/clickhouse-open.js';
import { LocalEngine } from '../../src/engine/local.js';
import { openDuckDbTrial } from '../../src/engine/open.js';
import { checkSubsetCount, subsetCount, subsetMasksBySize } from '../../src/engine/suda-sql.js';
import { loadTable } from '../../src/io/index.js';
import { WorkerPool } from '../../src/pool/pool.js';
import { runTrial } from '../../src/run/run-trial.js';
import { rng } from '../../src/stats/random.js';
import { type RunFlags, resolveTrial } from '../../src/trial/resolve.js';
import { ROOT, tmp } from '../cli/helpers.js';
import { clusterMissing, sql, URLS } from './clickhouse-cluster.js';
import { dataFile, expectSameAttacks, runOn } from './helpers.js';

const TRIALS = join(ROOT, 'datasets/trials');
const TESTDATA = join(ROOT, 'test/fixtures/sdcmicro/testdata.csv');
const TESTDATA_QI = 'urbrur,roof,walls,water,electcon,relat,sex';

/** Small releases: missing values, one row, all unique, all equal, duplicates and size-1 MSUs. */
const EDGE: Record<string, string> = {
  missing: 'a,b,c\n1,,x\n1,NA,x\n1,?,y\nNA,y,y\n2,,z\n1,x,z\n2,x,z\n2,x,z\n3,y,\n',
  oneRow: 'a,b,c\n1,2,3\n',
  allUnique: 'a,b\n1,1\n2,2\n3,3\n4,4\n',
  allEqual: 'a,b,c\n1,2,3\n1,2,3\n1,2,3\n',
  mixed: 'a,b,c,d\n1,x,p,0\n1,y,p,0\n2,x,q,0\n2,y,q,1\n1,x,q,1\n2,x,p,1\n2,x,p,1\n3,z,r,0\n',
};

/**
 * Small releases under --wildcard (`*` and `~` tokens, missing as empty): wildcards on several
 * columns, rows unique on exact values that only a wildcard row matches, wildcard and missing in one
 * row, duplicates, a row all wildcards, a wildcard column.
 */
const WILD: Record<string, string> = {
  several:
    'a,b,c,d\n1,x,p,0\n1,*,p,0\n2,x,*,1\n2,y,q,*\n*,y,q,1\n3,~,*,0\n1,x,q,1\n2,,p,0\n*,,r,1\n3,z,r,0\n3,z,r,0\n4,*,p,*\n1,y,r,*\n5,w,s,1\n',
  onlyViaWildcards: 'a,b,c\n1,x,p\n2,y,q\n*,x,p\n1,*,q\n3,y,*\n3,z,r\n*,z,*\n',
  wildAndMissing: 'a,b,c\n1,,p\n1,x,\n*,,q\n2,*,\n,*,p\n2,y,q\n3,x,*\n',
  allWildRow: 'a,b,c\n1,x,p\n2,y,q\n*,*,*\n3,z,r\n',
  wildColumn: 'a,b,c\n1,*,p\n2,*,q\n2,*,p\n3,*,q\n',
};

/**
 * MSUs per size by their definition, for a small CSV (`*` and `~` wildcards, empty missing): row u
 * (held once) is unique on S when it has a value on every column of S and no other row equals it
 * there or holds a wildcard; an MSU is a unique S none of whose (|S| − 1)-subsets is unique.
 */
function bruteMsus(text: string): Record<string, number> {
  const [head, ...lines] = text.trim().split('\n');
  const m = head.split(',').length;
  const rows = lines.map((l) => l.split(','));
  const isWild = (v: string) => v === '*' || v === '~';
  const unique = (u: number, mask: number) => {
    for (let c = 0; c < m; c++)
      if (mask & (1 << c) && (rows[u][c] === '' || isWild(rows[u][c]))) return false;
    return rows.every(
      (v, i) => i === u || rows[u].some((x, c) => mask & (1 << c) && v[c] !== x && !isWild(v[c])),
    );
  };
  const bySize: Record<string, number> = {};
  for (let k = 1; k <= m; k++) bySize[String(k)] = 0;
  for (let u = 0; u < rows.length; u++)
    for (let mask = 1; mask < 2 ** m; mask++)
      if (unique(u, mask)) {
        let minimal = true;
        for (let c = 0; c < m; c++)
          if (mask & (1 << c) && mask !== 1 << c && unique(u, mask & ~(1 << c))) minimal = false;
        if (minimal) bySize[String(mask.toString(2).replaceAll('0', '').length)]++;
      }
  return bySize;
}

/** sdcMicro's testdata with each QI cell a wildcard `*` with probability 0.04 (seeded). */
function wildTestdata(): string {
  const [head, ...lines] = readFileSync(TESTDATA, 'utf8').trim().split(/\r?\n/);
  const qi = new Set(TESTDATA_QI.split(','));
  const cols = head.split(',').map((c) => qi.has(c.replaceAll('"', '')));
  const random = rng(20261125);
  const out = lines.map((l) =>
    l
      .split(',')
      .map((v, j) => (cols[j] && random() < 0.04 ? '*' : v))
      .join(','),
  );
  return dataFile('testdata-wild.csv', `${[head, ...out].join('\n')}\n`);
}

/** Runs a trial that writes no record-risk.csv (no per-record output, or the attack skipped). */
async function runBare(engine: 'local' | 'duckdb' | 'clickhouse', flags: RunFlags) {
  const out = tmp(`reidgate-suda-${engine}-`);
  return runTrial(resolveTrial(undefined, { workers: '2', format: 'json', ...flags, engine, out }));
}

/** EDGE.mixed with missing values in an integer column (a) and a text column (b), for typed tables. */
const TYPED_CSV = EDGE.mixed.replace('3,z,r,0', '3,,r,0').replace('2,y,q,1', ',y,q,1');

const engines: Array<{ name: 'duckdb' | 'clickhouse'; skip: string | null }> = [
  { name: 'duckdb', skip: null },
  { name: 'clickhouse', skip: await clusterMissing() },
];

for (const { name, skip } of engines) {
  describe.skipIf(skip !== null)(
    `suda on --engine ${name} = --engine local${skip ? ` (${skip})` : ''}`,
    () => {
      it('Adult, 8 QIs: 46,648 MSUs as in sdcMicro, every figure and record-risk.csv', async () => {
        const { duckdb } = await expectSameAttacks(
          join(TRIALS, 'adult-raw.yaml'),
          { attacks: 'suda' },
          'close',
          name,
        );
        expect(duckdb.report.attacks[0].metrics.msuCount.value).toBe(46648);
        expect(duckdb.report.attacks[0].details.msusBySize).toMatchObject({ '1': 2, '2': 1198, '8': 5 });
      }, 300_000);

      it("sdcMicro's testdata, 7 QIs, and with maxMsuSize 3", async () => {
        const flags = { release: TESTDATA, qi: TESTDATA_QI, attacks: 'suda' };
        const { duckdb } = await expectSameAttacks(undefined, flags, 'close', name);
        expect(duckdb.report.attacks[0].details.sampleUniques).toBe(157);
        await expectSameAttacks(undefined, { ...flags, sudaMaxSize: '3' }, 'close', name);
      }, 300_000);

      for (const [label, text] of Object.entries(EDGE)) {
        it(`edge case: ${label}`, async () => {
          const release = dataFile(`${label}.csv`, text);
          const qi = text.split('\n')[0];
          await expectSameAttacks(undefined, { release, qi, attacks: 'suda' }, 'close', name);
        }, 120_000);
      }

      it('--no-record-risk: the same figures from aggregates only', async () => {
        const release = dataFile('mixed.csv', EDGE.mixed);
        const flags = { release, qi: 'a,b,c,d', attacks: 'suda', recordRisk: false };
        const local = await runBare('local', flags);
        const other = await runBare(name, flags);
        expect(other.report.attacks[0].metrics).toEqual(local.report.attacks[0].metrics);
      }, 120_000);

      for (const [label, text] of Object.entries(WILD)) {
        it(`--wildcard: ${label}, the MSUs of the definition, every figure and per-record score`, async () => {
          const release = dataFile(`wild-${label}.csv`, text);
          const qi = text.split('\n')[0];
          const flags = { release, qi, attacks: 'suda', wildcard: '*,~' };
          const { local, duckdb } = await expectSameAttacks(undefined, flags, 'close', name);
          const [a, b] = [local.report.attacks[0], duckdb.report.attacks[0]];
          expect(a.details.msusBySize).toEqual(bruteMsus(text));
          expect(b.details.msusBySize).toEqual(bruteMsus(text));
          expect(b.method).toMatch(/wildcards match every value/);
        }, 120_000);
      }

      it("--wildcard: the engine answers what the local engine answers (MSUs per mask, rows by score, each row's score)", async () => {
        const cases = [
          ...Object.entries(WILD).map(([label, text]) => ({
            release: dataFile(`wild-${label}.csv`, text),
            qi: text.split('\n')[0],
          })),
          { release: wildTestdata(), qi: TESTDATA_QI },
        ];
        const pool = new WorkerPool(2);
        try {
          for (const { release, qi } of cases) {
            const trial = resolveTrial(undefined, { release, qi, wildcard: '*,~', engine: name, out: tmp() });
            const opened =
              name === 'duckdb'
                ? await openDuckDbTrial(trial, () => {})
                : await openClickHouseTrial(trial, () => {});
            try {
              const columns = qi.split(',');
              const wildcards = new Set(['*', '~']);
              const t = encodeTable(
                (await loadTable(release)).table,
                columns.map((c) => ({ name: c, kind: 'categorical' as const, wildcards })),
                'release',
              );
              const local = new LocalEngine({ release: t }, pool);
              for (const maxSize of [columns.length, 2]) {
                const q = {
                  role: 'release' as const,
                  columns,
                  maxSize,
                  weights: msuWeights(Math.max(3, columns.length), maxSize),
                  wildcard: true,
                  perRecord: true,
                };
                const x = await local.subsetUniques(q);
                const y = await opened.engine.subsetUniques!(q);
                expect(x.truncated).toBe(false);
                expect({ ...y, perRecord: [...y.perRecord!] }, `${release} up to ${maxSize}`).toEqual({
                  ...x,
                  perRecord: [...x.perRecord!],
                });
              }
            } finally {
              await opened.engine.close();
            }
          }
        } finally {
          await pool.close();
        }
      }, 300_000);

      it('--wildcard: the matches through wildcards change the MSUs (the test sees them)', async () => {
        const release = dataFile('wild-onlyVia.csv', WILD.onlyViaWildcards);
        const flags = { release, qi: 'a,b,c', attacks: 'suda' };
        const exact = await runOn(name, undefined, flags);
        const wild = await runOn(name, undefined, { ...flags, wildcard: '*' });
        expect(wild.report.attacks[0].metrics.msuCount.value).not.toBe(
          exact.report.attacks[0].metrics.msuCount.value,
        );
        expect(wild.recordRisk).not.toBe(exact.recordRisk);
      }, 120_000);

      it("--wildcard: sdcMicro's testdata with 4% of the QI cells a wildcard (seeded), and maxMsuSize 3", async () => {
        const flags = { release: wildTestdata(), qi: TESTDATA_QI, attacks: 'suda', wildcard: '*' };
        const { local } = await expectSameAttacks(undefined, flags, 'close', name);
        expect(local.report.attacks[0].metrics.msuCount.value).toBeGreaterThan(0);
        await expectSameAttacks(undefined, { ...flags, sudaMaxSize: '3' }, 'close', name);
      }, 300_000);
    },
  );
}

describe('suda on a typed DuckDB table used in place', () => {
  it('integer and text columns with NULLs give the figures of the same values read from CSV locally', async () => {
    const csv = dataFile('typed.csv', TYPED_CSV);
    const db = join(tmp('reidgate-suda-db-'), 'data.duckdb');
    const inst = await DuckDBInstance.create(db);
    const conn = await inst.connect();
    await conn.run(
      `CREATE TABLE rel AS SELECT TRY_CAST(a AS INTEGER) AS a, b, c, TRY_CAST(d AS INTEGER) AS d FROM read_csv('${csv}', all_varchar = true, header = true)`,
    );
    conn.closeSync();
    inst.closeSync();
    const flags = { qi: 'a,b,c,d', attacks: 'suda', recordRisk: false };
    const local = await runBare('local', { ...flags, release: csv });
    const inPlace = await runBare('duckdb', { ...flags, release: `${db}#rel` });
    expect(inPlace.report.attacks[0].status).toBe('ok');
    expect(inPlace.report.attacks[0].metrics).toEqual(local.report.attacks[0].metrics);
    expect(inPlace.report.attacks[0].details).toEqual(local.report.attacks[0].details);
    expect(inPlace.report.attacks[0].warnings).toEqual(local.report.attacks[0].warnings);
    expect(local.report.attacks[0].metrics.msuCount.value).toBeGreaterThan(0);
  }, 120_000);
});

const chMissing = await clusterMissing();

describe.skipIf(chMissing !== null)(
  `suda on a typed ClickHouse table used in place${chMissing ? ` (${chMissing})` : ''}`,
  () => {
    it('Nullable and typed columns give the figures and record-risk.csv of the same values read from CSV locally', async () => {
      const csv = dataFile('typed.csv', TYPED_CSV);
      const table = `default.rg_test_suda_${process.pid}`;
      await sql(URLS[0], `DROP TABLE IF EXISTS ${table}`);
      await sql(
        URLS[0],
        `CREATE TABLE ${table} (reidgate_row UInt32, a Nullable(Int32), b Nullable(String), c String, d Int32) ENGINE = MergeTree ORDER BY c`,
      );
      await sql(
        URLS[0],
        `INSERT INTO ${table} FORMAT TabSeparated`,
        '7\t3\t\\N\tr\t0\n0\t1\tx\tp\t0\n1\t1\ty\tp\t0\n2\t2\tx\tq\t0\n3\t\\N\ty\tq\t1\n4\t1\tx\tq\t1\n5\t2\tx\tp\t1\n6\t2\tx\tp\t1\n',
      );
      try {
        const flags = { qi: 'a,b,c,d', attacks: 'suda' };
        const local = await runOn('local', undefined, { ...flags, release: csv });
        const inPlace = await runOn('clickhouse', undefined, {
          ...flags,
          release: `clickhouse://${new URL(URLS[0]).host}/${table}`,
        });
        const [a, b] = [local.report.attacks[0], inPlace.report.attacks[0]];
        expect(b.status, b.reason).toBe('ok');
        expect(b.metrics).toEqual(a.metrics);
        expect(b.details).toEqual(a.details);
        expect(b.warnings).toEqual(a.warnings);
        expect(a.metrics.msuCount.value).toBeGreaterThan(0);
        expect(inPlace.recordRisk).toBe(local.recordRisk);
      } finally {
        await sql(URLS[0], `DROP TABLE IF EXISTS ${table}`);
      }
    }, 120_000);
  },
);

describe('the subsets the SQL plan counts', () => {
  it('every subset of 1 … k of m columns once, by size then mask; wide searches refused', () => {
    const levels = subsetMasksBySize(5, 3);
    expect(levels.map((l) => l.length)).toEqual([5, 10, 10]);
    for (const [i, level] of levels.entries()) {
      expect(level).toEqual([...level].sort((a, b) => a - b));
      for (const mask of level) expect(mask.toString(2).replaceAll('0', '').length).toBe(i + 1);
    }
    expect(new Set(levels.flat()).size).toBe(25);
    expect(subsetMasksBySize(30, 1).flat()).toEqual(Array.from({ length: 30 }, (_, j) => 2 ** j));
    expect(subsetCount(10, 10)).toBe(1023);
    expect(() => checkSubsetCount('duckdb', 16, 16)).not.toThrow();
    expect(() => checkSubsetCount('duckdb', 17, 17)).toThrow(/131071 QI subsets.*--suda-max-size/);
    expect(() => checkSubsetCount('duckdb', 30, 3)).not.toThrow();
  });

  it('a run with too many subsets stops with exit 2 naming --suda-max-size, and runs when bounded', async () => {
    const names = Array.from({ length: 17 }, (_, j) => `q${j}`);
    const rows = [0, 1, 2].map((i) => names.map((_, j) => (i * (j + 1)) % 3).join(','));
    const release = dataFile('wide.csv', `${[names.join(','), ...rows].join('\n')}\n`);
    const flags = { release, qi: names.join(','), attacks: 'suda' };
    await expect(runBare('duckdb', flags)).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringMatching(/131071 QI subsets.*--suda-max-size/),
    });
    const bounded = await runBare('duckdb', { ...flags, sudaMaxSize: '2' });
    expect(bounded.report.attacks[0].status).toBe('ok');
  }, 120_000);
});
