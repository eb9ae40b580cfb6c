/**
 * @module engine/duckdb-fetch — `fetchRows` on the DuckDB engine: rows of a table brought back as an
 * Arrow table of released strings, so that attacks that do not reduce to SQL (distance linkage,
 * Fellegi–Sunter, membership scores) run their local kernels on them (src/engine/fetch-local.ts).
 *
 * Every row, a list of rows (a seeded target sample), or the rows whose released strings on the
 * blocking columns are among given keys (uploaded, then a semi join; missing matches missing): the
 * keys are chosen by src/engine/compatible-block.ts from the compatibility relation, with
 * `tupleCounts` (one GROUP BY) giving the release's values and their rows.
 */
import {
  Dictionary,
  Field,
  Int32,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { ReidgateError } from '../errors.js';
import type { DuckDbEngine, DuckTable } from './duckdb.js';
import { ident } from './duckdb-sql.js';
import type { FetchedRows, RowsQuery, TupleCount, TupleCountsQuery } from './types.js';

let scratchId = 0;

/** A list literal of rows (ascending; --targets and the fetch bound keep it small). */
function rowList(rows: Int32Array): string {
  return `(SELECT unnest([${Array.from(rows).join(',')}]::INTEGER[]) AS r)`;
}

/** A column as text, as fetched and compared: its released string (null: missing). */
const text = (c: string) => `CAST(t.${ident(c)} AS VARCHAR)`;

/** Creates temporary table `name` (VARCHAR columns k0, k1, …) holding `keys` (null: missing). */
async function uploadKeys(
  engine: DuckDbEngine,
  name: string,
  width: number,
  keys: ReadonlyArray<ReadonlyArray<string | null>>,
  doing: string,
): Promise<void> {
  const cols = Array.from({ length: width }, (_, j) => `k${j} VARCHAR`).join(', ');
  try {
    await engine.conn.run(`CREATE TEMP TABLE ${name} (${cols})`);
    const appender = await engine.conn.createAppender(name);
    for (const key of keys) {
      for (const v of key) {
        if (v === null) appender.appendNull();
        else appender.appendVarchar(v);
      }
      appender.endRow();
    }
    appender.closeSync();
  } catch (e) {
    throw engine.failure(e, doing);
  }
}

/**
 * The rows (as `r`) of `t` whose released strings on `on` form one of the keys of table `keys`
 * (a semi join; missing matches missing).
 */
function keyedRows(t: DuckTable, on: readonly string[], keys: string): string {
  const eq = on.map((c, j) => `${text(c)} IS NOT DISTINCT FROM k.k${j}`).join(' AND ');
  return `SELECT ${t.row} AS r FROM ${t.relation} AS t SEMI JOIN ${keys} AS k ON ${eq}`;
}

/**
 * Fetches rows (see RowsQuery). Run it inside the engine's one-operation-at-a-time queue.
 * @throws ReidgateError('ENGINE') when DuckDB fails
 */
export async function duckFetchRows(engine: DuckDbEngine, q: RowsQuery): Promise<FetchedRows> {
  const t = engine.tables.get(q.role);
  if (!t) throw new ReidgateError('INTERNAL', `duckdb engine: no ${q.role} table`);
  const doing = `fetching rows of the ${q.role}`;
  const id = scratchId++;
  const picked = `rg_fetch${id}`;
  const keys = `rg_fetchkeys${id}`;
  let source: string;
  try {
    if (q.rows) {
      source = `SELECT ${t.row} AS r FROM ${t.relation} AS t WHERE ${t.row} IN ${rowList(q.rows)}`;
    } else if (q.block) {
      await uploadKeys(engine, keys, q.block.on.length, q.block.keys, doing);
      source = keyedRows(t, q.block.on, keys);
    } else {
      source = `SELECT ${t.row} AS r FROM ${t.relation} AS t`;
    }
    await engine.all(`CREATE TEMP TABLE ${picked} AS ${source}`, doing);
    const [[count]] = await engine.all(`SELECT count(*)::DOUBLE FROM ${picked}`, doing);
    const n = count as number;
    const rows = new Int32Array(n);
    const values = q.columns.map(() => new Array<string | null>(n));
    const sel = q.columns.map((c) => `, ${text(c)}`).join('');
    const filter = q.rows || q.block ? ` WHERE ${t.row} IN (SELECT r FROM ${picked})` : '';
    let at = 0;
    try {
      const result = await engine.conn.stream(
        `SELECT (${t.row})::INTEGER AS r${sel} FROM ${t.relation} AS t${filter} ORDER BY 1`,
      );
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        // Whole columns at once: about twice as fast as a getItem per cell.
        const cols = chunk.getColumns();
        const k = chunk.rowCount;
        const r = cols[0];
        for (let i = 0; i < k; i++) rows[at + i] = r[i] as number;
        for (let j = 0; j < q.columns.length; j++) {
          const v = cols[j + 1];
          const out = values[j];
          for (let i = 0; i < k; i++) out[at + i] = v[i] as string | null;
        }
        at += k;
      }
    } catch (e) {
      throw engine.failure(e, doing);
    }
    return { rows, table: stringTable(q.columns, values) };
  } finally {
    await engine.conn.run(`DROP TABLE IF EXISTS ${picked}`).catch(() => {});
    await engine.conn.run(`DROP TABLE IF EXISTS ${keys}`).catch(() => {});
  }
}

/**
 * Distinct tuples of released strings and their rows (see TupleCountsQuery): one GROUP BY, each
 * `within` list a semi join with an uploaded table. Run it inside the engine's queue.
 * @throws ReidgateError('ENGINE') when DuckDB fails
 */
export async function duckTupleCounts(engine: DuckDbEngine, q: TupleCountsQuery): Promise<TupleCount[]> {
  const t = engine.tables.get(q.role);
  if (!t) throw new ReidgateError('INTERNAL', `duckdb engine: no ${q.role} table`);
  const doing = `counting the ${q.role}'s values on ${q.columns.join(', ')}`;
  const id = scratchId++;
  const lists: string[] = [];
  try {
    let from = `${t.relation} AS t`;
    for (const [j, within] of (q.within ?? []).entries()) {
      if (!within) continue;
      const name = `rg_within${id}_${j}`;
      lists.push(name);
      await uploadKeys(
        engine,
        name,
        1,
        within.map((v) => [v]),
        doing,
      );
      from += ` SEMI JOIN ${name} AS w${j} ON ${text(q.columns[j])} IS NOT DISTINCT FROM w${j}.k0`;
    }
    const keys = q.columns.map((c, j) => `${text(c)} AS v${j}`).join(', ');
    const groups = q.columns.map((_, j) => `v${j}`).join(', ');
    const out: TupleCount[] = [];
    for (const row of await engine.all(
      `SELECT ${keys}, count(*)::DOUBLE FROM ${from} GROUP BY ${groups}`,
      doing,
    )) {
      const k = q.columns.length;
      out.push({
        values: row.slice(0, k).map((v) => (v === null ? null : String(v))),
        rows: row[k] as number,
      });
    }
    return out;
  } finally {
    for (const name of lists) await engine.conn.run(`DROP TABLE IF EXISTS ${name}`).catch(() => {});
  }
}

/**
 * An Arrow table of Dictionary<Utf8, Int32> columns (null: missing), each dictionary in order of first
 * appearance, as the CSV loader makes them (src/io/dictionary-columns.ts): so fetched rows encode
 * with the same codes as the file would.
 */
export function stringTable(
  names: readonly string[],
  values: ReadonlyArray<ReadonlyArray<string | null>>,
): Table {
  const n = values[0]?.length ?? 0;
  const fields: Field[] = [];
  const children = names.map((name, j) => {
    const type = new Dictionary(new Utf8(), new Int32());
    const codes = new Int32Array(n);
    const bitmap = new Uint8Array((n + 7) >> 3);
    const index = new Map<string, number>();
    const dict: string[] = [];
    let nulls = 0;
    const col = values[j];
    for (let i = 0; i < n; i++) {
      const v = col[i];
      if (v === null || v === undefined) {
        nulls++;
        continue;
      }
      let c = index.get(v);
      if (c === undefined) {
        c = dict.length;
        dict.push(v);
        index.set(v, c);
      }
      codes[i] = c;
      bitmap[i >> 3] |= 1 << (i & 7);
    }
    fields.push(new Field(name, type, true));
    const dictionary = vectorFromArray(dict, new Utf8());
    return makeData({
      type,
      offset: 0,
      length: n,
      nullCount: nulls,
      nullBitmap: bitmap,
      data: codes,
      dictionary,
    });
  });
  const schema = new Schema(fields);
  const struct = makeData({ type: new Struct(fields), length: n, nullCount: 0, children });
  return new Table(schema, new RecordBatch(schema, struct));
}
