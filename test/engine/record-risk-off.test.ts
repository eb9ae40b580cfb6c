/**
 * --no-record-risk (trial `recordRisk: false`): no record-risk.csv, the report says per-record output was
 * turned off, the metrics are those of the run with per-record output, and the engine is never asked for
 * per-row class sizes. Also: a Parquet release read in place (a view over read_parquet, rows numbered by
 * file_row_number) keeps the file's row order across many row groups and two threads.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DuckDbEngine } from '../../src/engine/duckdb.js';
import { addInput } from '../../src/engine/duckdb-load.js';
import { LocalEngine } from '../../src/engine/local.js';
import type { ClassQuery } from '../../src/engine/types.js';
import type { Report } from '../../src/report/model.js';
import { runTrial } from '../../src/run/run-trial.js';
import { resolveTrial } from '../../src/trial/resolve.js';
import { cli, ROOT, tmp } from '../cli/helpers.js';

const dir = tmp('reidgate-record-risk-off-');
const parquet = join(dir, 'claims-like.parquet');
const QI = 'a,b,c';

beforeAll(async () => {
  // 20,000 rows in row groups of 1,000: a few hundred classes, many uniques.
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run(
    `COPY (SELECT 'a' || (i * 7 % 13) AS a, 'b' || (i * 3 % 29) AS b, CASE WHEN i % 97 = 0 THEN NULL ELSE 'c' || (i % 41) END AS c ` +
      `FROM range(20000) t(i)) TO '${parquet}' (FORMAT parquet, ROW_GROUP_SIZE 1000)`,
  );
  conn.closeSync();
  db.closeSync();
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Runs uniqueness on `engine` with per-record output on or off. */
async function run(engine: 'local' | 'duckdb', recordRisk: boolean) {
  const out = tmp(`reidgate-rr-${engine}-`);
  const trial = resolveTrial(undefined, {
    release: parquet,
    qi: QI,
    attacks: 'uniqueness',
    engine,
    recordRisk,
    workers: '2',
    format: 'json,md',
    out,
  });
  const result = await runTrial(trial);
  return { ...result, out };
}

const values = (r: Report) =>
  Object.fromEntries(Object.entries(r.attacks[0].metrics).map(([k, m]) => [k, m.value]));

describe('--no-record-risk', () => {
  for (const engine of ['local', 'duckdb'] as const) {
    it(`${engine}: no record-risk.csv, the report says so, the metrics are unchanged`, async () => {
      const asked: ClassQuery[] = [];
      const proto = engine === 'duckdb' ? DuckDbEngine.prototype : LocalEngine.prototype;
      const original = proto.classSizes;
      vi.spyOn(proto, 'classSizes').mockImplementation(function (this: unknown, q: ClassQuery) {
        asked.push(q);
        return original.call(this, q);
      });
      const on = await run(engine, true);
      expect(existsSync(join(on.out, 'record-risk.csv'))).toBe(true);
      expect(asked.some((q) => q.perRecord)).toBe(true);
      asked.length = 0;

      const off = await run(engine, false);
      expect(off.report.attacks[0].status, off.report.attacks[0].reason).toBe('ok');
      expect(existsSync(join(off.out, 'record-risk.csv'))).toBe(false);
      expect(off.written.some((f) => f.endsWith('record-risk.csv'))).toBe(false);
      // The engine was asked for aggregates only.
      expect(asked.length).toBeGreaterThan(0);
      expect(asked.every((q) => !q.perRecord)).toBe(true);
      expect(off.report.trial.recordRisk).toBe(false);
      expect(on.report.trial.recordRisk).toBe(true);
      expect(off.report.warnings.join(' ')).toMatch(/per-record output was turned off \(--no-record-risk\)/);
      expect(readFileSync(join(off.out, 'report.md'), 'utf8')).toMatch(/per-record output was turned off/);
      expect(values(off.report)).toEqual(values(on.report));
      expect(off.report.attacks[0].histograms).toEqual(on.report.attacks[0].histograms);
      expect(off.report.attacks[0].tables).toEqual(on.report.attacks[0].tables);
      expect(off.report.verdict).toBe(on.report.verdict);
      expect(off.exitCode).toBe(on.exitCode);
      expect(off.manifest.trial.recordRisk).toBe(false);
    });
  }

  // Attacks counting through an engine operation other than classSizes: the operation is spied on.
  const aggregateCases = [
    {
      attack: 'population',
      op: 'classWeights',
      flags: { qi: QI, samplingFraction: '0.1' },
      nonzero: 'individualRiskMax',
    },
    {
      attack: 'diversity',
      op: 'classValueCounts',
      flags: { qi: 'a,b', sensitive: 'c' },
      nonzero: 'tClosenessMax',
    },
  ] as const;
  for (const engine of ['local', 'duckdb'] as const) {
    for (const c of aggregateCases) {
      it(`${engine}: ${c.attack} with --no-record-risk asks for aggregates only, same metrics`, async () => {
        const asked: Array<{ perRecord?: boolean }> = [];
        const proto = engine === 'duckdb' ? DuckDbEngine.prototype : LocalEngine.prototype;
        const original = proto[c.op]! as (q: unknown) => Promise<unknown>;
        vi.spyOn(proto, c.op).mockImplementation(function (this: unknown, q: { perRecord?: boolean }) {
          asked.push(q);
          return original.call(this, q) as never;
        });
        const runAttack = async (recordRisk: boolean) => {
          const out = tmp(`reidgate-rr-${c.attack}-${engine}-`);
          const trial = resolveTrial(undefined, {
            release: parquet,
            ...c.flags,
            attacks: c.attack,
            engine,
            recordRisk,
            workers: '2',
            format: 'json',
            out,
          });
          return { ...(await runTrial(trial)), out };
        };
        const on = await runAttack(true);
        expect(on.report.attacks[0].status, on.report.attacks[0].reason).toBe('ok');
        expect(existsSync(join(on.out, 'record-risk.csv'))).toBe(true);
        expect(asked.some((q) => q.perRecord)).toBe(true);
        asked.length = 0;
        const off = await runAttack(false);
        expect(off.report.attacks[0].status, off.report.attacks[0].reason).toBe('ok');
        expect(existsSync(join(off.out, 'record-risk.csv'))).toBe(false);
        expect(asked.length).toBeGreaterThan(0);
        expect(asked.every((q) => !q.perRecord)).toBe(true);
        expect(values(off.report)).toEqual(values(on.report));
        expect(off.report.attacks[0].details).toEqual(on.report.attacks[0].details);
        expect(values(off.report)[c.nonzero]).toBeGreaterThan(0);
      });
    }
  }

  it('the CLI flag and the trial file field; the flag absent leaves the file in charge', () => {
    if (!existsSync(join(ROOT, 'dist/src/cli/main.js'))) throw new Error('run `npm run build` first');
    /** Runs the CLI on the Parquet release into a fresh folder; returns the folder. */
    const runCli = (args: string[]) => {
      const out = tmp('reidgate-rr-cli-');
      const r = cli(['run', ...args, '--out', out, '--format', 'json']);
      expect(r.code, r.stderr).toBe(1);
      expect(existsSync(join(out, 'report.json'))).toBe(true);
      return out;
    };
    const flags = ['--release', parquet, '--qi', QI, '--attacks', 'uniqueness'];
    expect(existsSync(join(runCli([...flags, '--no-record-risk']), 'record-risk.csv'))).toBe(false);
    expect(existsSync(join(runCli(flags), 'record-risk.csv'))).toBe(true);

    const trialFile = join(dir, 'trial.json');
    writeFileSync(
      trialFile,
      JSON.stringify({ release: parquet, qi: ['a', 'b', 'c'], attacks: ['uniqueness'], recordRisk: false }),
    );
    const viaFile = runCli([trialFile, '--engine', 'duckdb']);
    expect(existsSync(join(viaFile, 'record-risk.csv'))).toBe(false);
    const report = JSON.parse(readFileSync(join(viaFile, 'report.json'), 'utf8')) as Report;
    expect(report.trial.recordRisk).toBe(false);
  });

  it('resolveTrial: default true, the file field, the flag over the file', () => {
    const trialFile = join(dir, 'trial-on.json');
    writeFileSync(trialFile, JSON.stringify({ release: parquet, qi: ['a'], recordRisk: false }));
    expect(resolveTrial(undefined, { release: parquet, qi: 'a' }).recordRisk).toBe(true);
    expect(resolveTrial(trialFile, {}).recordRisk).toBe(false);
    expect(resolveTrial(trialFile, { recordRisk: true }).recordRisk).toBe(true);
  });
});

describe('a Parquet release read in place', () => {
  it('a view numbered by file row: the per-record sizes of a copy into a table and of the local engine', async () => {
    const sizes = async (inPlace: boolean) => {
      const e = await DuckDbEngine.open({ threads: 2, wildcard: [] });
      try {
        await addInput(e, 'release', parquet, { parquetInPlace: inPlace });
        const t = e.tables.get('release')!;
        expect(t.columns).toEqual(['a', 'b', 'c']);
        expect(t.rows).toBe(20000);
        const [[views]] = await e.all(
          "SELECT count(*)::INTEGER FROM duckdb_views() WHERE view_name = 'release'",
          'listing views',
        );
        expect(views).toBe(inPlace ? 1 : 0);
        return { c: await e.classSizes({ role: 'release', columns: ['a', 'b', 'c'], perRecord: true }) };
      } finally {
        await e.close();
      }
    };
    const view = await sizes(true);
    const copy = await sizes(false);
    expect(view.c.table).toEqual(copy.c.table);
    expect(view.c.classes).toBe(copy.c.classes);
    expect(view.c.missingIn).toEqual(['c']);
    expect(Array.from(view.c.perRecord!)).toEqual(Array.from(copy.c.perRecord!));
    // And the local engine's record-risk.csv equals the DuckDB one's, row by row.
    const local = await run('local', true);
    const duck = await run('duckdb', true);
    expect(readFileSync(join(duck.out, 'record-risk.csv'), 'utf8')).toBe(
      readFileSync(join(local.out, 'record-risk.csv'), 'utf8'),
    );
  });
});
