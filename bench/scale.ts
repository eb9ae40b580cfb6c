/**
 * @module bench/scale — claims-scale trials (issue 8, "Scale and speed"): uniqueness over 10^6 … 10^8 event
 * rows on the local engine and on DuckDB under a memory limit (suite `scale`).
 *
 * Data: the cohort's claims table (datasets/cohort/claims.ts, seed 1) as Parquet, generated into
 * `.bench-data/claims/N/claims.parquet` when missing. QIs: SCALE_QI (default `sex,birth_ym,pref,muni,date,code`:
 * a weak claims release's demographics plus the event's exact date and code; almost every row is its own class,
 * the hard case for grouping under a memory limit).
 *
 * Per size (SCALE_ROWS, default 1e6,1e7):
 * - `duckdb trial`: the whole trial as `reidgate run --engine duckdb --memory-limit M --no-record-risk` runs it
 *   (runTrial: open, Parquet read in place, SHA-256 of the input, uniqueness, report.json and manifest), and,
 *   up to SCALE_RECORD_MAX rows (default 1e7), the same with record-risk.csv;
 * - where DuckDB's time goes (a fresh engine each): open + read the Parquet in place (a view) and count rows;
 *   a scan of the QI columns alone; the class-size histogram (what the metrics need); the histogram plus each
 *   row's class size streamed back (up to SCALE_RECORD_MAX); the Parquet copied into a table first and then the
 *   histogram (the alternative to reading in place);
 * - `local trial` up to SCALE_LOCAL_MAX rows (default 1e7): the same trial on the local engine (parquet-wasm
 *   load, encode, worker pool), with --no-record-risk;
 * - `clickhouse` (SCALE_ENGINES includes it; scripts/clickhouse-cluster.sh running, REIDGATE_CLICKHOUSE_USER /
 *   _PASSWORD set): the Parquet loaded once into the two-shard cluster as `default.claims_N`
 *   (bench/clickhouse-claims.ts; timed when it runs; SCALE_RELOAD=1 reloads), then the trial with
 *   `--release clickhouse://127.0.0.1:18123/default.claims_N --engine clickhouse --memory-limit M --no-record-risk`.
 *   These tasks also record the peak RSS of the two clickhouse-server processes (summed, and the largest);
 * - SCALE_POPULATION=1: the population attack's trial (`--sampling-fraction 0.05`, --no-record-risk) on each
 *   engine of SCALE_ENGINES (ClickHouse: the table in place, loaded by the clickhouse tasks above).
 * Each task records its wall time and the peak RSS of the process while it ran (DuckDB runs in-process, so its
 * memory is in the RSS). SCALE_ENGINES=local,duckdb picks engines; SCALE_MEMORY (default 2GB) the limit;
 * SCALE_EXPLAIN=1 runs the histogram task under DuckDB's profiler (EXPLAIN ANALYZE: still one grouping) and
 * writes the plan with operator timings to `.bench-data/claims/explain-N.txt`; SCALE_COPY_MAX (default 1e7)
 * caps the copy-into-a-table task; SCALE_ONLY=REGEX keeps the tasks whose name matches; SCALE_JSON=FILE merges the figures into FILE (docs/scale/figures.json is
 * the committed one, drawn by bench/scale-chart.ts). Run with BENCH_ITER=1 BENCH_WARMUP=0 at 10^8.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Bench } from 'tinybench';
import { generateClaims } from '../datasets/cohort/claims.js';
import { DuckDbEngine } from '../src/engine/duckdb.js';
import { addInput } from '../src/engine/duckdb-load.js';
import { classSizeHistogramSql, ident } from '../src/engine/duckdb-sql.js';
import { runTrial } from '../src/run/run-trial.js';
import { resolveTrial } from '../src/trial/resolve.js';
import { clusterRows, loadClaimsIntoCluster, scriptCluster } from './clickhouse-claims.js';

/** One measured figure (docs/scale/figures.json). */
export interface ScaleFigure {
  task: string;
  /** Series the chart draws it in. */
  series: string;
  rows: number;
  seconds: number;
  peakRssMiB: number;
  memoryLimit: string | null;
  measuredAt: string;
  /** 1-minute load average when the task ended (2 cores). */
  loadAverage: number;
  /** Whole trials: the manifest's phase timings (s): loading (incl. hashing the input), attacks, writing. */
  phases?: { load: number; attacks: number; write: number };
  /** ClickHouse tasks: peak of the cluster's servers' summed RSS, and of the largest one (MiB). */
  servers?: { peakSumRssMiB: number; peakMaxRssMiB: number };
}

/** RSS of a process in bytes (Linux /proc), 0 when gone. */
function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The pids scripts/clickhouse-cluster.sh recorded for its servers (empty when it is not running). */
function clusterPids(): number[] {
  const dir = join(process.env.TMPDIR ?? '/tmp', 'reidgate-clickhouse');
  const pids: number[] = [];
  for (const shard of ['shard1', 'shard2']) {
    const f = join(dir, shard, 'pid');
    if (existsSync(f)) pids.push(Number(readFileSync(f, 'utf8').trim()));
  }
  return pids;
}

/** Peak RSS sampling while a task runs. */
class RssMeter {
  peak = 0;
  /** Other processes sampled alongside (the ClickHouse servers), summed and largest. */
  servers = { sum: 0, max: 0 };
  private pids: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  start(pids: number[] = []): void {
    this.peak = process.memoryUsage().rss;
    this.pids = pids;
    this.servers = { sum: 0, max: 0 };
    let tick = 0;
    this.timer = setInterval(() => {
      this.peak = Math.max(this.peak, process.memoryUsage().rss);
      // /proc reads every 250 ms: a server's memory moves slowly next to a 25 ms tick.
      if (this.pids.length > 0 && tick++ % 10 === 0) {
        const rss = this.pids.map(rssOf);
        this.servers.sum = Math.max(
          this.servers.sum,
          rss.reduce((a, b) => a + b, 0),
        );
        this.servers.max = Math.max(this.servers.max, ...rss);
      }
    }, 25);
  }
  stop(): number {
    clearInterval(this.timer);
    this.peak = Math.max(this.peak, process.memoryUsage().rss);
    return this.peak;
  }
}

/** Sampling fraction of the population tasks (a 5% sample of an insured population). */
const POPULATION_FRACTION = '0.05';

const exp = (n: number) => n.toExponential(0).replace('+', '');

/**
 * Adds the scale tasks to `bench`.
 * @param bench - the tinybench instance
 * @param dataDir - where generated data is kept between runs
 */
export async function registerScaleBenchmarks(bench: Bench, dataDir: string): Promise<void> {
  const sizes = (process.env.SCALE_ROWS ?? '1e6,1e7').split(',').map(Number);
  const engines = new Set((process.env.SCALE_ENGINES ?? 'local,duckdb').split(','));
  const memoryLimit = process.env.SCALE_MEMORY ?? '2GB';
  const recordMax = Number(process.env.SCALE_RECORD_MAX ?? 1e7);
  const localMax = Number(process.env.SCALE_LOCAL_MAX ?? 1e7);
  const copyMax = Number(process.env.SCALE_COPY_MAX ?? 1e7);
  const qi = (process.env.SCALE_QI ?? 'sex,birth_ym,pref,muni,date,code').split(',');
  const jsonOut = process.env.SCALE_JSON;
  const only = process.env.SCALE_ONLY ? new RegExp(process.env.SCALE_ONLY) : null;
  const population = process.env.SCALE_POPULATION === '1';
  const meter = new RssMeter();
  /** Wraps a task: wall time and peak RSS of its last iteration go to the figures. */
  const add = (
    name: string,
    series: string,
    rows: number,
    limit: string | null,
    fn: () => Promise<unknown>,
    servers = false,
  ) => {
    if (only && !only.test(name)) return;
    bench.add(name, async () => {
      meter.start(servers ? clusterPids() : []);
      const t0 = performance.now();
      let phases: ScaleFigure['phases'];
      try {
        // Whole-trial tasks return the manifest's phase timings; the others nothing.
        phases = ((await fn()) ?? undefined) as ScaleFigure['phases'];
      } finally {
        const seconds = (performance.now() - t0) / 1000;
        const peak = meter.stop();
        const fig: ScaleFigure = {
          task: name,
          series,
          rows,
          seconds: Number(seconds.toFixed(2)),
          peakRssMiB: Math.round(peak / 2 ** 20),
          memoryLimit: limit,
          measuredAt: new Date().toISOString(),
          loadAverage: Number(loadavg()[0].toFixed(1)),
          ...(phases ? { phases } : {}),
          ...(servers
            ? {
                servers: {
                  peakSumRssMiB: Math.round(meter.servers.sum / 2 ** 20),
                  peakMaxRssMiB: Math.round(meter.servers.max / 2 ** 20),
                },
              }
            : {}),
        };
        console.error(
          `scale: ${name}: ${fig.seconds} s, peak RSS ${fig.peakRssMiB} MiB, load ${fig.loadAverage}`,
        );
        if (jsonOut) saveFigures(jsonOut, [fig]);
      }
    });
  };

  for (const rows of sizes) {
    const dir = join(dataDir, 'claims', String(rows));
    const file = join(dir, 'claims.parquet');
    if (!existsSync(file)) await generateClaims({ rows, seed: 1, out: dir, format: 'parquet' });
    const mb = (statSync(file).size / 2 ** 20).toFixed(0);
    const label = `${exp(rows)} rows (${mb} MB Parquet)`;
    /** Runs the trial; returns the manifest's phase timings. */
    const trial = async (
      engine: 'local' | 'duckdb' | 'clickhouse',
      recordRisk: boolean,
      release = file,
      attacks: 'uniqueness' | 'population' = 'uniqueness',
    ) => {
      const { manifest } = await runTrial(
        resolveTrial(undefined, {
          release,
          qi: qi.join(','),
          attacks,
          samplingFraction: attacks === 'population' ? POPULATION_FRACTION : undefined,
          engine,
          memoryLimit: engine === 'local' ? undefined : memoryLimit,
          recordRisk,
          workers: '2',
          format: 'json',
          out: join(dataDir, 'claims', `out-${engine}-${attacks}-${rows}`),
        }),
      );
      const t = manifest.timings;
      const r2 = (x: number) => Number(x.toFixed(2));
      return { load: r2(t.loadSeconds), attacks: r2(t.attacksSeconds), write: r2(t.writeSeconds) };
    };
    const inPlace = `clickhouse://127.0.0.1:18123/default.claims_${rows}`;
    if (engines.has('duckdb')) {
      const lim = `duckdb ${memoryLimit}`;
      add(
        `${lim}: trial, --no-record-risk, ${label}`,
        'duckdb, no record-risk.csv',
        rows,
        memoryLimit,
        async () => {
          return trial('duckdb', false);
        },
      );
      if (rows <= recordMax) {
        add(
          `${lim}: trial with record-risk.csv, ${label}`,
          'duckdb, with record-risk.csv',
          rows,
          memoryLimit,
          async () => {
            return trial('duckdb', true);
          },
        );
      }
      const fresh = async (inPlace = true) => {
        const e = await DuckDbEngine.open({ memoryLimit, threads: 2, wildcard: [] });
        await addInput(e, 'release', file, { parquetInPlace: inPlace });
        return e;
      };
      const cols = qi.map(ident);
      add(
        `${lim}: open + Parquet in place (view) + row count, ${label}`,
        'duckdb: open + view',
        rows,
        memoryLimit,
        async () => {
          await (await fresh()).close();
        },
      );
      add(
        `${lim}: scan of the QI columns only, ${label}`,
        'duckdb: scan only',
        rows,
        memoryLimit,
        async () => {
          const e = await fresh();
          try {
            await e.all(`SELECT ${cols.map((c) => `max(${c})`).join(', ')} FROM "release"`, 'scanning');
          } finally {
            await e.close();
          }
        },
      );
      add(`${lim}: class-size histogram, ${label}`, 'duckdb: histogram', rows, memoryLimit, async () => {
        const e = await fresh();
        try {
          if (process.env.SCALE_EXPLAIN === '1') {
            // The engine's histogram query, run once under the profiler (it runs the query: one grouping).
            const sql = classSizeHistogramSql('"release"', qi);
            const plan = await e.all(`EXPLAIN ANALYZE ${sql}`, 'explaining');
            writeFileSync(join(dataDir, 'claims', `explain-${rows}.txt`), String(plan[0]?.[1] ?? ''));
          } else {
            await e.classSizes({ role: 'release', columns: qi });
          }
        } finally {
          await e.close();
        }
      });
      if (rows <= recordMax) {
        add(
          `${lim}: histogram + per-record sizes streamed, ${label}`,
          'duckdb: per-record',
          rows,
          memoryLimit,
          async () => {
            const e = await fresh();
            try {
              await e.classSizes({ role: 'release', columns: qi, perRecord: true });
            } finally {
              await e.close();
            }
          },
        );
      }
      if (rows <= copyMax)
        add(
          `${lim}: Parquet copied into a table + histogram, ${label}`,
          'duckdb: copy + histogram',
          rows,
          memoryLimit,
          async () => {
            const e = await fresh(false);
            try {
              await e.classSizes({ role: 'release', columns: qi });
            } finally {
              await e.close();
            }
          },
        );
    }
    if (engines.has('clickhouse')) {
      // The table a claims warehouse would hold, read in place; loaded once and kept between runs.
      const access = scriptCluster();
      const table = `claims_${rows}`;
      if (process.env.SCALE_RELOAD === '1' || (await clusterRows(access, table)) !== rows) {
        add(
          `clickhouse 2 shards: load into MergeTree (clickhouse-client), ${label}`,
          'clickhouse: load',
          rows,
          null,
          async () => {
            const n = await loadClaimsIntoCluster(access, file, table);
            if (n !== rows) throw new Error(`clickhouse: ${table} holds ${n} rows, expected ${rows}`);
          },
          true,
        );
      }
      add(
        `clickhouse 2 shards ${memoryLimit}: trial in place, --no-record-risk, ${label}`,
        'clickhouse, no record-risk.csv',
        rows,
        memoryLimit,
        async () => trial('clickhouse', false, inPlace),
        true,
      );
    }
    if (population) {
      // The population attack (Benedetti–Franconi with --sampling-fraction): classWeights instead of classSizes.
      for (const engine of ['duckdb', 'clickhouse', 'local'] as const) {
        if (!engines.has(engine) || (engine === 'local' && rows > localMax)) continue;
        const name =
          engine === 'clickhouse'
            ? `clickhouse 2 shards ${memoryLimit}`
            : engine === 'duckdb'
              ? `duckdb ${memoryLimit}`
              : 'local';
        add(
          `${name}: population trial (--sampling-fraction ${POPULATION_FRACTION}), --no-record-risk, ${label}`,
          `${engine} population, no record-risk.csv`,
          rows,
          engine === 'local' ? null : memoryLimit,
          async () => trial(engine, false, engine === 'clickhouse' ? inPlace : file, 'population'),
          engine === 'clickhouse',
        );
      }
    }
    if (engines.has('local') && rows <= localMax) {
      add(
        `local: trial, --no-record-risk, ${label}, 2 workers`,
        'local, no record-risk.csv',
        rows,
        null,
        async () => {
          return trial('local', false);
        },
      );
    }
  }
}

/**
 * Merges figures into a JSON file (a figure replaces the one of the same task).
 * @param path - the JSON file (created when missing)
 * @param figures - the new figures
 */
export function saveFigures(path: string, figures: readonly ScaleFigure[]): void {
  const old: ScaleFigure[] = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : [];
  const byTask = new Map(old.map((f) => [f.task, f]));
  for (const f of figures) byTask.set(f.task, f);
  const all = [...byTask.values()].sort((a, b) => a.series.localeCompare(b.series) || a.rows - b.rows);
  writeFileSync(path, `${JSON.stringify(all, null, 2)}\n`);
}
