/**
 * @module bench/engines — uniqueness on the local engine vs DuckDB (suite `engines`).
 *
 * Data: bench/generate.ts's seeded 10-QI CSV at ENGINES_ROWS rows (default 10^6 and 10^7). Per size:
 * - local: load the CSV (streamed parse + dictionary coding) and encode it, then the uniqueness
 *   attack on the worker pool (2 workers);
 * - duckdb under a 2 GiB memory limit (ENGINES_MEMORY; 2 threads): open a fresh database and load the
 *   CSV with DuckDB's reader (all VARCHAR), then the uniqueness attack through the engine (the
 *   same attack code), and, to show where its time goes, its two queries alone: the class-size
 *   histogram (aggregates only) and the per-record class sizes streamed back for record-risk.csv.
 * - population (--sampling-fraction 0.1: the class-size profile, journalist risk and constant-weight
 *   individual risk, per-record columns included) and diversity (income_decile as the sensitive
 *   attribute of the other 9 QIs' classes) on both engines, the same attack code.
 * - clickhouse (ENGINES=clickhouse; the two-shard loopback cluster of scripts/clickhouse-cluster.sh,
 *   REIDGATE_CLICKHOUSE_URL / _USER / _PASSWORD as for the CLI, the script's defaults otherwise; skipped
 *   with a message when no cluster answers): load = DuckDB reads the CSV and the rows are inserted into
 *   the shards through the Distributed table; then the same uniqueness attack and queries as duckdb.
 * ENGINES=local,duckdb picks engines (run one per process to read each one's peak RSS).
 * Exact linkage on both engines: bench/engines-linkage.ts (ENGINES_LINKAGE_ROWS, default 10^6).
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Bench } from 'tinybench';
import { diversity } from '../attacks/diversity/index.js';
import { population } from '../attacks/population/index.js';
import type { AttackContext, QiSpec } from '../attacks/types.js';
import { uniqueness } from '../attacks/uniqueness/index.js';
import { encodeTable } from '../src/encode/encode.js';
import type { ClickHouseEngine } from '../src/engine/clickhouse.js';
import { DEFAULT_CLICKHOUSE_URLS } from '../src/engine/clickhouse-http.js';
import { loadFile } from '../src/engine/clickhouse-load.js';
import { DuckDbEngine } from '../src/engine/duckdb.js';
import { addInput } from '../src/engine/duckdb-load.js';
import type { Engine } from '../src/engine/types.js';
import { loadTable } from '../src/io/index.js';
import type { WorkerPool } from '../src/pool/pool.js';
import { clickhouseEngine, clickhouseMissing, registerEngineLinkageBenchmarks } from './engines-linkage.js';
import { BENCH_COLUMNS, writeBenchCsv } from './generate.js';

/**
 * Adds the engine tasks to `bench`.
 * @param bench - the tinybench instance
 * @param pools - worker pools by worker count (the local tasks use 2 workers)
 * @param dataDir - where generated CSV files are kept between runs
 */
export async function registerEngineBenchmarks(
  bench: Bench,
  pools: Map<number, WorkerPool>,
  dataDir: string,
): Promise<void> {
  const sizes = (process.env.ENGINES_ROWS ?? '1000000,10000000').split(',').filter(Boolean).map(Number);
  const engines = new Set((process.env.ENGINES ?? 'local,duckdb').split(','));
  const memoryLimit = process.env.ENGINES_MEMORY ?? '2GiB';
  const qi: QiSpec[] = BENCH_COLUMNS.map(([name]) => ({ name, kind: 'categorical' }));
  const names = qi.map((q) => q.name);
  const pool = pools.get(2)!;
  const ctx = { qi, sensitive: [], pool, seed: 1, recordThreshold: 0.2, wildcard: false };
  const SENSITIVE = 'income_decile';
  /** Population knowledge for a release of `rows` rows sampled at 10%. */
  const popOf = (rows: number) =>
    ({ size: rows * 10, samplingFraction: 0.1, source: 'sampling-fraction' }) as const;
  const divCtx = {
    ...ctx,
    qi: qi.filter((x) => x.name !== SENSITIVE),
    sensitive: [SENSITIVE],
    sensitiveKinds: new Map([[SENSITIVE, 'categorical' as const]]),
  };
  /** Population then diversity tasks for one engine (`context` gives the attack context). */
  const pushdown = (engine: string, label: string, context: () => Promise<AttackContext>) => {
    bench.add(`${engine}: population (sampling fraction 0.1), ${label}`, async () => {
      const c = await context();
      await population.run({ ...c, population: popOf(c.release.rows) });
    });
    bench.add(`${engine}: diversity (${SENSITIVE} in 9-QI classes), ${label}`, async () => {
      const c = await context();
      await diversity.run({ ...c, ...divCtx, release: c.release, engine: c.engine });
    });
  };
  for (const rows of sizes) {
    const path = join(dataDir, `bench-${rows}.csv`);
    if (!existsSync(path)) await writeBenchCsv(path, rows);
    const mb = (statSync(path).size / 2 ** 20).toFixed(0);
    const label = `${rows.toExponential(0)} rows × 10 QIs (${mb} MB CSV)`;
    if (engines.has('local')) {
      let encoded: ReturnType<typeof encodeTable> | undefined;
      bench.add(`local: load + encode, ${label}`, async () => {
        encoded = undefined;
        const loaded = await loadTable(path);
        encoded = encodeTable(loaded.table, qi, path);
      });
      bench.add(`local: uniqueness, ${label}, 2 workers`, async () => {
        encoded ??= encodeTable((await loadTable(path)).table, qi, path);
        await uniqueness.run({ ...ctx, release: encoded });
      });
      pushdown('local', `${label}, 2 workers`, async () => {
        encoded ??= encodeTable((await loadTable(path)).table, qi, path);
        return { ...ctx, release: encoded };
      });
    }
    if (engines.has('duckdb')) {
      let engine: DuckDbEngine | undefined;
      const ready = async () => {
        if (!engine) {
          engine = await DuckDbEngine.open({ memoryLimit, threads: 2, wildcard: [] });
          await addInput(engine, 'release', path, {});
        }
        return engine;
      };
      bench.add(`duckdb ${memoryLimit}: open + load CSV, ${label}`, async () => {
        await engine?.close();
        engine = undefined;
        await ready();
      });
      bench.add(`duckdb ${memoryLimit}: uniqueness, ${label}`, async () => {
        const e = await ready();
        await uniqueness.run({
          ...ctx,
          release: { rows: e.rows('release'), columns: new Map(), dictionaries: new Map() },
          engine: e,
        });
      });
      pushdown(`duckdb ${memoryLimit}`, label, async () => {
        const e = await ready();
        return {
          ...ctx,
          release: { rows: e.rows('release'), columns: new Map(), dictionaries: new Map() },
          engine: e,
        };
      });
      bench.add(`duckdb ${memoryLimit}: class-size histogram query only, ${label}`, async () => {
        await (await ready()).classSizes({ role: 'release', columns: names });
      });
      bench.add(
        `duckdb ${memoryLimit}: histogram + per-record sizes streamed, ${label}`,
        async () => {
          await (await ready()).classSizes({ role: 'release', columns: names, perRecord: true });
        },
        {
          afterAll: async () => {
            await engine?.close();
            engine = undefined;
          },
        },
      );
    }
    if (engines.has('clickhouse')) await registerClickHouse(bench, path, label, names, ctx);
  }
  await registerEngineLinkageBenchmarks(bench, pool, dataDir, memoryLimit);
}

/** The ClickHouse tasks for one data file (skipped, with a message, when no cluster answers). */
async function registerClickHouse(
  bench: Bench,
  path: string,
  label: string,
  names: string[],
  ctx: Omit<Parameters<typeof uniqueness.run>[0], 'release'>,
): Promise<void> {
  const missing = await clickhouseMissing();
  if (missing) {
    console.warn(`engines: clickhouse skipped (${missing}; scripts/clickhouse-cluster.sh start)`);
    return;
  }
  const urls = (process.env.REIDGATE_CLICKHOUSE_URL ?? DEFAULT_CLICKHOUSE_URLS).split(',');
  const open = clickhouseEngine;
  let engine: ClickHouseEngine | undefined;
  const ready = async () => {
    if (!engine) {
      const e = await open();
      const duck = await DuckDbEngine.open({ threads: 2, wildcard: [] });
      try {
        await loadFile(e, duck, 'release', path, {});
      } finally {
        await duck.close();
      }
      engine = e;
    }
    return engine;
  };
  const shards = `${urls.length} shards`;
  bench.add(`clickhouse ${shards}: DuckDB read + insert into the shards, ${label}`, async () => {
    await engine?.close();
    engine = undefined;
    await ready();
  });
  bench.add(`clickhouse ${shards}: uniqueness, ${label}`, async () => {
    const e: Engine = await ready();
    await uniqueness.run({
      ...ctx,
      release: { rows: e.rows('release'), columns: new Map(), dictionaries: new Map() },
      engine: e,
    });
  });
  bench.add(`clickhouse ${shards}: class-size histogram query only, ${label}`, async () => {
    await (await ready()).classSizes({ role: 'release', columns: names });
  });
  bench.add(
    `clickhouse ${shards}: histogram + per-record sizes streamed, ${label}`,
    async () => {
      await (await ready()).classSizes({ role: 'release', columns: names, perRecord: true });
    },
    {
      afterAll: async () => {
        await engine?.close();
        engine = undefined;
      },
    },
  );
}
