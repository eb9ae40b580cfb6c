/**
 * @module bench/relational-scale — a relational trial at claims scale (issue 8): code-sets (m ≤ 3, at most
 * 10,000 original patients as targets, demographics known), trajectory (k ≤ 4 dated events, the same
 * targets, no demographics) and linkage's sparse method (`sparse`: the Narayanan–Shmatikov scoreboard, 4
 * known codes of which 1 wrong, demographics known, the same targets) on the local engine, on DuckDB under a
 * memory limit and on the ClickHouse cluster (suite `relational-scale`).
 *
 * Data: the cohort's claims table (datasets/cohort/claims.ts, seed 1) as Parquet, generated into
 * `.bench-data/claims/N/claims.parquet` when missing (shared with bench/scale.ts), and its person table
 * `persons.parquet` (pid and the demographics `sex,birth_ym,pref,muni`, one row per patient) derived from it
 * by DuckDB. The trial: person table and event table are release and original at once (an unprotected
 * claims release: the attacker knows a patient's demographics and m of its codes), key `pid`, one event
 * table `claims` (`code`, code system `any`, dates to the day). Each task runs the whole trial
 * (`runTrial`: load, checks, the one attack, report) with --no-record-risk and records wall time, the phases
 * and the peak RSS of the process (DuckDB runs in-process); the tasks also check that both engines give the
 * same metrics.
 *
 * REL_SCALE_ROWS (default 1e6) sizes; REL_SCALE_ATTACKS (default code-sets,trajectory; `sparse` adds sparse
 * linkage); REL_SCALE_ENGINES (default local,duckdb; `clickhouse` adds the two-shard cluster of
 * scripts/clickhouse-cluster.sh, every attack above, with REIDGATE_CLICKHOUSE_USER / _PASSWORD set: the files are
 * read by its embedded DuckDB, the person tables, code sets and dated events uploaded, the counting in
 * ClickHouse); REL_SCALE_LOCAL_MAX (default
 * 1e7) caps the local engine; SCALE_MEMORY (default 2GB) DuckDB's limit; SCALE_JSON=FILE merges the figures
 * into FILE as bench/scale.ts does. Run with BENCH_ITER=1 BENCH_WARMUP=0.
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Bench } from 'tinybench';
import { generateClaims } from '../datasets/cohort/claims.js';
import { runTrial } from '../src/run/run-trial.js';
import { resolveTrial } from '../src/trial/resolve.js';
import { type ScaleFigure, saveFigures } from './scale.js';

/** Writes persons.parquet (one row per patient) from claims.parquet when missing. */
async function personTable(claims: string, persons: string): Promise<void> {
  if (existsSync(persons)) return;
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;
    await conn.run(
      `COPY (SELECT pid, any_value(sex) AS sex, any_value(birth_ym) AS birth_ym, any_value(pref) AS pref, ` +
        `any_value(muni) AS muni FROM read_parquet(${lit(claims)}) GROUP BY pid ORDER BY pid) ` +
        `TO ${lit(persons)} (FORMAT parquet)`,
    );
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

/** The trial file over the claims data. */
function trialFile(dir: string): string {
  const path = join(dir, 'relational-trial.yaml');
  writeFileSync(
    path,
    [
      'name: claims (relational, unprotected)',
      'release: persons.parquet',
      'original: persons.parquet',
      'key: pid',
      'qi: [sex, { name: birth_ym, kind: date }, pref, muni]',
      'events:',
      '  - name: claims',
      '    release: claims.parquet',
      '    original: claims.parquet',
      '    code: code',
      '    date: date',
      '    codeSystem: any',
      '    datePrecision: day',
      'seed: 1',
      '',
    ].join('\n'),
  );
  return path;
}

const exp = (n: number) => n.toExponential(0).replace('+', '');

/**
 * Adds the relational scale tasks to `bench`.
 * @param bench - the tinybench instance
 * @param dataDir - where generated data is kept between runs
 */
export async function registerRelationalScaleBenchmarks(bench: Bench, dataDir: string): Promise<void> {
  const sizes = (process.env.REL_SCALE_ROWS ?? '1e6').split(',').map(Number);
  const engines = new Set((process.env.REL_SCALE_ENGINES ?? 'local,duckdb').split(','));
  const localMax = Number(process.env.REL_SCALE_LOCAL_MAX ?? 1e7);
  const memoryLimit = process.env.SCALE_MEMORY ?? '2GB';
  const attacks = (process.env.REL_SCALE_ATTACKS ?? 'code-sets,trajectory').split(',');
  const what: Record<string, [string, string]> = {
    'code-sets': ['code-sets trial (m ≤ 3, 10k targets)', 'uniqueShareM1'],
    trajectory: ['trajectory trial (k ≤ 4, 10k targets, no demographics)', 'uniqueShareK1'],
    sparse: ['sparse linkage trial (4 codes, 1 wrong, 10k targets, demographics)', 'reidentificationRate'],
  };
  // Sparse linkage is a method of the linkage attack.
  const run: Record<string, { attack: string; option?: string[] }> = {
    sparse: { attack: 'linkage', option: ['linkage.methods=sparse', 'linkage.sparseWrong=0.25'] },
  };
  const metrics = new Map<string, Map<string, string>>();
  for (const rows of sizes) {
    const dir = join(dataDir, 'claims', String(rows));
    const claims = join(dir, 'claims.parquet');
    if (!existsSync(claims)) await generateClaims({ rows, seed: 1, out: dir, format: 'parquet' });
    await personTable(claims, join(dir, 'persons.parquet'));
    const trialPath = trialFile(dir);
    const mb = (statSync(claims).size / 2 ** 20).toFixed(0);
    for (const attack of attacks)
      for (const engine of ['local', 'duckdb', 'clickhouse'] as const) {
        if (!engines.has(engine) || (engine === 'local' && rows > localMax)) continue;
        const limit = engine === 'local' ? null : memoryLimit;
        const [title, first] = what[attack] ?? [`${attack} trial`, 'targets'];
        const label = {
          local: 'local, 2 workers',
          duckdb: `duckdb ${memoryLimit}`,
          clickhouse: `clickhouse 2 shards ${memoryLimit}`,
        }[engine];
        const name = `${label}: ${title}, ${exp(rows)} event rows (${mb} MB Parquet)`;
        bench.add(name, async () => {
          let peak = process.memoryUsage().rss;
          const timer = setInterval(() => {
            peak = Math.max(peak, process.memoryUsage().rss);
          }, 25);
          const t0 = performance.now();
          try {
            const { report, manifest } = await runTrial(
              resolveTrial(trialPath, {
                attacks: run[attack]?.attack ?? attack,
                option: run[attack]?.option,
                engine,
                memoryLimit: limit ?? undefined,
                recordRisk: false,
                workers: '2',
                format: 'json',
                out: join(dir, `out-relational-${engine}`),
              }),
            );
            const a = report.attacks[0];
            if (a.status !== 'ok') throw new Error(`${attack} on ${engine}: ${a.reason}`);
            const got = JSON.stringify(a.metrics);
            const seen = metrics.get(`${attack} ${rows}`) ?? new Map<string, string>();
            metrics.set(`${attack} ${rows}`, seen);
            seen.set(engine, got);
            if (new Set(seen.values()).size !== 1)
              throw new Error(
                `${attack} at ${rows} rows: the engines' metrics differ (${[...seen.keys()].join(', ')})`,
              );
            const t = manifest.timings;
            const r2 = (x: number) => Number(x.toFixed(2));
            const fig: ScaleFigure = {
              task: name,
              series: `${attack} ${engine}`,
              rows,
              seconds: r2((performance.now() - t0) / 1000),
              peakRssMiB: Math.round(Math.max(peak, process.memoryUsage().rss) / 2 ** 20),
              memoryLimit: limit,
              measuredAt: new Date().toISOString(),
              loadAverage: Number(loadavg()[0].toFixed(1)),
              phases: { load: r2(t.loadSeconds), attacks: r2(t.attacksSeconds), write: r2(t.writeSeconds) },
            };
            console.error(
              `relational-scale: ${name}: ${fig.seconds} s (load ${fig.phases?.load}, ${attack} ${fig.phases?.attacks}), ` +
                `peak RSS ${fig.peakRssMiB} MiB, load average ${fig.loadAverage}, ${first} ${a.metrics[first]?.value}`,
            );
            if (process.env.SCALE_JSON) saveFigures(process.env.SCALE_JSON, [fig]);
          } finally {
            clearInterval(timer);
          }
        });
      }
  }
}
