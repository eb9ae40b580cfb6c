/**
 * @module engine/paths — input paths that name a table inside a database file (`data.duckdb#table`)
 * or on a ClickHouse server (`clickhouse://host:port/db.table`).
 */

/** A DuckDB database path with an optional `#table` suffix. */
export const DUCKDB_PATH = /^(.*\.(?:duckdb|ddb|db))(?:#(.*))?$/i;

/**
 * The file behind an input path: `data.duckdb#table` → `data.duckdb`; any other path as it is.
 * @param path - an input path as the trial gives it
 * @returns the path of the file to read or hash
 */
export function inputFile(path: string): string {
  if (isClickHouseUri(path)) return path;
  const m = DUCKDB_PATH.exec(path);
  return m ? m[1]! : path;
}

/** A table of a ClickHouse server, used in place: `clickhouse://host:port/db.table`. */
export const CLICKHOUSE_URI = /^clickhouse:\/\/([^/@\s]+)\/([^./\s]+)\.([^/\s]+)$/i;

/** Whether an input path names a ClickHouse table (`clickhouse://…`) rather than a file. */
export function isClickHouseUri(path: string): boolean {
  return /^clickhouse:\/\//i.test(path);
}
