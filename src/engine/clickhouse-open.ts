/**
 * @module engine/clickhouse-open — opening the ClickHouse engine with a trial's inputs.
 *
 * Servers: `--clickhouse-url` (trial `clickhouseUrl`), else REIDGATE_CLICKHOUSE_URL, else the loopback
 * cluster of scripts/clickhouse-cluster.sh: a comma-separated list of the HTTP URLs of the cluster's
 * shards, the coordinator first. The cluster is `reidgate` (REIDGATE_CLICKHOUSE_CLUSTER to change it).
 * Credentials: clickhouse-http.ts. `--memory-limit` becomes max_memory_usage on every query.
 */

import { ReidgateError } from '../errors.js';
import type { Trial } from '../trial/schema.js';
import { ClickHouseEngine } from './clickhouse.js';
import { loadChEvents } from './clickhouse-codesets.js';
import {
  ClickHouseServer,
  clickhouseCredentials,
  DEFAULT_CLICKHOUSE_URLS,
  parseServerUrl,
} from './clickhouse-http.js';
import { chKeyProblem, chRowsById } from './clickhouse-linkage.js';
import { attachTable, loadFile } from './clickhouse-load.js';
import { DuckDbEngine } from './duckdb.js';

import { engineLinkageInputs, readHierarchies } from './linkage-targets.js';
import { loadTrialInputs, type OpenedEngine } from './open.js';
import { isClickHouseUri } from './paths.js';

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/**
 * Bytes of a --memory-limit (`2GB` = 2·10^9, `2GiB` = 2·2^30, as DuckDB reads them).
 * @param limit - a size matching MEMORY_LIMIT (trial/schema.ts)
 */
export function memoryBytes(limit: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(limit.trim());
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined)
    throw new ReidgateError('USAGE', `--memory-limit ${limit}: give a size such as 2GB`);
  return Math.floor(Number(m[1]) * unit);
}

/**
 * Opens the ClickHouse engine on the trial's servers and adds its inputs (files loaded through
 * DuckDB, `clickhouse://` tables in place). The engine is closed (its tables dropped) when anything
 * fails.
 * @param trial - the resolved trial (engine `clickhouse`)
 * @param progress - called with each input's path as it loads
 * @param env - the environment (URL, cluster and credential variables)
 * @throws ReidgateError — USAGE for a bad URL or refused credentials, input errors (exit 2),
 *   ENGINE (exit 3) when a server cannot be reached or fails
 */
export async function openClickHouseTrial(
  trial: Trial,
  progress: (detail: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<OpenedEngine> {
  const creds = clickhouseCredentials(trial.clickhouseConfig, env);
  const settings: Record<string, string> = {};
  if (trial.memoryLimit) {
    const bytes = memoryBytes(trial.memoryLimit);
    settings.max_memory_usage = String(bytes);
    // Stay under the limit as DuckDB does, by spilling: GROUP BY and ORDER BY go to disk past half the
    // limit, and the coordinator merges the shards' partial aggregates bucket by bucket.
    settings.max_bytes_before_external_group_by = String(Math.floor(bytes / 2));
    settings.max_bytes_before_external_sort = String(Math.floor(bytes / 2));
    settings.distributed_aggregation_memory_efficient = '1';
  }
  const raw = trial.clickhouseUrl ?? env.REIDGATE_CLICKHOUSE_URL ?? DEFAULT_CLICKHOUSE_URLS;
  const urls = raw
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u !== '')
    .map((u) => parseServerUrl(u));
  if (urls.length === 0) throw new ReidgateError('USAGE', '--clickhouse-url: give at least one server URL');
  const servers = urls.map((u) => new ClickHouseServer(u, creds, settings));
  const engine = await ClickHouseEngine.connect({
    servers,
    cluster: env.REIDGATE_CLICKHOUSE_CLUSTER || 'reidgate',
    memoryLimit: trial.memoryLimit,
    wildcard: trial.wildcard,
    hierarchies: readHierarchies(trial),
  });
  let duck: DuckDbEngine | undefined;
  try {
    const opts = { missing: trial.missing, delimiter: trial.delimiter };
    const serverFor = (u: URL) =>
      servers.find((s) => s.url.host === u.host) ?? new ClickHouseServer(u, creds, settings);
    const loaded = await loadTrialInputs(trial, progress, async (role, path) => {
      if (isClickHouseUri(path)) return attachTable(engine, role, path, serverFor);
      // DuckDB reads the files with reidgate's CSV rules; the rows are then streamed to the shards.
      duck ??= await DuckDbEngine.open({ threads: trial.workers, wildcard: [] });
      return loadFile(engine, duck, role, path, opts);
    });
    const linkage = await engineLinkageInputs(
      {
        engine,
        columns: (role) => engine.tables.get(role)?.columns,
        keyProblem: (role, column) => chKeyProblem(engine.tables.get(role)!, column, role),
        rowsById: (role, rows, column) => chRowsById(engine, role, rows, column),
      },
      trial,
      loaded.info,
    );
    if (!trial.events?.length || trial.key === undefined) return { engine, ...loaded, linkage };
    // Event tables: checked and coded in DuckDB, their (person, code) pairs uploaded (clickhouse-codesets.ts).
    const events = await loadChEvents(engine, duck, trial, opts, progress);
    engine.relational = events.relational;
    return {
      engine,
      ...loaded,
      warnings: [...loaded.warnings, ...events.warnings],
      linkage,
      eventInfo: events.info,
    };
  } catch (e) {
    await engine.close();
    throw e;
  } finally {
    await duck?.close();
  }
}
