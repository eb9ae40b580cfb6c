/**
 * @module engine/paths — input paths that name a table inside a database file (`data.duckdb#table`).
 */

/** A DuckDB database path with an optional `#table` suffix. */
export const DUCKDB_PATH = /^(.*\.(?:duckdb|ddb|db))(?:#(.*))?$/i;

/**
 * The file behind an input path: `data.duckdb#table` → `data.duckdb`; any other path as it is.
 * @param path - an input path as the trial gives it
 * @returns the path of the file to read or hash
 */
export function inputFile(path: string): string {
  const m = DUCKDB_PATH.exec(path);
  return m ? m[1]! : path;
}
