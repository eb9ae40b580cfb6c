/**
 * Relational trials on --engine duckdb: the code-sets attack's counting pushed down to DuckDB gives
 * the figures --engine local gives (exact for counts, 1e-9 for rates: metrics, details, tables,
 * method notes, verdict), on the bundled cohort trials (weak and strong releases, with and without
 * demographics), on a release-only trial, and on Parquet event files read in place; rare-values'
 * aggregates pushed down too (the cohort trials and the mini cohort with its options); trajectory's
 * counting pushed down too (weak and strong cohorts, with and without demographics, declared date
 * shifts with windows clipped, release-only, event files in reversed row order: trajectory-cases.ts);
 * bad event tables stop the run with the local loader's one-line message (exit 2). (Relational trials on ClickHouse:
 * clickhouse-relational.test.ts.)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { exitCodeFor, isReidgateError } from '../../src/errors.js';
import { runTrial } from '../../src/run/run-trial.js';
import { type RunFlags, resolveTrial } from '../../src/trial/resolve.js';
import { cli, ROOT, tmp } from '../cli/helpers.js';
import { BAD_INPUTS, eventsOf, MINI, miniCopy } from '../relational/helpers.js';
import { expectSameAttacks } from './helpers.js';
import { trajectoryCases } from './trajectory-cases.js';

const TRIALS = join(ROOT, 'datasets/trials');

/** Runs a trial on an engine; the report and exit code, or the ReidgateError it stopped with. */
async function attempt(engine: 'local' | 'duckdb', path: string, flags: RunFlags = {}) {
  const out = tmp(`reidgate-relational-${engine}-`);
  try {
    const trial = resolveTrial(path, { workers: '2', format: 'json', ...flags, engine, out });
    return { result: await runTrial(trial), error: undefined };
  } catch (e) {
    if (!isReidgateError(e)) throw e;
    return { result: undefined, error: e };
  }
}

describe('code-sets on DuckDB: the same numbers as on the local engine', () => {
  for (const name of ['cohort-weak', 'cohort-strong']) {
    it(`${name} (original patients as targets, demographics known)`, async () => {
      const { duckdb } = await expectSameAttacks(join(TRIALS, `${name}.yaml`), {
        attacks: 'code-sets,rare-values,uniqueness',
      });
      const a = duckdb.report.attacks.find((x) => x.id === 'code-sets')!;
      expect(a.metrics.targets.value).toBe(5000);
      expect(a.details.mode).toBe('original');
      expect(a.details.eventTables).toEqual(['diagnoses', 'prescriptions']);
      expect(a.metrics.uniqueShareM1.n).toBe(5000);
      // The event files are in the report's inputs, as on the local engine.
      expect(Object.keys(duckdb.report.inputs).sort()).toContain('events.diagnoses.release');
    });
  }

  it('cohort-weak without demographics, m up to 4, one event table', async () => {
    await expectSameAttacks(join(TRIALS, 'cohort-weak.yaml'), {
      attacks: 'code-sets,uniqueness',
      option: ['code-sets.qi=false', 'code-sets.m=4', 'code-sets.tables=prescriptions'],
    });
  });

  it('release-only (no original event tables): release patients as targets, their own class', async () => {
    const { path } = miniCopy({}, (t) => {
      for (const e of eventsOf(t)) delete e.original;
    });
    const { duckdb } = await expectSameAttacks(path, { attacks: 'code-sets,uniqueness' });
    const a = duckdb.report.attacks.find((x) => x.id === 'code-sets')!;
    expect(a.details.mode).toBe('release');
    expect(a.metrics.targets.value).toBe(6);
    await expectSameAttacks(path, { attacks: 'code-sets,uniqueness', option: ['code-sets.qi=false'] });
  });

  it('Parquet event files read in place', async () => {
    const { dir, path } = miniCopy({}, (t) => {
      eventsOf(t)[0].release = 'release/diagnoses.parquet';
    });
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const csv = join(MINI, 'release/diagnoses.csv');
    await conn.run(
      `COPY (SELECT * FROM read_csv('${csv}', all_varchar = true)) TO '${join(dir, 'release/diagnoses.parquet')}' (FORMAT parquet)`,
    );
    conn.closeSync();
    db.closeSync();
    await expectSameAttacks(path, { attacks: 'code-sets,uniqueness' });
  });
});

describe('rare-values on DuckDB: the same numbers as on the local engine', () => {
  it('the mini cohort: N = 2 (rare codes, an extreme BMI), pairs, ages ≥ 100 with a reference year', async () => {
    const { path } = miniCopy();
    const { duckdb } = await expectSameAttacks(path, {
      attacks: 'rare-values,uniqueness',
      option: ['rare-values.n=2'],
    });
    const a = duckdb.report.attacks.find((x) => x.id === 'rare-values')!;
    // As test/attacks/code-sets.test.ts finds on the local engine.
    expect(a.metrics.rareCodes.value).toBe(3);
    expect(a.metrics.rareExtremeValues.value).toBe(1);
    expect(a.metrics.rareValues.value).toBe(4);
    const old = await expectSameAttacks(path, {
      attacks: 'rare-values,uniqueness',
      option: ['rare-values.referenceYear=2055', 'rare-values.pairs=false'],
    });
    expect(old.duckdb.report.attacks[0].metrics.rareAges.value).toBe(1);
  });
});

describe('trajectory on DuckDB: the same numbers as on the local engine', () => trajectoryCases('duckdb'));

describe('the person-level attacks on DuckDB', () => {
  it('code-sets and trajectory run there (no longer skipped)', async () => {
    const { result } = await attempt('duckdb', join(TRIALS, 'cohort-weak.yaml'), {
      attacks: 'code-sets,trajectory',
    });
    const byId = new Map(result!.report.attacks.map((a) => [a.id, a]));
    expect(byId.get('code-sets')!.status).toBe('ok');
    expect(byId.get('trajectory')!.status).toBe('ok');
  });

  it("every attack planned (none asked for by name): none is skipped for the engine, the verdict is local's", async () => {
    const { path } = miniCopy();
    const duck = (await attempt('duckdb', path, {})).result!;
    const local = (await attempt('local', path, {})).result!;
    for (const a of duck.report.attacks) expect(a.reason ?? '', a.id).not.toMatch(/not yet available/);
    expect(duck.report.attacks.find((a) => a.id === 'trajectory')!.status).toBe('ok');
    expect(duck.report.attacks.map((a) => [a.id, a.status])).toEqual(
      local.report.attacks.map((a) => [a.id, a.status]),
    );
    expect(duck.report.verdict).toBe(local.report.verdict);
    expect(duck.exitCode).toBe(local.exitCode);
  });
});

describe("bad event tables on DuckDB: the local loader's message, exit 2", () => {
  for (const [what, files, edit, message] of BAD_INPUTS) {
    it(what, async () => {
      const { path } = miniCopy(files, edit);
      const local = await attempt('local', path, { attacks: 'code-sets' });
      const duck = await attempt('duckdb', path, { attacks: 'code-sets' });
      expect(duck.error, 'duckdb accepted it').toBeDefined();
      expect(exitCodeFor(duck.error!.code)).toBe(2);
      expect(duck.error!.message).toMatch(message);
      expect(duck.error!.message).toBe(local.error!.message);
    });
  }

  it('a missing event table column, through the CLI: exit 2, one line, no report', () => {
    const { dir, path } = miniCopy({
      'release/diagnoses.csv': 'pid,date,code\np1,2021-03,E11\n',
    });
    const r = cli(['run', path, '--engine', 'duckdb', '--attacks', 'code-sets', '--out', `${dir}/out`]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/events `diagnoses` \(release .*\): column `icd10` not in .*diagnoses\.csv/);
  });

  it('an empty event file: exit 2 naming it', async () => {
    const { dir, path } = miniCopy();
    writeFileSync(join(dir, 'release/diagnoses.csv'), '');
    const duck = await attempt('duckdb', path, { attacks: 'code-sets' });
    expect(exitCodeFor(duck.error!.code)).toBe(2);
    expect(duck.error!.message).toMatch(/events diagnoses \(release\) .*diagnoses\.csv/);
  });
});
