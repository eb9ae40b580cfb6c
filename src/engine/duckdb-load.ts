/**
 * @module engine/duckdb-load — a trial's input files into the DuckDB engine, read by DuckDB itself.
 *
 * - CSV/TSV (`.csv .tsv .txt`): the delimiter is sniffed by reidgate's own sniffer (or --delimiter),
 *   the header follows reidgate's rules (names trimmed, an empty name becomes `column_<n>` with a
 *   warning, duplicate names are an error), then DuckDB reads every column as VARCHAR with the
 *   trial's missing tokens as null (duckdb-sql.ts) into a table of the work database.
 * - Parquet: read in place, not copied: a view over read_parquet whose row position is the file row
 *   (`file_row_number`), so every query scans the file (DuckDB reads only the columns it needs, in
 *   parallel by row group). `parquetInPlace: false` copies it into a table first instead (slower at
 *   every size measured: BENCHMARKS.md, "claims scale"). Typed columns compare by value, as the local
 *   loader's do.
 * - A DuckDB database: `file.duckdb#table` (or `.db`, `.ddb`; `#schema.table` too) is attached
 *   read-only and its table is used in place, not copied; `#table` may be left out when the file holds
 *   exactly one table. Its row order is rowid order.
 * Arrow IPC files are not read on this engine (DuckDB has no built-in reader for them).
 *
 * Every failure is a one-line ReidgateError naming the input: INPUT_NOT_FOUND, INPUT_FORMAT,
 * INPUT_PARSE, INPUT_EMPTY, COLUMN (exit 2); running out of memory while loading is ENGINE (exit 3).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { listNames, q, ReidgateError } from '../errors.js';
import { describeMagic, fsError, labelFor, readHead, sniffMagic, statFile } from './../io/file.js';
import { formatOf } from '../io/load.js';
import { normalizeDelimiter, sniffDelimiter } from '../io/sniff-delimiter.js';
import { DEFAULT_MISSING } from '../io/types.js';
import type { InputInfo } from '../report/model.js';
import { type DuckDbEngine, type DuckTable, duckMessage } from './duckdb.js';
import { ident, lit, readCsvSql } from './duckdb-sql.js';
import { DUCKDB_PATH } from './paths.js';
import type { EngineRole } from './types.js';

/** How CSV inputs are read. */
export interface CsvOptions {
  missing?: readonly string[];
  delimiter?: string;
  /** Parquet: a view over the file (default true) rather than a copy into the work database. */
  parquetInPlace?: boolean;
}

/** The row-position column of a Parquet view (the file row, from read_parquet's file_row_number). */
const RAW_ROW = '__rg_file_row';

/** Sniffing looks at this many leading bytes, as the local loader does. */
const SNIFF_BYTES = 1 << 16;

/** SHA-256 of a file, streamed. */
async function sha256(file: string, label: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }))
      hash.update(chunk as Buffer);
  } catch (e) {
    throw fsError(e, label);
  }
  return hash.digest('hex');
}

/** Maps a DuckDB failure while reading an input to a ReidgateError naming it. */
function readFailure(engine: DuckDbEngine, e: unknown, label: string, format: string): ReidgateError {
  const msg = duckMessage(e);
  if (/out of memory/i.test(msg)) return engine.failure(e, `loading ${label}`);
  if (/IO Error|No files found|cannot open/i.test(msg))
    return new ReidgateError('INPUT_NOT_FOUND', `${label}: cannot read the file (${msg})`);
  if (format === 'parquet' && /parquet|magic/i.test(msg))
    return new ReidgateError('INPUT_FORMAT', `${label}: is not a valid Parquet file (${msg})`);
  return new ReidgateError('INPUT_PARSE', `${label}: DuckDB could not read it (${msg}${csvReason(e)})`);
}

/**
 * The reason line of a DuckDB CSV error (e.g. "Expected Number of Columns: 2 Found: 1"). DuckDB also
 * quotes the offending record ("Original Line: …"): that line is never echoed (no record values).
 */
function csvReason(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  const hit =
    /Expected Number of Columns: \d+ Found: \d+|Value with unterminated quote found|Invalid unicode \(byte sequence mismatch\) detected|not utf-8 encoded/.exec(
      m,
    );
  return hit ? `: ${hit[0]}` : '';
}

/**
 * The first record of CSV text (RFC 4180 quotes: `""` inside quotes is one quote), or null when the
 * text ends inside it (or, when `complete` is false, ends before a line end). Blank leading lines are
 * skipped.
 */
export function firstRecord(text: string, delimiter: string, complete = true): string[] | null {
  const fields: string[] = [];
  let field = '';
  let inQuotes = false;
  let i = 0;
  while (text[i] === '\n' || text[i] === '\r') i++;
  for (; i < text.length; i++) {
    const c = text[i];
    if (inQuotes) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else inQuotes = false;
    } else if (c === '"') inQuotes = true;
    else if (c === delimiter) {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      fields.push(field);
      return fields;
    } else field += c;
  }
  if (!complete || inQuotes || (fields.length === 0 && field === '')) return null;
  fields.push(field);
  return fields;
}

/** Header names under reidgate's rules; warnings for renamed empty names. */
function headerNames(raw: readonly unknown[], label: string, warnings: string[]): string[] {
  const names = raw.map((h) => (h === null || h === undefined ? '' : String(h).trim()));
  const seen = new Map<string, number>();
  for (let i = 0; i < names.length; i++) {
    if (names[i] === '') {
      names[i] = `column_${i + 1}`;
      warnings.push(`${label}: column ${i + 1} has an empty header; named it ${names[i]}`);
    }
    const prev = seen.get(names[i]);
    if (prev !== undefined) {
      throw new ReidgateError(
        'COLUMN',
        `${label}: duplicate column name ${q(names[i])} (columns ${prev + 1} and ${i + 1})`,
      );
    }
    seen.set(names[i], i);
  }
  return names;
}

/** Loads a CSV file into table `role`. */
async function loadCsv(
  engine: DuckDbEngine,
  name: string,
  file: string,
  label: string,
  size: number,
  opts: CsvOptions,
  warnings: string[],
): Promise<void> {
  const head = await readHead(file, label, SNIFF_BYTES);
  const magic = sniffMagic(head);
  if (magic !== null)
    throw new ReidgateError('INPUT_FORMAT', `${label}: is not CSV text (it is ${describeMagic(magic)})`);
  if (head.includes(0))
    throw new ReidgateError(
      'INPUT_FORMAT',
      `${label}: is not CSV text (a NUL byte: a binary file, or UTF-16 text)`,
    );
  const text = new TextDecoder().decode(head).replace(/^\uFEFF/, '');
  const delimiter =
    opts.delimiter !== undefined
      ? normalizeDelimiter(opts.delimiter, label)
      : sniffDelimiter(text, extname(file).toLowerCase(), size <= SNIFF_BYTES);
  const header = firstRecord(text, delimiter, size <= SNIFF_BYTES);
  if (header === null) {
    throw new ReidgateError(
      size <= SNIFF_BYTES ? 'INPUT_EMPTY' : 'INPUT_PARSE',
      size <= SNIFF_BYTES ? `${label}: no header row` : `${label}: the header row is longer than 64 KiB`,
    );
  }
  const names = headerNames(header, label, warnings);
  const sql = readCsvSql({ file, delimiter, names, missing: opts.missing ?? DEFAULT_MISSING });
  try {
    await engine.conn.run(`CREATE TABLE ${ident(name)} AS SELECT * FROM ${sql}`);
  } catch (e) {
    throw readFailure(engine, e, label, 'csv');
  }
}

/** Attaches a DuckDB database read-only and returns the relation of its table. */
async function attachDuckDb(
  engine: DuckDbEngine,
  name: string,
  file: string,
  wanted: string | undefined,
  label: string,
): Promise<string> {
  const alias = `src_${name}`;
  try {
    await engine.conn.run(`ATTACH ${lit(file)} AS ${ident(alias)} (READ_ONLY)`);
  } catch (e) {
    throw new ReidgateError(
      'INPUT_FORMAT',
      `${label}: is not a DuckDB database DuckDB can open (${duckMessage(e)})`,
    );
  }
  const tables = (
    await engine.all(
      `SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ${lit(alias)} ORDER BY 1, 2`,
      `listing the tables of ${label}`,
    )
  ).map(([s, t]) => ({ schema: String(s), table: String(t) }));
  const shown = listNames(tables.map((t) => (t.schema === 'main' ? t.table : `${t.schema}.${t.table}`)));
  if (wanted === undefined || wanted === '') {
    if (tables.length !== 1) {
      throw new ReidgateError(
        'USAGE',
        `${label}: name the table as FILE#TABLE (${tables.length === 0 ? 'the database holds no tables' : `tables: ${shown}`})`,
      );
    }
    return `${ident(alias)}.${ident(tables[0].schema)}.${ident(tables[0].table)}`;
  }
  const dot = wanted.indexOf('.');
  const [schema, table] = dot === -1 ? ['main', wanted] : [wanted.slice(0, dot), wanted.slice(dot + 1)];
  const hit = tables.find((t) => t.schema === schema && t.table === table);
  if (!hit)
    throw new ReidgateError(
      'INPUT_NOT_FOUND',
      `${label}: no table ${q(wanted)} (tables: ${shown || 'none'})`,
    );
  return `${ident(alias)}.${ident(hit.schema)}.${ident(hit.table)}`;
}

/**
 * Adds one input to the engine as table `role` (or an attached table used in place).
 * @param engine - the open DuckDB engine
 * @param role - the input's role
 * @param path - the path as the user gave it (`file.duckdb#table` for a DuckDB table)
 * @param opts - CSV missing tokens and delimiter
 * @returns what the report says about the input, and loader warnings
 * @throws ReidgateError (see the module comment)
 */
export async function addInput(
  engine: DuckDbEngine,
  role: EngineRole,
  path: string,
  opts: CsvOptions,
): Promise<{ info: InputInfo; warnings: string[] }> {
  const added = await addTable(engine, role, path, labelFor(path, `--${role}`), opts);
  engine.tables.set(role, added.table);
  await engine.mergeWildcardTokens(role);
  return { info: added.info, warnings: added.warnings };
}

/**
 * Adds one file to the engine as table `name` of the work database (or an attached table used in
 * place), without giving it a role (event tables of relational trials: duckdb-events.ts).
 * @param engine - the open DuckDB engine
 * @param name - the table's name in the work database (unique per engine)
 * @param path - the path as the user gave it (`file.duckdb#table` for a DuckDB table)
 * @param label - how messages name the input (e.g. `--release data.csv`)
 * @param opts - CSV missing tokens and delimiter
 * @throws ReidgateError (see the module comment)
 */
export async function addTable(
  engine: DuckDbEngine,
  name: string,
  path: string,
  label: string,
  opts: CsvOptions,
): Promise<{ table: DuckTable; info: InputInfo; warnings: string[] }> {
  const dbMatch = DUCKDB_PATH.exec(path);
  const file = dbMatch ? dbMatch[1] : path;
  const format = dbMatch ? 'duckdb' : formatOf(path);
  if (format === null || format === 'arrow') {
    throw new ReidgateError(
      'INPUT_FORMAT',
      `${label}: --engine duckdb reads .csv .tsv .txt .parquet and DuckDB tables (FILE.duckdb#TABLE); ` +
        `${format === 'arrow' ? 'convert Arrow IPC to Parquet, or use --engine local' : `not ${q(extname(path) || '(no extension)')}`}`,
    );
  }
  const size = await statFile(file, label);
  if (size === 0) throw new ReidgateError('INPUT_EMPTY', `${label}: file is empty (0 bytes)`);
  const warnings: string[] = [];
  let relation = ident(name);
  let row: string | undefined;
  if (format === 'csv') {
    await loadCsv(engine, name, file, label, size, opts, warnings);
  } else if (format === 'parquet') {
    const magic = sniffMagic(await readHead(file, label));
    if (magic !== 'parquet')
      throw new ReidgateError('INPUT_FORMAT', `${label}: is not a Parquet file (no PAR1 magic)`);
    try {
      const own = await engine.conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${lit(file)})`);
      const names = own.getRows().map((r) => String(r[0]));
      if (opts.parquetInPlace !== false && !names.includes('file_row_number') && !names.includes(RAW_ROW)) {
        await engine.conn.run(
          `CREATE VIEW ${relation} AS SELECT * EXCLUDE (file_row_number), file_row_number AS ${ident(RAW_ROW)} ` +
            `FROM read_parquet(${lit(file)}, file_row_number = true)`,
        );
        row = `t.${ident(RAW_ROW)}`;
      } else {
        await engine.conn.run(`CREATE TABLE ${relation} AS SELECT * FROM read_parquet(${lit(file)})`);
      }
    } catch (e) {
      throw readFailure(engine, e, label, 'parquet');
    }
  } else {
    relation = await attachDuckDb(engine, name, file, dbMatch?.[2], label);
  }
  const [[rows, maxRowid]] = await engine.all(
    row
      ? `SELECT count(*)::DOUBLE, NULL FROM ${relation}`
      : `SELECT count(*)::DOUBLE, max(rowid)::DOUBLE FROM ${relation}`,
    `counting the rows of ${label}`,
  );
  if (rows === 0)
    throw new ReidgateError('INPUT_EMPTY', `${label}: no records (header only or an empty table)`);
  if ((rows as number) >= 2 ** 31)
    throw new ReidgateError('INPUT_FORMAT', `${label}: ${rows} rows; at most 2^31 - 1 rows per table`);
  const columns = (await engine.all(`DESCRIBE SELECT * FROM ${relation}`, `describing ${label}`))
    .map((r) => String(r[0]))
    .filter((c) => row === undefined || c !== RAW_ROW);
  // Materialized tables number rows in file order; an attached table may have gaps after deletes.
  row ??= maxRowid === (rows as number) - 1 ? 't.rowid' : '(row_number() OVER (ORDER BY t.rowid) - 1)';
  return {
    table: { relation, row, rows: rows as number, columns },
    info: { path, sha256: await sha256(file, label), rows: rows as number, columns, format, bytes: size },
    warnings,
  };
}
