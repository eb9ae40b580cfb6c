/**
 * @module bench/engines-candidates — attacks that do not reduce to SQL on --engine local vs DuckDB
 * (suite `engines-candidates`): whole trials (runTrial: load, fetch, attack, reports) of
 * - membership (1000 targets per class, 100 bootstrap resamples) and linkage (every method, 1000
 *   targets) on the Anonymeter Adult fixtures (release: CTGAN synthetic, 4000 rows; original: the
 *   4000 members; control: 4000 non-members; 10 QIs): DuckDB fetches every row (under the bound);
 * - linkage on DuckDB above the bound (--option linkage.fetchRows=3000, 300 targets): a blocked sample;
 * - linkage by Fellegi–Sunter and distance on the Adult k=5 release with its original (30,162 rows,
 *   --aligned, 1000 targets): local vs DuckDB fetching every row.
 * ENGINES=local,duckdb picks engines (clickhouse: the two-shard loopback cluster of
 * scripts/clickhouse-cluster.sh, its default credentials unless REIDGATE_CLICKHOUSE_* are set).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Bench } from 'tinybench';
import { runTrial } from '../src/run/run-trial.js';
import { type RunFlags, resolveTrial } from '../src/trial/resolve.js';
import { ADULT_QI_FLAG, FILES } from '../test/fixtures/anonymeter/load.js';

/** The Anonymeter fixtures unpacked into `dataDir` (run from the repository root, as `npm run bench`). */
function unpack(dataDir: string): Record<keyof typeof FILES, string> {
  const out = {} as Record<keyof typeof FILES, string>;
  for (const [name, file] of Object.entries(FILES) as Array<[keyof typeof FILES, string]>) {
    out[name] = join(dataDir, file);
    writeFileSync(out[name], gunzipSync(readFileSync(join('test/fixtures/anonymeter', `${file}.gz`))));
  }
  return out;
}

/**
 * Adds the tasks to `bench`.
 * @param bench - the tinybench instance
 * @param dataDir - where the trials' outputs go
 */
export function registerEngineCandidateBenchmarks(bench: Bench, dataDir: string): void {
  const engines = (process.env.ENGINES ?? 'local,duckdb').split(',') as Array<
    'local' | 'duckdb' | 'clickhouse'
  >;
  process.env.REIDGATE_CLICKHOUSE_USER ??= 'reidgate';
  process.env.REIDGATE_CLICKHOUSE_PASSWORD ??= 'reidgate-secret';
  const fx = unpack(dataDir);
  const adult = join('datasets', 'adult');
  const cases: Array<[string, RunFlags, Array<'local' | 'duckdb' | 'clickhouse'>]> = [
    [
      'membership + linkage (every method), Anonymeter Adult 3 × 4000 rows, 10 QIs, 1000 targets',
      {
        release: fx.ctgan,
        original: fx.members,
        control: fx.control,
        qi: ADULT_QI_FLAG,
        targets: '1000',
        attacks: 'membership,linkage',
        option: ['membership.resamples=100'],
      },
      engines,
    ],
    [
      'linkage blocked (fetchRows=3000), Anonymeter Adult 3 × 4000 rows, 300 targets',
      {
        release: fx.ctgan,
        original: fx.members,
        control: fx.control,
        qi: ADULT_QI_FLAG,
        targets: '300',
        attacks: 'linkage',
        option: ['linkage.fetchRows=3000', 'linkage.methods=exact,probabilistic,distance'],
      },
      engines.filter((e) => e !== 'local'),
    ],
    [
      'linkage (probabilistic, distance), Adult k=5 30,162 rows aligned, 8 QIs, 1000 targets',
      {
        release: join(adult, 'adult_k5_release.csv'),
        original: join(adult, 'adult.csv'),
        aligned: true,
        qi: 'age,sex,race,marital-status,education,native-country,workclass,occupation',
        targets: '1000',
        attacks: 'linkage',
        option: ['linkage.methods=probabilistic,distance'],
      },
      engines,
    ],
  ];
  for (const [label, flags, on] of cases) {
    for (const engine of on) {
      bench.add(`${engine}: ${label}, 2 workers`, async () => {
        const trial = resolveTrial(undefined, {
          ...flags,
          workers: '2',
          format: 'json',
          engine,
          out: join(dataDir, `engines-candidates-${engine}`),
        });
        const { report } = await runTrial(trial);
        const bad = report.attacks.find((a) => a.status !== 'ok');
        if (bad) throw new Error(`${bad.id}: ${bad.reason}`);
      });
    }
  }
}
