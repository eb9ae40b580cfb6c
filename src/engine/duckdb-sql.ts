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

/** Stands in for a wildcard token in grouping keys (one value, whatever the token). */
const WILDCARD_KEY = '\uE000reidgate:wildcard\uE000';

/** Name of the i-th grouping key column in the engine's scratch tables. */
export function keyName(i: number): string {
  return `"__rg_k${i}"`;
}

/**
 * Grouping keys of `columns` over a relation aliased `t`, as `expr AS key_i`: the value itself, or,
 * with wildcard tokens, the value as text with every token one value of its own (as reidgate's
 * encoding codes every token as WILDCARD). No columns: one constant key (the whole table is one class).
 */
export function groupKeysSql(columns: readonly string[], tokens: readonly string[]): string[] {
  if (columns.length === 0) return [`0 AS ${keyName(0)}`];
  const list = tokens.map(lit).join(', ');
  return columns.map((c, i) => {
    const v = `t.${ident(c)}`;
    const e =
      tokens.length === 0
        ? v
        : `(CASE WHEN CAST(${v} AS VARCHAR) IN (${list}) THEN ${lit(WILDCARD_KEY)} ELSE CAST(${v} AS VARCHAR) END)`;
    return `${e} AS ${keyName(i)}`;
  });
}

/** The key column names matching `groupKeysSql(columns, …)`. */
export function keyNames(columns: readonly string[]): string[] {
  return Array.from({ length: Math.max(1, columns.length) }, (_, i) => keyName(i));
}

/** `a.k0 IS NOT DISTINCT FROM b.k0 AND …` over raw key names. */
export function sameKeys(a: string, b: string, keys: readonly string[]): string {
  return keys.map((k) => `${a}.${k} IS NOT DISTINCT FROM ${b}.${k}`).join(' AND ');
}

/**
 * A column as numbers the way reidgate's loader reads them (`Number(text.trim())`): text columns are
 * trimmed and must be decimal numbers (else null); typed columns are cast.
 */
export function numberSql(column: string, isText: boolean): string {
  const v = `t.${ident(column)}`;
  if (!isText) return `TRY_CAST(${v} AS DOUBLE)`;
  const trimmed = `regexp_replace(${v}, '^\\s+|\\s+$', '', 'g')`;
  return (
    `(CASE WHEN regexp_full_match(${trimmed}, '[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?') ` +
    `THEN TRY_CAST(${trimmed} AS DOUBLE) END)`
  );
}
