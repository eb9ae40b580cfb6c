/**
 * @module engine/duckdb-sql — SQL text for the DuckDB engine: quoting, the CSV reader call, and the
 * class-size queries. Pure string building (no connection), so the queries can be read and tested.
 */

/** Quotes an identifier (column, table) for DuckDB: `"name"` with inner quotes doubled. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal for DuckDB: `'text'` with inner quotes doubled. */
export function lit(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/**
 * Names of the engine's own columns in queries that also carry the user's columns (never a user's
 * column name in practice: the prefix is reserved).
 */
export const N = '"__rg_n"';
export const MASK = '"__rg_mask"';
export const GID = '"__rg_gid"';
export const SUM = '"__rg_sum"';
export const SIZE = '"__rg_size"';
export const ROW = '"__rg_row"';

/** Stands in for "no missing tokens" (DuckDB needs a non-empty nullstr list). */
const NO_TOKEN = '\uE000reidgate:no-missing-token\uE000';

/** How to read one CSV file so that DuckDB sees what reidgate's own loader sees. */
export interface CsvRead {
  file: string;
  delimiter: string;
  /** Column names, in file order (from the header, after reidgate's header rules). */
  names: readonly string[];
  /** Tokens read as missing (null). */
  missing: readonly string[];
}

/**
 * read_csv over a file with every option explicit (no sniffing): RFC 4180 quotes, every column
 * VARCHAR (values compare exactly as released: `2.0` ≠ `2`, spaces kept), the missing tokens read as
 * null whether quoted or not (as reidgate's loader does), the header row skipped.
 */
export function readCsvSql(r: CsvRead): string {
  const columns = r.names.map((n) => `${lit(n)}: 'VARCHAR'`).join(', ');
  const missing = (r.missing.length > 0 ? r.missing : [NO_TOKEN]).map(lit).join(', ');
  return (
    `read_csv(${lit(r.file)}, auto_detect = false, header = true, delim = ${lit(r.delimiter)}, ` +
    `quote = '"', escape = '"', columns = {${columns}}, nullstr = [${missing}], ` +
    `allow_quoted_nulls = true, strict_mode = true, comment = '')`
  );
}

/** `a.c IS NOT DISTINCT FROM b.c AND …` (missing equals missing, as in reidgate's grouping). */
export function sameValues(a: string, b: string, columns: readonly string[]): string {
  return columns.map((c) => `${a}.${ident(c)} IS NOT DISTINCT FROM ${b}.${ident(c)}`).join(' AND ');
}

/** Records by class size: one line per size with the number of classes of that size. */
export function classSizeHistogramSql(relation: string, columns: readonly string[]): string {
  const cols = columns.map(ident).join(', ');
  return (
    `SELECT ${N}::DOUBLE AS size, count(*)::DOUBLE AS classes FROM ` +
    `(SELECT count(*) AS ${N} FROM ${relation} GROUP BY ${cols}) GROUP BY ${N} ORDER BY ${N}`
  );
}

/** The distinct value tuples of `columns` with their record counts (column ${N}). */
export function groupCountsSql(relation: string, columns: readonly string[]): string {
  const cols = columns.map(ident).join(', ');
  return `SELECT ${cols}, count(*) AS ${N} FROM ${relation} GROUP BY ${cols}`;
}

/** The class-size histogram of a table made by `groupCountsSql`. */
export function sizeHistogramOfGroupsSql(groups: string): string {
  return `SELECT ${N}::DOUBLE AS size, count(*)::DOUBLE AS classes FROM ${groups} GROUP BY ${N} ORDER BY ${N}`;
}

/** Per row: its position and its class size, from a table made by `groupCountsSql` (rows in any order). */
export function perRecordSizesSql(
  relation: string,
  row: string,
  groups: string,
  columns: readonly string[],
): string {
  return (
    `SELECT ${row}::INTEGER AS ${ROW}, g.${N}::INTEGER AS ${N} FROM ${relation} AS t ` +
    `JOIN ${groups} AS g ON ${sameValues('t', 'g', columns)}`
  );
}

/** Bit j of a row's wildcard pattern: whether column j holds a wildcard token. */
export function wildcardMaskSql(columns: readonly string[], tokens: readonly string[]): string {
  const list = tokens.map(lit).join(', ');
  return columns
    .map((c, j) => `(CASE WHEN CAST(${ident(c)} AS VARCHAR) IN (${list}) THEN ${2 ** j} ELSE 0 END)`)
    .join(' + ');
}
