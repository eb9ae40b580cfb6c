/**
 * @module io/types — what every loader returns.
 */
import type { Table } from 'apache-arrow';

/** Input formats reidgate reads. */
export type InputFormat = 'csv' | 'arrow' | 'parquet';

/** Options for loading a table. */
export interface LoadOptions {
  /** Tokens read as missing (null) in CSV/TSV. Default: '', 'NA', '?', 'null'. */
  missing?: readonly string[];
  /** Force a CSV delimiter instead of sniffing (one of `,` `;` `\t` `|`). */
  delimiter?: string;
  /** Label used in messages (e.g. "--release"); defaults to the path. */
  role?: string;
}

/** A loaded input: an Arrow table plus what the report needs to know of the file. */
export interface LoadedTable {
  path: string;
  format: InputFormat;
  /**
   * The data. CSV columns are Dictionary<Utf8, Int32> (raw strings; missing tokens are null).
   * Arrow/Parquet columns keep their own types.
   */
  table: Table;
  /** SHA-256 (hex) of the file's bytes, computed while reading. */
  sha256: string;
  bytes: number;
  /** CSV only: the delimiter used. */
  delimiter?: string;
  /** Non-fatal findings, e.g. an empty header renamed to `column_3`. Carried into the report. */
  warnings: string[];
}

/** Default missing-value tokens. */
export const DEFAULT_MISSING: readonly string[] = ['', 'NA', '?', 'null'];
