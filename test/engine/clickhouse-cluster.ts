/**
 * @module test/engine/clickhouse-cluster — finds the ClickHouse cluster the tests run on.
 *
 * The cluster of scripts/clickhouse-cluster.sh (`.ci/run` starts it): REIDGATE_CLICKHOUSE_URL or
 * the script's loopback defaults, REIDGATE_CLICKHOUSE_USER / REIDGATE_CLICKHOUSE_PASSWORD or the
 * script's defaults (which this module puts into the environment for the runs). When no cluster
 * answers, the ClickHouse tests skip and say why.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DEFAULT_CLICKHOUSE_URLS } from '../../src/engine/clickhouse-http.js';
import { ROOT } from '../cli/helpers.js';

export const SCRIPT = join(ROOT, 'scripts/clickhouse-cluster.sh');

process.env.REIDGATE_CLICKHOUSE_USER ??= 'reidgate';
process.env.REIDGATE_CLICKHOUSE_PASSWORD ??= 'reidgate-secret';

/** The shard URLs the tests use. */
export const URLS = (process.env.REIDGATE_CLICKHOUSE_URL ?? DEFAULT_CLICKHOUSE_URLS).split(',');

/** Whether a server answers `SELECT 1` with the credentials. */
export async function answers(url: string, user?: string, password?: string): Promise<boolean> {
  const u = user ?? process.env.REIDGATE_CLICKHOUSE_USER!;
  const p = password ?? process.env.REIDGATE_CLICKHOUSE_PASSWORD!;
  try {
    const r = await fetch(`${url}/?query=SELECT%201`, {
      headers: { Authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` },
      signal: AbortSignal.timeout(3000),
    });
    return r.status === 200;
  } catch {
    return false;
  }
}

/** Null when every shard answers, else why the ClickHouse tests skip. */
export async function clusterMissing(): Promise<string | null> {
  for (const url of URLS) {
    if (!(await answers(url)))
      return `no ClickHouse cluster answers at ${url} (start one: scripts/clickhouse-cluster.sh start)`;
  }
  return null;
}

/** Whether clickhouse-server is installed (for tests that start their own cluster). */
export function serverInstalled(): boolean {
  const r = spawnSync('bash', ['-c', 'command -v clickhouse-server || test -x /usr/sbin/clickhouse-server'], {
    encoding: 'utf8',
  });
  return r.status === 0;
}

/** Runs a SQL statement on one server (test set-up), throwing on failure. */
export async function sql(url: string, query: string, body?: string): Promise<string> {
  const u = process.env.REIDGATE_CLICKHOUSE_USER!;
  const p = process.env.REIDGATE_CLICKHOUSE_PASSWORD!;
  const r = await fetch(body === undefined ? `${url}/` : `${url}/?query=${encodeURIComponent(query)}`, {
    method: 'POST',
    headers: { Authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` },
    body: body ?? query,
  });
  const text = await r.text();
  if (r.status !== 200) throw new Error(`${query}: ${text}`);
  return text;
}
