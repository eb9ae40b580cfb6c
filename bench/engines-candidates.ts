/**
 * @module bench/engines-candidates — attacks that do not reduce to SQL on --engine local vs DuckDB
 * (suite `engines-candidates`): whole trials (runTrial: load, fetch, attack, reports) of
 * - membership (1000 targets per class, 100 bootstrap resamples) and linkage (every method, 1000
 *   targets) on the Anonymeter Adult fixtures (release: CTGAN synthetic, 4000 rows; original: the
 *   4000 members; control: 4000 non-members; 10 QIs): DuckDB fetches every row (under the bound);
 * - linkage on DuckDB above the bound (--option linkage.fetchRows=3000, 300 targets): a blocked sample;
 * - linkage by Fellegi–Sunter and distance on the Adult k=5 release with its original (30,162 rows,
 *   --aligned, 1000 targets): local vs DuckDB fetching every row.
 * - with CANDIDATES_CLAIMS_ROWS=N (e.g. 1e7): linkage (Fellegi–Sunter and distance, 500 targets) on
 *   the engines only, above the bound (--option linkage.fetchRows=100000), against a claims table of N
 *   rows generalized on every QI but sex (`.bench-data/claims/N/claims.parquet`, generated when
 *   missing as bench/relational-scale.ts does; the release written beside it by DuckDB: birth_ym to
 *   the year, muni masked to `19***`, the claim date to the month, the code masked to `H2*.*`),
 *   row-aligned with the claims table as the original; DuckDB under --memory-limit 2GB: no released string equals a target's on those
 *   QIs, so only compatibility blocking (src/engine/compatible-block.ts) finds candidates.
 *   CANDIDATES_CLAIMS_ONLY=1 runs that case alone; CANDIDATES_SHOW=1 prints each run's details.sampled.
 * ENGINES=local,duckdb picks engines (clickhouse: the two-shard loopback cluster of
 * scripts/clickhouse-cluster.sh, its default credentials unless REIDGATE_CLICKHOUSE_* are set).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Bench } from 'tinybench';
import { generateClaims } from '../datasets/cohort/claims.js';
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

/** Writes the generalized claims release beside `claims` (see the module comment) when missing. */
async function generalizedClaims(claims: string, out: string): Promise<void> {
  if (existsSync(out)) return;
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  const lit = (x: string) => `'${x.replaceAll("'", "''")}'`;
  try {
    await conn.run(
      `COPY (SELECT sex, substr(birth_ym, 1, 4) AS birth_ym, substr(muni, 1, 2) || '***' AS muni, ` +
        `substr(date, 1, 7) AS date, substr(code, 1, 2) || regexp_replace(substr(code, 3), '[^.]', '*', 'g') AS code ` +
        `FROM read_parquet(${lit(claims)})) TO ${lit(out)} (FORMAT parquet)`,
    );
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

/** The claims-scale case (CANDIDATES_CLAIMS_ROWS), or none. */
async function claimsCase(
  dataDir: string,
  engines: ReadonlyArray<'local' | 'duckdb' | 'clickhouse'>,
): Promise<Array<[string, RunFlags, Array<'local' | 'duckdb' | 'clickhouse'>]>> {
  const want = process.env.CANDIDATES_CLAIMS_ROWS;
  if (!want) return [];
  const rows = Number(want);
  const dir = join(dataDir, 'claims', String(rows));
  const claims = join(dir, 'claims.parquet');
  if (!existsSync(claims)) await generateClaims({ rows, seed: 1, out: dir, format: 'parquet' });
  const release = join(dir, 'claims-generalized.parquet');
  await generalizedClaims(claims, release);
  return [
    [
      `linkage blocked (fetchRows=100000, compatible blocks), claims ${rows} rows generalized (birth year, muni mask, claim month, code mask) aligned, 5 QIs, 500 targets`,
      {
        release,
        original: claims,
        aligned: true,
        qi: 'sex,birth_ym:date,muni,date:date,code',
        targets: '500',
        attacks: 'linkage',
        option: ['linkage.fetchRows=100000', 'linkage.methods=probabilistic,distance'],
        memoryLimit: '2GB',
      },
      engines.filter((e) => e !== 'local'),
    ],
  ];
}

/**
 * Adds the tasks to `bench`.
 * @param bench - the tinybench instance
 * @param dataDir - where the trials' outputs go
 */
export async function registerEngineCandidateBenchmarks(bench: Bench, dataDir: string): Promise<void> {
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
    ...(await claimsCase(dataDir, engines)),
  ];
  const only = process.env.CANDIDATES_CLAIMS_ONLY === '1' ? cases.slice(3) : cases;
  for (const [label, flags, on] of only) {
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
        const sampled = report.attacks.find((a) => a.id === 'linkage')?.details.sampled;
        if (process.env.CANDIDATES_SHOW && sampled) console.log(`${engine}: ${JSON.stringify(sampled)}`);
      });
    }
  }
}
