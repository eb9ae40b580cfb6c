/**
 * @module bench/engines-suda — the suda attack on the local engine vs DuckDB (and the ClickHouse
 * cluster with ENGINES=…,clickhouse) (suite `engines-suda`).
 *
 * Data: bench/generate.ts's seeded 10-QI CSV at ENGINES_SUDA_ROWS rows (default 10^5 and 10^6); the
 * search is bounded at ENGINES_SUDA_K (default 3: 175 QI subsets of the 10 QIs) so that 10^6 rows
 * finish in minutes on both engines; ENGINES_SUDA_K=10 is the full search (1,023 subsets). Per size:
 * - local: the suda attack (SUDA2 search on 2 workers) on the encoded columns (load not timed);
 * - duckdb under a 2 GiB memory limit (2 threads): the same attack through the engine (one GROUP BY
 *   per QI subset, level by level, engine/suda-sql.ts), the CSV loaded once, not timed;
 * - clickhouse (two-shard loopback cluster): the same, the CSV inserted once, not timed.
 * Each engine's MSU count is printed once, so a run also shows the engines agree.
 *
 * ENGINES_SUDA_VARIANTS (default `exact,wildcard`): `wildcard` runs the same tasks under --wildcard `*`
 * on the same CSV with each cell `*` with probability ENGINES_SUDA_WILD (default 0.02, seeded): locally
 * the SUDA2 search with wildcard rows joining every item list of their column; on the engines the
 * candidates of each subset less those a wildcard row matches (engine/suda-sql.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Bench } from 'tinybench';
import { suda } from '../attacks/suda/index.js';
import type { AttackContext, QiSpec } from '../attacks/types.js';
import { encodeTable } from '../src/encode/encode.js';
import { ClickHouseEngine } from '../src/engine/clickhouse.js';
import {
  ClickHouseServer,
  clickhouseCredentials,
  DEFAULT_CLICKHOUSE_URLS,
  parseServerUrl,
} from '../src/engine/clickhouse-http.js';
import { loadFile } from '../src/engine/clickhouse-load.js';
import { DuckDbEngine } from '../src/engine/duckdb.js';
import { addInput } from '../src/engine/duckdb-load.js';
import type { Engine } from '../src/engine/types.js';
import { loadTable } from '../src/io/index.js';
import type { WorkerPool } from '../src/pool/pool.js';
import { BENCH_COLUMNS, writeBenchCsv } from './generate.js';

/**
 * Adds the suda engine tasks to `bench`.
 * @param bench - the tinybench instance
 * @param pools - worker pools by worker count (the local tasks use 2 workers)
 * @param dataDir - where generated CSV files are kept between runs
 */
export async function registerSudaEngineBenchmarks(
  bench: Bench,
  pools: Map<number, WorkerPool>,
  dataDir: string,
): Promise<void> {
  const sizes = (process.env.ENGINES_SUDA_ROWS ?? '100000,1000000').split(',').filter(Boolean).map(Number);
  const engines = new Set((process.env.ENGINES ?? 'local,duckdb').split(','));
  const k = Number(process.env.ENGINES_SUDA_K ?? 3);
  const variants = (process.env.ENGINES_SUDA_VARIANTS ?? 'exact,wildcard').split(',').filter(Boolean);
  const wildRate = Number(process.env.ENGINES_SUDA_WILD ?? 0.02);
  for (const rows of sizes)
    for (const variant of variants)
      await registerVariant(bench, pools, dataDir, engines, rows, k, wildRate, variant === 'wildcard');
}

/** Adds one variant's tasks at one size (`wildcard`: the CSV with wildcard cells, under --wildcard). */
async function registerVariant(
  bench: Bench,
  pools: Map<number, WorkerPool>,
  dataDir: string,
  engines: ReadonlySet<string>,
  rows: number,
  k: number,
  wildRate: number,
  wildcard: boolean,
): Promise<void> {
  const tokens = wildcard ? ['*'] : [];
  const qi: QiSpec[] = BENCH_COLUMNS.map(([name]) => ({
    name,
    kind: 'categorical',
    ...(wildcard ? { wildcards: new Set(tokens) } : {}),
  }));
  const base = {
    qi,
    sensitive: [],
    pool: pools.get(2)!,
    seed: 1,
    recordThreshold: 0.2,
    wildcard,
    recordRisk: false,
    suda: { maxMsuSize: k },
  };
  const empty = (rows: number) => ({ rows, columns: new Map(), dictionaries: new Map() });
  /** Runs suda, printing the MSU count the first time. */
  const runOnce = (name: string) => {
    let shown = false;
    return async (ctx: AttackContext) => {
      const out = await suda.run(ctx);
      if (!shown) console.log(`engines-suda: ${name}: ${out.metrics.msuCount.value} MSUs`);
      shown = true;
    };
  };
  const path = join(dataDir, wildcard ? `bench-${rows}-wild${wildRate}.csv` : `bench-${rows}.csv`);
  if (!existsSync(path)) await writeBenchCsv(path, rows, 42, wildcard ? wildRate : 0);
  const label = `${rows.toExponential(0)} rows × 10 QIs${wildcard ? `, ${wildRate * 100}% wildcards (--wildcard)` : ''}, MSUs up to size ${k}`;
  if (engines.has('local')) {
    let encoded: ReturnType<typeof encodeTable> | undefined;
    const run = runOnce(`local ${label}`);
    bench.add(
      `local: suda, ${label}, 2 workers`,
      async () => {
        encoded ??= encodeTable((await loadTable(path)).table, qi, path);
        await run({ ...base, release: encoded } as AttackContext);
      },
      {
        afterAll: () => {
          encoded = undefined;
        },
      },
    );
  }
  if (engines.has('duckdb')) {
    let engine: DuckDbEngine | undefined;
    const run = runOnce(`duckdb ${label}`);
    bench.add(
      `duckdb 2GiB: suda, ${label}`,
      async () => {
        if (!engine) {
          engine = await DuckDbEngine.open({ memoryLimit: '2GiB', threads: 2, wildcard: tokens });
          await addInput(engine, 'release', path, {});
        }
        await run({ ...base, release: empty(engine.rows('release')), engine } as AttackContext);
      },
      {
        afterAll: async () => {
          await engine?.close();
          engine = undefined;
        },
      },
    );
  }
  if (engines.has('clickhouse')) {
    process.env.REIDGATE_CLICKHOUSE_USER ??= 'reidgate';
    process.env.REIDGATE_CLICKHOUSE_PASSWORD ??= 'reidgate-secret';
    const creds = clickhouseCredentials(undefined);
    const urls = (process.env.REIDGATE_CLICKHOUSE_URL ?? DEFAULT_CLICKHOUSE_URLS).split(',');
    let engine: Engine | undefined;
    const run = runOnce(`clickhouse ${label}`);
    bench.add(
      `clickhouse ${urls.length} shards: suda, ${label}`,
      async () => {
        if (!engine) {
          const e = await ClickHouseEngine.connect({
            servers: urls.map((u) => new ClickHouseServer(parseServerUrl(u), creds, {})),
            cluster: process.env.REIDGATE_CLICKHOUSE_CLUSTER || 'reidgate',
            wildcard: tokens,
          });
          const duck = await DuckDbEngine.open({ threads: 2, wildcard: [] });
          try {
            await loadFile(e, duck, 'release', path, {});
          } finally {
            await duck.close();
          }
          engine = e;
        }
        await run({ ...base, release: empty(engine.rows('release')), engine } as AttackContext);
      },
      {
        afterAll: async () => {
          await engine?.close();
          engine = undefined;
        },
      },
    );
  }
}
