/**
 * @module engine/clickhouse-load — a trial's inputs into the ClickHouse engine.
 *
 * - Files (CSV/TSV, Parquet, `FILE.duckdb#table`) are read by the DuckDB loader (duckdb-load.ts: the
 *   same CSV rules and the same one-line errors as --engine duckdb), encoded in DuckDB (a missing
 *   value → `''`, a value → `'+' || value`, TabSeparated-escaped) and inserted with their row number
 *   into `PREFIX_ROLE_local` (MergeTree, every column String) on every shard, through the Distributed
 *   table `PREFIX_ROLE` whose sharding key is the row number (row r goes to shard r mod shards).
 *   Inserts are synchronous (insert_distributed_sync), so the rows are on the shards when they return.
 * - `clickhouse://host:port/db.table` is used in place, on that server (HTTP port), with the same
 *   credentials. Row order: a column named `reidgate_row` holding 0 … n-1 numbers the rows;
 *   without one, per-record sizes follow the order ClickHouse reads the table with one thread (for a
 *   MergeTree table, part by part in sorting-key order: a background merge may change it), and the
 *   report warns.
 */

import { randomBytes } from 'node:crypto';
import { q, ReidgateError } from '../errors.js';
import type { InputInfo } from '../report/model.js';
import type { ClickHouseEngine } from './clickhouse.js';
import { type ClickHouseServer, parseServerUrl } from './clickhouse-http.js';
import { chIdent, keyExprOf, ROW } from './clickhouse-sql.js';
import { type DuckDbEngine, duckMessage } from './duckdb.js';
import { addInput, type CsvOptions } from './duckdb-load.js';
import { ident, lit } from './duckdb-sql.js';
import { CLICKHOUSE_URI } from './paths.js';
import type { EngineRole } from './types.js';

/** Rows per INSERT request (bounded by bytes too). */
const BATCH_BYTES = 8 << 20;

/** The scratch database on every server. */
const DB = 'default';

/** The documented row-number column of a table used in place. */
export const ROW_COLUMN = 'reidgate_row';

/**
 * Loads a file through DuckDB and inserts it into the cluster.
 * @returns what the report says about the input, and loader warnings
 */
export async function loadFile(
  engine: ClickHouseEngine,
  duck: DuckDbEngine,
  role: EngineRole,
  path: string,
  opts: CsvOptions,
): Promise<{ info: InputInfo; warnings: string[] }> {
  const added = await addInput(duck, role, path, opts);
  const t = duck.tables.get(role)!;
  const servers = engine.opts.servers;
  const stored = t.columns.map((_, i) => `c${i}`);
  const base = `${engine.prefix}_${role}`;
  const local = `${DB}.${base}_local`;
  const dist = `${DB}.${base}`;
  const doing = `loading ${added.info.path}`;
  const columnsSql = `${ROW} UInt32, ${stored.map((c) => `${c} String`).join(', ')}`;
  for (const s of servers) {
    engine.created.push([s, local]);
    await s.exec(`CREATE TABLE ${local} (${columnsSql}) ENGINE = MergeTree ORDER BY ${ROW}`, doing);
  }
  engine.created.push([engine.coordinator, dist]);
  await engine.coordinator.exec(
    `CREATE TABLE ${dist} (${columnsSql}) ENGINE = Distributed(${engine.opts.cluster}, ${DB}, ${base}_local, ${ROW})`,
    doing,
  );
  // One TabSeparated line per row, built by DuckDB: row number, then each value encoded and escaped.
  const esc = (e: string) =>
    `replace(replace(replace(replace(${e}, ${lit('\\')}, ${lit('\\\\')}), chr(9), ${lit('\\t')}), chr(10), ${lit('\\n')}), chr(13), ${lit('\\r')})`;
  const fields = t.columns.map(
    (c) => `CASE WHEN t.${ident(c)} IS NULL THEN '' ELSE '+' || ${esc(`CAST(t.${ident(c)} AS VARCHAR)`)} END`,
  );
  const sql = `SELECT concat_ws(chr(9), CAST(${t.row} AS VARCHAR), ${fields.join(', ')}) FROM ${t.relation} AS t`;
  await streamInto(engine, duck, sql, dist, doing, `reading ${added.info.path}`);
  const [[n]] = await engine.coordinator.numbers(`SELECT count() FROM ${dist}`, doing);
  if (n !== added.info.rows)
    throw new ReidgateError(
      'ENGINE',
      `--engine clickhouse (${engine.coordinator.where}): ${n} of ${added.info.rows} rows of ${added.info.path} arrived on the shards`,
    );
  engine.tables.set(role, {
    server: engine.coordinator,
    relation: dist,
    rows: added.info.rows,
    columns: t.columns,
    keys: new Map(t.columns.map((c, i) => [c, stored[i]])),
    direct: true,
    row: ROW,
    scratchDb: DB,
  });
  return added;
}

/**
 * Inserts the result of a DuckDB query — one TabSeparated line per row, in its one column — into a
 * ClickHouse table on the coordinator, in batches (synchronously on the shards for a Distributed one).
 * @param reading - what DuckDB was doing, for its failure's message
 * @throws ReidgateError('ENGINE') when DuckDB or the server fails
 */
export async function streamInto(
  engine: ClickHouseEngine,
  duck: DuckDbEngine,
  sql: string,
  table: string,
  doing: string,
  reading: string,
): Promise<void> {
  let batch: string[] = [];
  let bytes = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const body = `${batch.join('\n')}\n`;
    batch = [];
    bytes = 0;
    await engine.coordinator.insert(table, body, doing, { insert_distributed_sync: '1' });
  };
  try {
    const result = await duck.conn.stream(sql);
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const v = chunk.getColumnVector(0);
      for (let i = 0; i < chunk.rowCount; i++) {
        const line = v.getItem(i) as string;
        batch.push(line);
        bytes += line.length + 1;
      }
      if (bytes >= BATCH_BYTES) await flush();
    }
  } catch (e) {
    if (e instanceof ReidgateError) throw e;
    throw new ReidgateError('ENGINE', `--engine clickhouse: ${reading} failed (${duckMessage(e)})`);
  }
  await flush();
}

/**
 * Uses a ClickHouse table in place (`clickhouse://host:port/db.table`).
 * @throws ReidgateError — USAGE for a malformed address, INPUT_NOT_FOUND for a missing table,
 *   INPUT_EMPTY for an empty one, ENGINE when the server fails
 */
export async function attachTable(
  engine: ClickHouseEngine,
  role: EngineRole,
  uri: string,
  server: (url: URL) => ClickHouseServer,
): Promise<{ info: InputInfo; warnings: string[] }> {
  const label = `--${role} ${uri}`;
  const m = CLICKHOUSE_URI.exec(uri);
  if (!m)
    throw new ReidgateError(
      'USAGE',
      `--${role} ${q(uri)}: give a ClickHouse table as clickhouse://host:port/db.table`,
    );
  const [, hostPort, db, table] = m;
  const s = server(parseServerUrl(`http://${hostPort}`, `--${role}`));
  const relation = `${chIdent(db)}.${chIdent(table)}`;
  let described: string[][];
  try {
    described = await s.rows(`DESCRIBE TABLE ${relation}`, `describing ${label}`);
  } catch (e) {
    if (e instanceof ReidgateError && e.code === 'INPUT_NOT_FOUND')
      throw new ReidgateError('INPUT_NOT_FOUND', `${label}: no such table on ${s.where}`);
    throw e;
  }
  const types = new Map(described.map((r) => [r[0], r[1]]));
  const columns = [...types.keys()];
  const [[rows]] = await s.numbers(`SELECT count() FROM ${relation}`, `counting the rows of ${label}`);
  if (rows === 0) throw new ReidgateError('INPUT_EMPTY', `${label}: no records (an empty table)`);
  if (rows >= 2 ** 31)
    throw new ReidgateError('INPUT_FORMAT', `${label}: ${rows} rows; at most 2^31 - 1 rows per table`);
  const warnings: string[] = [];
  let row = 'rowNumberInAllBlocks()';
  let rowSettings: Record<string, string> | undefined = { max_threads: '1' };
  if (types.has(ROW_COLUMN)) {
    // Each of 0 … n-1 once: with n rows, min 0 and max n-1, the rows are distinct iff they are a
    // permutation of 0 … n-1, checked by comparing Σ h(row) with Σ_{i<n} h(i) (mod 2^64) for a keyed
    // hash h with a fresh random key: a scan and a sum per shard, no GROUP BY (a GROUP BY of 10^8 row
    // numbers took ~100 s; uniqExact's one hash set ran out of memory). A table with a repeated row
    // number passes only if two 64-bit sums of keyed hashes collide: about 2^-64.
    const r = chIdent(ROW_COLUMN);
    const key = randomBytes(4).readUInt32LE(0);
    const doing = `checking ${ROW_COLUMN} of ${label}`;
    const [[min, max, got]] = await s.rows(
      `SELECT min(${r}), max(${r}), sum(sipHash64(toUInt64(${r}), toUInt32(${key}))) FROM ${relation}`,
      doing,
    );
    const [[want]] = await s.rows(
      `SELECT sum(sipHash64(toUInt64(number), toUInt32(${key}))) FROM (SELECT number FROM system.numbers LIMIT ${rows})`,
      doing,
    );
    const [lo, hi] = [Number(min), Number(max)];
    if (lo !== 0 || hi !== rows - 1 || got !== want)
      throw new ReidgateError(
        'INPUT_FORMAT',
        `${label}: column ${ROW_COLUMN} must number the rows 0 … ${rows - 1} once each`,
      );
    row = chIdent(ROW_COLUMN);
    rowSettings = undefined;
  } else {
    warnings.push(
      `${label}: no ${ROW_COLUMN} column; per-record sizes follow the order ClickHouse reads the table with one thread (add ${ROW_COLUMN} = 0 … n-1 for a stable order)`,
    );
  }
  engine.tables.set(role, {
    server: s,
    relation,
    rows,
    columns,
    keys: new Map(columns.map((c) => [c, keyExprOf(c, types.get(c)!)])),
    // A String column's values are its keys without the '+' prefix: hashing them skips a concat per row.
    hashKeys: new Map(
      columns.map((c) => [c, types.get(c) === 'String' ? chIdent(c) : keyExprOf(c, types.get(c)!)]),
    ),
    neverMissing: new Set(columns.filter((c) => !types.get(c)!.startsWith('Nullable('))),
    direct: false,
    row,
    rowSettings,
    scratchDb: DB,
  });
  return { info: { path: uri, sha256: '', rows, columns, format: 'clickhouse' }, warnings };
}
