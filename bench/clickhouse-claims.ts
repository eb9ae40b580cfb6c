/**
 * @module bench/clickhouse-claims — puts a claims Parquet file into the two-shard loopback cluster of
 * `scripts/clickhouse-cluster.sh` as a table that reidgate then reads in place
 * (`--release clickhouse://127.0.0.1:18123/default.TABLE`), the way a claims warehouse would already hold it.
 *
 * Layout: `default.TABLE_local` (MergeTree ordered by `reidgate_row`) on each shard, row r on shard r mod 2, and
 * `default.TABLE` (Distributed over the cluster `reidgate`) on the coordinator; `reidgate_row` = the Parquet file's
 * row number, so record order is the file's. The rows go in as TabSeparated through `clickhouse-client` over the
 * native TCP port (much faster than reidgate's own HTTP loader for 10^8 rows): an embedded DuckDB writes each
 * shard's rows to a temporary TSV file, the client inserts it into that shard's local table directly (no
 * Distributed insert forwarding). Values are the Parquet's text (every claims column is VARCHAR; no value is
 * empty, has a tab or a newline), so no escaping is needed; `reidgate_row` is checked distinct by reidgate.
 *
 * Benchmark tooling only (bench/scale.ts): reidgate's product path for files is `--engine clickhouse` with a file
 * `--release`, which loads through the DuckDB loader over HTTP (src/engine/clickhouse-load.ts).
 */
import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { CLAIMS_HEADER } from '../datasets/cohort/claims.js';

/** Where the cluster listens (the script's defaults) and who may write. */
export interface ClusterAccess {
  /** Native TCP ports of the shards, the coordinator first. */
  tcpPorts: number[];
  user: string;
  password: string;
}

/** The script's cluster with the credentials of REIDGATE_CLICKHOUSE_USER / _PASSWORD. */
export function scriptCluster(): ClusterAccess {
  const user = process.env.REIDGATE_CLICKHOUSE_USER;
  const password = process.env.REIDGATE_CLICKHOUSE_PASSWORD;
  if (!user || password === undefined)
    throw new Error(
      'set REIDGATE_CLICKHOUSE_USER and REIDGATE_CLICKHOUSE_PASSWORD (scripts/clickhouse-cluster.sh)',
    );
  return { tcpPorts: [19001, 19002], user, password };
}

/** Runs clickhouse-client on `port` with `query`, stdin from `input` when given; resolves with stdout. */
function client(access: ClusterAccess, port: number, query: string, input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      'clickhouse-client',
      ['--port', String(port), '--user', access.user, '--password', access.password, '--query', query],
      { stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    p.stdout?.on('data', (d) => {
      out += d;
    });
    p.stderr?.on('data', (d) => {
      err += d;
    });
    if (input && p.stdin) createReadStream(input).pipe(p.stdin);
    p.on('error', reject);
    p.on('close', (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error(`clickhouse-client: ${err.trim().split('\n')[0]}`)),
    );
  });
}

/**
 * Rows of `default.TABLE` on the cluster, or -1 when the table does not exist.
 * @param access - the cluster
 * @param table - the Distributed table's name
 */
export async function clusterRows(access: ClusterAccess, table: string): Promise<number> {
  const exists = await client(access, access.tcpPorts[0], `EXISTS TABLE default.${table}`);
  if (exists !== '1') return -1;
  return Number(await client(access, access.tcpPorts[0], `SELECT count() FROM default.${table}`));
}

/**
 * (Re)creates `default.TABLE` on the cluster from a claims Parquet file (layout in the module comment).
 * @param access - the cluster
 * @param parquet - the claims file (datasets/cohort/claims.ts)
 * @param table - the Distributed table's name
 * @returns the rows inserted
 */
export async function loadClaimsIntoCluster(
  access: ClusterAccess,
  parquet: string,
  table: string,
): Promise<number> {
  const cols = CLAIMS_HEADER.split(',');
  const shards = access.tcpPorts.length;
  const schema = `(reidgate_row UInt64, ${cols.map((c) => `${c} String`).join(', ')})`;
  for (const port of access.tcpPorts) {
    await client(access, port, `DROP TABLE IF EXISTS default.${table}_local`);
    await client(
      access,
      port,
      `CREATE TABLE default.${table}_local ${schema} ENGINE = MergeTree ORDER BY reidgate_row`,
    );
  }
  await client(access, access.tcpPorts[0], `DROP TABLE IF EXISTS default.${table}`);
  await client(
    access,
    access.tcpPorts[0],
    `CREATE TABLE default.${table} AS default.${table}_local ENGINE = Distributed(reidgate, default, ${table}_local)`,
  );
  const tmp = mkdtempSync(join(tmpdir(), 'reidgate-ch-claims-'));
  const db = await DuckDBInstance.create(':memory:', { threads: '1', memory_limit: '1GB' });
  const conn = await db.connect();
  try {
    for (let s = 0; s < shards; s++) {
      const tsv = join(tmp, `shard${s}.tsv`);
      const lit = (x: string) => `'${x.replaceAll("'", "''")}'`;
      await conn.run(
        `COPY (SELECT file_row_number AS reidgate_row, ${cols.join(', ')} FROM read_parquet(${lit(parquet)}, file_row_number = true) ` +
          `WHERE file_row_number % ${shards} = ${s}) TO ${lit(tsv)} (DELIMITER '\t', HEADER false, QUOTE '')`,
      );
      await client(access, access.tcpPorts[s], `INSERT INTO default.${table}_local FORMAT TabSeparated`, tsv);
      rmSync(tsv);
    }
  } finally {
    conn.closeSync();
    db.closeSync();
    rmSync(tmp, { recursive: true, force: true });
  }
  return clusterRows(access, table);
}
