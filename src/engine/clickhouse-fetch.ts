/**
 * @module engine/clickhouse-fetch — `fetchRows` on the ClickHouse engine (see types.ts RowsQuery):
 * rows of a table as released strings, for attacks that do not reduce to SQL
 * (src/engine/fetch-local.ts).
 *
 * Columns come back as their encoded keys (clickhouse-sql.ts: `''` missing, `'+' || value` present)
 * and are decoded here. Every row, a list of rows, or the rows in the blocks of some rows of another
 * table: the blocking keys of those rows are fetched first (a few thousand targets) and sent back as a
 * literal `IN` list, so the two tables may live on different servers; each shard filters its own rows.
 * The matching rows are counted first, so a `limit` refuses before anything large comes back. A table
 * used in place without `__rg_row` is numbered in read order with one thread, before the filter.
 */
import { ReidgateError } from '../errors.js';
import type { ClickHouseEngine, ClickHouseTable } from './clickhouse.js';
import { unescapeTsv } from './clickhouse-http.js';
import { chLit, presentKey, ROW } from './clickhouse-sql.js';
import { stringTable } from './duckdb-fetch.js';
import type { FetchedRows, RowsQuery } from './types.js';

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

/**
 * Fetches rows (see RowsQuery).
 * @throws ReidgateError('ENGINE') when the cluster fails
 */
export async function chFetchRows(
  engine: ClickHouseEngine,
  q: RowsQuery,
  wildcard: readonly string[],
): Promise<FetchedRows> {
  const t = engine.tables.get(q.role);
  if (!t) throw new ReidgateError('INTERNAL', `clickhouse engine: no ${q.role} table`);
  const doing = `fetching rows of the ${q.role}`;
  const list = (rows: Int32Array) => (rows.length === 0 ? '(-1)' : `(${Array.from(rows).join(',')})`);
  let where = '1';
  let onCols: readonly string[] = [];
  if (q.rows) where = `${ROW} IN ${list(q.rows)}`;
  else if (q.block) {
    const other = engine.tables.get(q.block.role);
    if (!other) throw new ReidgateError('INTERNAL', `clickhouse engine: no ${q.block.role} table`);
    onCols = q.block.on;
    const tuples = new Set<string>();
    await lines(
      other,
      `SELECT DISTINCT ${onCols.map((_, j) => `b${j}`).join(', ')} FROM (${filtered(
        other,
        onCols.map((c, j) => [c, `b${j}`] as const),
        `${ROW} IN ${list(q.block.rows)}`,
      )})`,
      `fetching the blocking keys of the ${q.block.role}`,
      (cells) => {
        const lits = cells.map(chLit);
        tuples.add(lits.length === 1 ? lits[0] : `(${lits.join(', ')})`);
      },
    );
    const lhs = onCols.length === 1 ? 'b0' : `(${onCols.map((_, j) => `b${j}`).join(', ')})`;
    where = tuples.size > 0 ? `${lhs} IN (${[...tuples].join(', ')})` : '0';
    if (q.role === 'release' && wildcard.length > 0) {
      const tokens = wildcard.map((w) => chLit(presentKey(w))).join(', ');
      where = `(${where}) OR ${onCols.map((_, j) => `b${j} IN (${tokens})`).join(' OR ')}`;
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
  if (q.limit !== undefined && n > q.limit)
    return {
      rows: new Int32Array(0),
      table: stringTable(
        q.columns,
        q.columns.map(() => []),
      ),
      over: n,
    };
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
}
