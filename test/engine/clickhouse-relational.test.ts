/**
 * Relational trials on --engine clickhouse (the two-shard loopback cluster of
 * scripts/clickhouse-cluster.sh): the code-sets attack's counting pushed down to ClickHouse gives the
 * figures --engine local gives (exact for counts, 1e-9 for rates: metrics, details, tables, method
 * notes, verdict) on the bundled cohort trials (weak and strong releases, with and without
 * demographics) and on a release-only trial; rare-values' aggregates too (the cohort trials, the mini
 * cohort with its options); trajectory's counting too (trajectory-cases.ts: the cases DuckDB is held
 * to); a bad event table stops the run with the local loader's message (exit 2), and person
 * tables used in place (clickhouse://) are refused (exit 2). Skips, saying why, when no cluster answers.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeFor, isReidgateError } from '../../src/errors.js';
import { runTrial } from '../../src/run/run-trial.js';
import { resolveTrial } from '../../src/trial/resolve.js';
import { ROOT, tmp } from '../cli/helpers.js';
import { BAD_INPUTS, eventsOf, miniCopy } from '../relational/helpers.js';
import { clusterMissing, sql, URLS } from './clickhouse-cluster.js';
import { expectSameAttacks } from './helpers.js';
import { trajectoryCases } from './trajectory-cases.js';

const TRIALS = join(ROOT, 'datasets/trials');
const missing = await clusterMissing();

if (missing) it.skip(`--engine clickhouse relational tests: ${missing}`, () => {});

describe.skipIf(missing !== null)('code-sets on ClickHouse: the same numbers as on the local engine', () => {
  for (const name of ['cohort-weak', 'cohort-strong']) {
    it(`${name} (original patients as targets, demographics known)`, async () => {
      const { duckdb: ch } = await expectSameAttacks(
        join(TRIALS, `${name}.yaml`),
        { attacks: 'code-sets,rare-values,uniqueness' },
        'bytes',
        'clickhouse',
      );
      const a = ch.report.attacks.find((x) => x.id === 'code-sets')!;
      expect(a.metrics.targets.value).toBe(5000);
      expect(a.details.mode).toBe('original');
      expect(a.details.eventTables).toEqual(['diagnoses', 'prescriptions']);
      expect(Object.keys(ch.report.inputs)).toContain('events.diagnoses.release');
    });
  }

  it('cohort-weak without demographics, m up to 4, one event table', async () => {
    await expectSameAttacks(
      join(TRIALS, 'cohort-weak.yaml'),
      {
        attacks: 'code-sets,uniqueness',
        option: ['code-sets.qi=false', 'code-sets.m=4', 'code-sets.tables=prescriptions'],
      },
      'bytes',
      'clickhouse',
    );
  });

  it('release-only (no original event tables): release patients as targets, their own class', async () => {
    const { path } = miniCopy({}, (t) => {
      for (const e of eventsOf(t)) delete e.original;
    });
    const { duckdb: ch } = await expectSameAttacks(
      path,
      { attacks: 'code-sets,uniqueness' },
      'bytes',
      'clickhouse',
    );
    const a = ch.report.attacks.find((x) => x.id === 'code-sets')!;
    expect(a.details.mode).toBe('release');
    expect(a.metrics.targets.value).toBe(6);
    await expectSameAttacks(
      path,
      { attacks: 'code-sets,uniqueness', option: ['code-sets.qi=false'] },
      'bytes',
      'clickhouse',
    );
  });

  it('the mini cohort (original targets, m = 1 … 3)', async () => {
    const { path } = miniCopy();
    await expectSameAttacks(path, { attacks: 'code-sets,uniqueness' }, 'bytes', 'clickhouse');
  });
});

describe.skipIf(missing !== null)(
  'rare-values on ClickHouse: the same numbers as on the local engine',
  () => {
    it('the mini cohort: N = 2 (rare codes, an extreme BMI), pairs, ages ≥ 100 with a reference year', async () => {
      const { path } = miniCopy();
      const { duckdb: ch } = await expectSameAttacks(
        path,
        { attacks: 'rare-values,uniqueness', option: ['rare-values.n=2'] },
        'bytes',
        'clickhouse',
      );
      const a = ch.report.attacks.find((x) => x.id === 'rare-values')!;
      // As test/attacks/code-sets.test.ts finds on the local engine.
      expect(a.metrics.rareCodes.value).toBe(3);
      expect(a.metrics.rareExtremeValues.value).toBe(1);
      expect(a.metrics.rareValues.value).toBe(4);
      const old = await expectSameAttacks(
        path,
        {
          attacks: 'rare-values,uniqueness',
          option: ['rare-values.referenceYear=2055', 'rare-values.pairs=false'],
        },
        'bytes',
        'clickhouse',
      );
      expect(old.duckdb.report.attacks[0].metrics.rareAges.value).toBe(1);
    });
  },
);

describe.skipIf(missing !== null)('trajectory on ClickHouse: the same numbers as on the local engine', () =>
  trajectoryCases('clickhouse'),
);

describe.skipIf(missing !== null)('relational trials on ClickHouse: every attack runs, bad input', () => {
  it('code-sets, rare-values and trajectory all run there; none is skipped for the engine', async () => {
    const { path } = miniCopy();
    const trial = resolveTrial(path, {
      workers: '2',
      format: 'json',
      engine: 'clickhouse',
      out: tmp('reidgate-ch-rel-'),
      attacks: 'code-sets,rare-values,trajectory',
    });
    const r = await runTrial(trial);
    for (const a of r.report.attacks) expect(a.status, `${a.id}: ${a.reason}`).toBe('ok');
  });

  it('person tables used in place (clickhouse://) are refused, exit 2', async () => {
    const table = `default.rg_test_relp_${process.pid}`;
    await sql(URLS[0], `DROP TABLE IF EXISTS ${table}`);
    await sql(
      URLS[0],
      `CREATE TABLE ${table} (pid String, sex String, birth_ym String, pref String) ENGINE = Memory`,
    );
    await sql(URLS[0], `INSERT INTO ${table} FORMAT TSV`, 'p1\tF\t1950\t13\n');
    try {
      const { path } = miniCopy({}, (t) => {
        t.release = `clickhouse://${new URL(URLS[0]).host}/${table}`;
      });
      const trial = resolveTrial(path, {
        workers: '2',
        engine: 'clickhouse',
        out: tmp('reidgate-ch-rel-'),
        attacks: 'code-sets',
      });
      const e = await runTrial(trial).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(isReidgateError(e) && exitCodeFor(e.code)).toBe(2);
      expect((e as Error).message).toMatch(/relational trial \(events:\) reads its person tables from files/);
    } finally {
      await sql(URLS[0], `DROP TABLE IF EXISTS ${table}`);
    }
  });

  it("a bad event table stops the run with the local loader's message, exit 2", async () => {
    const [what, files, edit] = BAD_INPUTS[0];
    const { path } = miniCopy(files, edit);
    const attempt = async (engine: 'local' | 'clickhouse') => {
      const trial = resolveTrial(path, {
        workers: '2',
        engine,
        out: tmp('reidgate-ch-rel-'),
        attacks: 'code-sets',
      });
      return runTrial(trial).then(
        () => undefined,
        (e: unknown) => e,
      );
    };
    const local = await attempt('local');
    const ch = await attempt('clickhouse');
    expect(isReidgateError(ch) && exitCodeFor(ch.code), what).toBe(2);
    expect((ch as Error).message).toBe((local as Error).message);
  });
});
