/**
 * @module engine/duckdb-fetch — `fetchRows` on the DuckDB engine: rows of a table brought back as an
 * Arrow table of released strings, so that attacks that do not reduce to SQL (distance linkage,
 * Fellegi–Sunter, membership scores) run their local kernels on them (src/engine/fetch-local.ts).
 *
 * Every row, a list of rows (a seeded target sample), or the rows in the blocks of some rows of
 * another table (a join on the blocking columns' released strings; missing equals missing; under
 * --wildcard a row holding a wildcard token in a blocking column is in every block). The matching
 * rows are counted first, so a `limit` refuses before anything large comes back.
 */
import { Table, Utf8, vectorFromArray } from 'apache-arrow';
import { ReidgateError } from '../errors.js';
import type { DuckDbEngine } from './duckdb.js';
import { ident, lit } from './duckdb-sql.js';
import type { FetchedRows, RowsQuery } from './types.js';

let scratchId = 0;

/** A list literal of rows (ascending; --targets and the fetch bound keep it small). */
function rowList(rows: Int32Array): string {
  return `(SELECT unnest([${Array.from(rows).join(',')}]::INTEGER[]) AS r)`;
}

/**
 * Fetches rows (see RowsQuery). Run it inside the engine's one-operation-at-a-time queue.
 * @throws ReidgateError('ENGINE') when DuckDB fails
 */
export async function duckFetchRows(
  engine: DuckDbEngine,
  q: RowsQuery,
  wildcard: readonly string[],
): Promise<FetchedRows> {
  const t = engine.tables.get(q.role);
  if (!t) throw new ReidgateError('INTERNAL', `duckdb engine: no ${q.role} table`);
  const doing = `fetching rows of the ${q.role}`;
  const id = scratchId++;
  const picked = `rg_fetch${id}`;
  let source: string;
  if (q.rows) {
    source = `SELECT ${t.row} AS r FROM ${t.relation} AS t WHERE ${t.row} IN ${rowList(q.rows)}`;
  } else if (q.block) {
    const other = engine.tables.get(q.block.role)!;
    const on = q.block.on;
    const keys = on.map((c, j) => `CAST(t.${ident(c)} AS VARCHAR) AS k${j}`).join(', ');
    const eq = on.map((c, j) => `CAST(t.${ident(c)} AS VARCHAR) IS NOT DISTINCT FROM k.k${j}`).join(' AND ');
    const tokens = wildcard.map(lit).join(', ');
    const wild =
      q.role === 'release' && wildcard.length > 0
        ? ` UNION SELECT ${t.row} FROM ${t.relation} AS t WHERE ${on.map((c) => `CAST(t.${ident(c)} AS VARCHAR) IN (${tokens})`).join(' OR ')}`
        : '';
    source =
      `SELECT ${t.row} AS r FROM ${t.relation} AS t SEMI JOIN ` +
      `(SELECT DISTINCT ${keys} FROM ${other.relation} AS t WHERE ${other.row} IN ${rowList(q.block.rows)}) AS k ON ${eq}${wild}`;
  } else {
    source = `SELECT ${t.row} AS r FROM ${t.relation} AS t`;
  }
  try {
    await engine.all(`CREATE TEMP TABLE ${picked} AS ${source}`, doing);
    const [[count]] = await engine.all(`SELECT count(*)::DOUBLE FROM ${picked}`, doing);
    const n = count as number;
    if (q.limit !== undefined && n > q.limit) {
      return { rows: new Int32Array(0), table: emptyTable(q.columns), over: n };
    }
    const rows = new Int32Array(n);
    const values = q.columns.map(() => new Array<string | null>(n));
    const sel = q.columns.map((c) => `, CAST(t.${ident(c)} AS VARCHAR)`).join('');
    let at = 0;
    await engine.streamChunks(
      `SELECT (${t.row})::INTEGER AS r${sel} FROM ${t.relation} AS t WHERE ${t.row} IN (SELECT r FROM ${picked}) ORDER BY 1`,
      doing,
      (col, k) => {
        const r = col(0);
        for (let i = 0; i < k; i++) rows[at + i] = r.getItem(i) as number;
        q.columns.forEach((_, j) => {
          const v = col(j + 1);
          const out = values[j];
          for (let i = 0; i < k; i++) out[at + i] = v.getItem(i) as string | null;
        });
        at += k;
      },
    );
    return { rows, table: stringTable(q.columns, values) };
  } finally {
    await engine.conn.run(`DROP TABLE IF EXISTS ${picked}`).catch(() => {});
  }
}

/** An Arrow table of Utf8 columns (null: missing). */
export function stringTable(
  names: readonly string[],
  values: ReadonlyArray<ReadonlyArray<string | null>>,
): Table {
  return new Table(Object.fromEntries(names.map((c, j) => [c, vectorFromArray(values[j], new Utf8())])));
}

function emptyTable(names: readonly string[]): Table {
  return stringTable(
    names,
    names.map(() => []),
  );
}
