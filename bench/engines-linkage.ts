/**
 * @module bench/engines-linkage — exact compatible-set linkage on the local engine vs DuckDB (part of
 * suite `engines`, bench/engines.ts).
 *
 * Data: bench/generate.ts's seeded 10-QI CSV at ENGINES_LINKAGE_ROWS rows (default 10^6) as the
 * original, and a generalized release of it written by DuckDB: age in 10-year bands (`30-39`),
 * birth_day suppressed (`*`), occupation masked to its first digit (`1*`); row-aligned, so the
 * ground truth is known. 10,000 seeded targets, all 10 QIs known. Per engine: exact linkage alone
 * (the inputs loaded beforehand, outside the timing), through the same attack code
 * (attacks/linkage/exact.ts → engine.compatibleSets). ENGINES=local,duckdb picks engines; with
 * `clickhouse` in ENGINES, also the two-shard cluster of scripts/clickhouse-cluster.sh (both files
 * loaded into it beforehand; skipped, saying so, when no cluster answers).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Bench } from 'tinybench';
import { exactLinkage } from '../attacks/linkage/exact.js';
import type { AttackContext } from '../attacks/types.js';
import { ClickHouseEngine } from '../src/engine/clickhouse.js';
import {
  ClickHouseServer,
  clickhouseCredentials,
  DEFAULT_CLICKHOUSE_URLS,
  parseServerUrl,
} from '../src/engine/clickhouse-http.js';
import { openClickHouseTrial } from '../src/engine/clickhouse-open.js';
import { type OpenedEngine, openDuckDbTrial } from '../src/engine/open.js';
import type { Engine } from '../src/engine/types.js';
import type { WorkerPool } from '../src/pool/pool.js';
import { loadInputs } from '../src/run/inputs.js';
import { resolveTrial } from '../src/trial/resolve.js';
import { BENCH_COLUMNS, writeBenchCsv } from './generate.js';

/**
 * Null when the ClickHouse cluster (REIDGATE_CLICKHOUSE_URL or the loopback one of
 * scripts/clickhouse-cluster.sh, with its default credentials unless set) answers, else why not.
 */
export async function clickhouseMissing(): Promise<string | null> {
  process.env.REIDGATE_CLICKHOUSE_USER ??= 'reidgate';
  process.env.REIDGATE_CLICKHOUSE_PASSWORD ??= 'reidgate-secret';
  try {
    const e = await clickhouseEngine();
    await e.close();
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Connects to the cluster (as clickhouseMissing finds it), without tables. */
export function clickhouseEngine(): Promise<ClickHouseEngine> {
  const creds = clickhouseCredentials(undefined);
  const urls = (process.env.REIDGATE_CLICKHOUSE_URL ?? DEFAULT_CLICKHOUSE_URLS).split(',');
  return ClickHouseEngine.connect({
    servers: urls.map((u) => new ClickHouseServer(parseServerUrl(u), creds, {})),
    cluster: process.env.REIDGATE_CLICKHOUSE_CLUSTER || 'reidgate',
    wildcard: [],
  });
}

/** Writes the generalized release of `original` (see the module comment). */
async function writeRelease(original: string, release: string): Promise<void> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  const cols = BENCH_COLUMNS.map(([c]) =>
    c === 'age'
      ? `(age // 10 * 10)::VARCHAR || '-' || (age // 10 * 10 + 9)::VARCHAR AS age`
      : c === 'birth_day'
        ? `'*' AS birth_day`
        : c === 'occupation'
          ? `left(occupation::VARCHAR, 1) || repeat('*', length(occupation::VARCHAR) - 1) AS occupation`
          : c,
  );
  await conn.run(
    `COPY (SELECT ${cols.join(', ')} FROM read_csv('${original}', header = true)) TO '${release}' (HEADER, DELIMITER ',')`,
  );
  conn.closeSync();
  db.closeSync();
}

/**
 * Adds the exact-linkage engine tasks to `bench`.
 * @param bench - the tinybench instance
 * @param pool - the 2-worker pool (local engine)
 * @param dataDir - where generated CSV files are kept between runs
 * @param memoryLimit - DuckDB's memory limit
 */
export async function registerEngineLinkageBenchmarks(
  bench: Bench,
  pool: WorkerPool,
  dataDir: string,
  memoryLimit: string,
): Promise<void> {
  const sizes = (process.env.ENGINES_LINKAGE_ROWS ?? '1000000').split(',').map(Number);
  const engines = new Set((process.env.ENGINES ?? 'local,duckdb').split(','));
  const qi = BENCH_COLUMNS.map(([c]) => (c === 'age' ? 'age:numeric' : c)).join(',');
  for (const rows of sizes) {
    const original = join(dataDir, `bench-${rows}.csv`);
    const release = join(dataDir, `bench-${rows}-generalized.csv`);
    if (!existsSync(original)) await writeBenchCsv(original, rows);
    if (!existsSync(release)) await writeRelease(original, release);
    const label = `${rows.toExponential(0)}-row generalized release × 10 QIs, 10^4 targets`;
    const trial = (engine: 'local' | 'duckdb' | 'clickhouse') =>
      resolveTrial(undefined, {
        release,
        original,
        aligned: true,
        qi,
        targets: '10000',
        workers: '2',
        engine,
        out: join(dataDir, 'engines-linkage-out'),
        // DuckDB's limit; on ClickHouse each query's max_memory_usage on each server (GROUP BY spills past half).
        ...(engine !== 'local' ? { memoryLimit } : {}),
      });
    const base = { sensitive: [], pool, seed: 1, recordThreshold: 0.2, wildcard: false };
    if (engines.has('local')) {
      let ctx: AttackContext | undefined;
      bench.add(`local: exact linkage, ${label}, 2 workers`, async () => {
        if (!ctx) {
          const t = trial('local');
          const inputs = await loadInputs(t, () => {});
          ctx = { ...base, qi: t.qi, release: inputs.encoded.release, linkage: inputs.linkage };
        }
        await exactLinkage(ctx);
      });
    }
    /** An SQL engine's task: the inputs opened once (first call), then exact linkage alone. */
    const sqlTask = (name: string, open: () => Promise<OpenedEngine>) => {
      let engine: Engine | undefined;
      let ctx: AttackContext | undefined;
      bench.add(
        `${name}: exact linkage, ${label}`,
        async () => {
          if (!engine || !ctx) {
            const opened = await open();
            engine = opened.engine;
            ctx = {
              ...base,
              qi: trial('local').qi,
              release: { rows: engine.rows('release'), columns: new Map(), dictionaries: new Map() },
              linkage: opened.linkage,
              engine,
            };
          }
          await exactLinkage(ctx);
        },
        {
          afterAll: async () => {
            await engine?.close();
            engine = undefined;
          },
        },
      );
    };
    if (engines.has('duckdb'))
      sqlTask(`duckdb ${memoryLimit}`, () => openDuckDbTrial(trial('duckdb'), () => {}));
    if (engines.has('clickhouse')) {
      const missing = await clickhouseMissing();
      if (missing)
        console.warn(`engines-linkage: clickhouse skipped (${missing}; scripts/clickhouse-cluster.sh start)`);
      else sqlTask('clickhouse 2 shards', () => openClickHouseTrial(trial('clickhouse'), () => {}));
    }
  }
}
