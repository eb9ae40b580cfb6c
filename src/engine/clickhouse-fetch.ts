/**
 * @module engine/clickhouse-fetch — `fetchRows` on the ClickHouse engine (see types.ts RowsQuery):
 * rows of a table as released strings, for attacks that do not reduce to SQL
 * (src/engine/fetch-local.ts).
 *
 * Columns come back as their encoded keys (clickhouse-sql.ts: `''` missing, `'+' || value` present)
 * and are decoded here. Every row, a list of rows, or the rows whose released strings on the blocking
 * columns are among given keys (chosen by src/engine/compatible-block.ts): the keys are uploaded as a
 * scratch table on the table's server and each shard filters its own rows by GLOBAL IN. `tupleCounts`
 * (distinct tuples and their rows, for choosing the blocking) is one GROUP BY on the shards. A table
 * used in place without `__rg_row` is numbered in read order with one thread, before the filter.
 */
import { ReidgateError } from '../errors.js';
import type { ClickHouseEngine, ClickHouseTable } from './clickhouse.js';
import { unescapeTsv } from './clickhouse-http.js';
import { type Column, upload } from './clickhouse-linkage.js';
import { presentKey, ROW } from './clickhouse-sql.js';
import { stringTable } from './duckdb-fetch.js';
import type { FetchedRows, RowsQuery, TupleCount, TupleCountsQuery } from './types.js';

/** A key back to its released string (null: missing). */
function decode(key: string): string | null {
  return key === '' ? null : key.slice(1);
}

/** Columns' keys under aliases: [column, alias]. */
type Aliased = ReadonlyArray<readonly [string, string]>;

/**
 * The rows of `t` (ROW and the aliased keys) where `where` holds (over ROW and the aliases): filtered
 * on the shards for a loaded input; a table numbered in read order is numbered before the filter.
 */
function filtered(t: ClickHouseTable, keys: Aliased, where: string): string {
  const sel = keys.map(([c, a]) => `, ${t.keys.get(c)} AS ${a}`).join('');
  if (t.direct && t.row === ROW) return `SELECT ${ROW}${sel} FROM ${t.relation} WHERE ${where}`;
  return `SELECT * FROM (SELECT ${t.row} AS ${ROW}${sel} FROM ${t.relation}) WHERE ${where}`;
}

/** Streams `sql`'s TabSeparated lines, split and unescaped. */
async function lines(t: ClickHouseTable, sql: string, doing: string, each: (cells: string[]) => void) {
  await t.server.streamLines(sql, doing, (l) => each(l.split('\t').map(unescapeTsv)), t.rowSettings);
}

/** Uploads `keys` (one key per released string: '' missing, '+value') as scratch columns k0, k1, …. */
async function uploadKeys(
  engine: ClickHouseEngine,
  t: ClickHouseTable,
  width: number,
  keys: ReadonlyArray<ReadonlyArray<string | null>>,
  doing: string,
): Promise<string> {
  const cols = Array.from(
    { length: width },
    (_, j) => [`k${j}`, 'String', keys.map((k) => (k[j] === null ? '' : presentKey(k[j]!)))] as Column,
  );
  return upload(engine, t, 'blk', cols, doing);
}

/** A filter: the aliases `b…` of `cols` (indices) form one of the tuples of scratch table `keys`. */
function keyedBy(cols: readonly number[], keys: string): string {
  const lhs = cols.length === 1 ? `b${cols[0]}` : `(${cols.map((j) => `b${j}`).join(', ')})`;
  return `${lhs} GLOBAL IN (SELECT ${cols.map((_, i) => `k${i}`).join(', ')} FROM ${keys})`;
}

/**
 * Fetches rows (see RowsQuery).
 * @throws ReidgateError('ENGINE') when the cluster fails
 */
export async function chFetchRows(engine: ClickHouseEngine, q: RowsQuery): Promise<FetchedRows> {
  const t = engine.tables.get(q.role);
  if (!t) throw new ReidgateError('INTERNAL', `clickhouse engine: no ${q.role} table`);
  const doing = `fetching rows of the ${q.role}`;
  const list = (rows: Int32Array) => (rows.length === 0 ? '(-1)' : `(${Array.from(rows).join(',')})`);
  let where = '1';
  const onCols = q.block?.on ?? [];
  const scratch: string[] = [];
  try {
    if (q.rows) where = `${ROW} IN ${list(q.rows)}`;
    else if (q.block) {
      if (q.block.keys.length === 0) where = '0';
      else {
        scratch.push(await uploadKeys(engine, t, onCols.length, q.block.keys, doing));
        where = keyedBy(
          onCols.map((_, j) => j),
          scratch[0],
        );
      }
    }
    // Blocking keys as b0, b1, … beside the fetched columns k0, k1, ….
    const source = filtered(
      t,
      [...q.columns.map((c, j) => [c, `k${j}`] as const), ...onCols.map((c, j) => [c, `b${j}`] as const)],
      where,
    );
    let n = 0;
    await lines(t, `SELECT count() FROM (${source})`, doing, (cells) => {
      n = Number(cells[0]);
    });
    const rows = new Int32Array(n);
    const values = q.columns.map(() => new Array<string | null>(n));
    let at = 0;
    const sel = [ROW, ...q.columns.map((_, j) => `k${j}`)].join(', ');
    await lines(t, `SELECT ${sel} FROM (${source}) ORDER BY ${ROW}`, doing, (cells) => {
      if (at >= n) return;
      rows[at] = Number(cells[0]);
      for (let j = 0; j < q.columns.length; j++) values[j][at] = decode(cells[j + 1]);
      at++;
    });
    if (at !== n)
      throw new ReidgateError(
        'ENGINE',
        `--engine clickhouse (${t.server.where}): ${at} of ${n} rows came back while ${doing}`,
      );
    return { rows, table: stringTable(q.columns, values) };
  } finally {
    await dropAll(t, scratch);
  }
}

/** Drops scratch tables (failures ignored: the engine drops them again on close). */
async function dropAll(t: ClickHouseTable, names: readonly string[]): Promise<void> {
  for (const name of names)
    await t.server.exec(`DROP TABLE IF EXISTS ${name}`, 'dropping a scratch table').catch(() => {});
}

/**
 * Distinct tuples of released strings and their rows (see TupleCountsQuery): one GROUP BY on the
 * shards, each `within` list an uploaded scratch table filtered by GLOBAL IN.
 * @throws ReidgateError('ENGINE') when the cluster fails
 */
export async function chTupleCounts(engine: ClickHouseEngine, q: TupleCountsQuery): Promise<TupleCount[]> {
  const t = engine.tables.get(q.role);
  if (!t) throw new ReidgateError('INTERNAL', `clickhouse engine: no ${q.role} table`);
  const doing = `counting the ${q.role}'s values on ${q.columns.join(', ')}`;
  const scratch: string[] = [];
  try {
    const where: string[] = [];
    for (const [j, within] of (q.within ?? []).entries()) {
      if (!within) continue;
      if (within.length === 0) {
        where.push('0');
        continue;
      }
      const name = await uploadKeys(
        engine,
        t,
        1,
        within.map((v) => [v]),
        doing,
      );
      scratch.push(name);
      where.push(keyedBy([j], name));
    }
    const groups = q.columns.map((_, j) => `b${j}`).join(', ');
    const source = filtered(
      t,
      q.columns.map((c, j) => [c, `b${j}`] as const),
      where.length > 0 ? where.join(' AND ') : '1',
    );
    const out: TupleCount[] = [];
    const k = q.columns.length;
    await lines(t, `SELECT ${groups}, count() FROM (${source}) GROUP BY ${groups}`, doing, (cells) => {
      out.push({ values: cells.slice(0, k).map(decode), rows: Number(cells[k]) });
    });
    return out;
  } finally {
    await dropAll(t, scratch);
  }
}
