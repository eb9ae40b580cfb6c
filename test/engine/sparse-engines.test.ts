/**
 * Linkage's sparse method (Narayanan–Shmatikov scoreboard) on --engine duckdb and clickhouse gives
 * the figures --engine local gives (exact for counts, 1e-9 for rates and eccentricities: the linkage
 * attack's metrics, per-method details and curves, warnings, method notes, verdict): on the mini
 * cohort fixture and a generated 2,000-patient cohort (test/attacks/sparse-cohort.ts), codes and
 * dated events (with a date tolerance), with and without demographics, with wrong and forgotten
 * items, and on the bundled weak cohort; with the other linkage methods (rows fetched) sparse still
 * counts through the engine. ClickHouse cases skip, saying why, when no cluster answers.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSparseCohort } from '../attacks/sparse-cohort.js';
import { ROOT, tmp } from '../cli/helpers.js';
import { clusterMissing } from './clickhouse-cluster.js';
import { type EngineRun, expectSameAttacks, runOn, sameDeep } from './helpers.js';

const MINI = join(ROOT, 'test/fixtures/cohort-mini/trial.yaml');
const TRIALS = join(ROOT, 'datasets/trials');
const missing = await clusterMissing();
if (missing) it.skip(`--engine clickhouse sparse linkage tests: ${missing}`, () => {});

const cohort = writeSparseCohort(tmp('reidgate-sparse-engines-'), 2000);

/** Runs sparse linkage alone on local and `engine` and compares; returns the engine's sparse details. */
async function same(engine: 'duckdb' | 'clickhouse', path: string, options: string[]) {
  const { duckdb: other } = await expectSameAttacks(
    path,
    { attacks: 'linkage', option: ['linkage.methods=sparse', ...options] },
    'bytes',
    engine,
  );
  const a = other.report.attacks.find((x) => x.id === 'linkage')!;
  const methods = a.details.methods as Record<string, Record<string, number>>;
  expect(methods.sparse, 'sparse ran').toBeDefined();
  return { methods, metrics: a.metrics };
}

/** Small batches of targets (the engines' bound on pairs scored together) give the same figures. */
async function batched(engine: 'duckdb' | 'clickhouse') {
  process.env.REIDGATE_SPARSE_BATCH_PAIRS = '100000';
  try {
    await same(engine, cohort.weak, ['linkage.sparseItems=4', 'linkage.sparseWrong=0.25']);
    await same(engine, cohort.leak, ['linkage.sparseItems=2', 'linkage.sparseDates=true']);
  } finally {
    delete process.env.REIDGATE_SPARSE_BATCH_PAIRS;
  }
}

/** The cases, each run on every engine. */
const CASES: Array<[string, () => string, string[], (m: Record<string, Record<string, number>>) => void]> = [
  [
    'mini cohort, codes, demographics',
    () => MINI,
    ['linkage.sparseItems=3', 'linkage.sparsePhi=1'],
    () => {},
  ],
  [
    'mini cohort, dated events, no demographics',
    () => MINI,
    ['linkage.sparseItems=2', 'linkage.sparseDates=true', 'linkage.sparseQi=false'],
    () => {},
  ],
  [
    'generated cohort (weak), codes with demographics',
    () => cohort.weak,
    ['linkage.sparseItems=4'],
    (m) => expect(m.sparse.targetsScored).toBe(2000),
  ],
  [
    'generated cohort (weak), 1 wrong and some forgotten of 5 codes, no demographics',
    () => cohort.weak,
    [
      'linkage.sparseItems=5',
      'linkage.sparseWrong=0.2',
      'linkage.sparseMissing=0.1',
      'linkage.sparseQi=false',
    ],
    (m) => {
      expect(m.sparse.wrongItems).toBeGreaterThan(1900);
      expect(m.sparse.forgottenItems).toBeGreaterThan(0);
    },
  ],
  [
    'generated cohort (leak), dated events ±3 days, a wrong one, with demographics',
    () => cohort.leak,
    [
      'linkage.sparseItems=3',
      'linkage.sparseDates=true',
      'linkage.sparseDateTolerance=3',
      'linkage.sparseWrong=0.34',
    ],
    (m) => expect(m.sparse.wrongItems).toBeGreaterThan(1900),
  ],
  [
    'generated cohort (strong: suppressed codes, wildcards), codes, one table',
    () => cohort.strong,
    ['linkage.sparseItems=4', 'linkage.tables=diagnoses'],
    () => {},
  ],
  [
    'generated cohort (disjoint: no true record), ties and absent targets',
    () => cohort.disjoint,
    ['linkage.sparseItems=2'],
    () => {},
  ],
];

describe('sparse linkage on DuckDB: the same numbers as on the local engine', () => {
  for (const [what, path, options, check] of CASES) {
    it(what, async () => check((await same('duckdb', path(), options)).methods));
  }

  it('targets scored in many small batches (REIDGATE_SPARSE_BATCH_PAIRS=100000), coded and dated', async () => {
    await batched('duckdb');
  });

  it('the bundled weak cohort (5,000 patients), 4 known codes', async () => {
    const { metrics } = await same('duckdb', join(TRIALS, 'cohort-weak.yaml'), ['linkage.sparseItems=4']);
    expect(metrics.reidentificationRate.value).toBeGreaterThan(0.95);
  });

  it('with the other methods (rows fetched), sparse still counts through the engine', async () => {
    const flags = { attacks: 'linkage', option: ['linkage.sparseItems=3', 'linkage.sparsePhi=1'] };
    const sparseOf = (r: EngineRun) =>
      (r.report.attacks[0].details.methods as Record<string, unknown>).sparse as Record<string, unknown>;
    const local = await runOn('local', MINI, flags);
    const duck = await runOn('duckdb', MINI, flags);
    expect(duck.report.attacks[0].status).toBe('ok');
    expect(sparseOf(duck), 'sparse ran on the fetched plan').toBeDefined();
    sameDeep(sparseOf(local), sparseOf(duck), 'sparse');
  });
});

describe.skipIf(missing !== null)(
  'sparse linkage on ClickHouse: the same numbers as on the local engine',
  () => {
    for (const [what, path, options, check] of CASES) {
      it(what, async () => check((await same('clickhouse', path(), options)).methods));
    }

    it('targets scored in many small batches (REIDGATE_SPARSE_BATCH_PAIRS=100000), coded and dated', async () => {
      await batched('clickhouse');
    });
  },
);
