/**
 * @module encode/types — the release as shared typed columns, the only form attacks see.
 *
 * Every column is a dictionary-coded Int32Array on a SharedArrayBuffer (missing = -1), so that
 * workers read the same memory without copies. Numeric columns also carry Float64 values. The
 * dictionaries (the raw strings) stay in the main thread: workers never see record values.
 */

/** How a quasi-identifier is compared. */
export type ColumnKind = 'categorical' | 'numeric' | 'date';

/** Code used for a missing value in `codes`. */
export const MISSING = -1;

/**
 * Code used for a suppressed value (a --wildcard token such as `*`) when wildcard semantics are on:
 * it matches any value. Without --wildcard, suppressed tokens are ordinary dictionary values.
 */
export const WILDCARD = -2;

/**
 * Added to a code to make it a non-negative digit for composite keys: WILDCARD → 0, MISSING → 1,
 * value codes → 2 …; a column's radix is therefore cardinality + CODE_OFFSET.
 */
export const CODE_OFFSET = 2;

/** What a worker receives for one column: plain data, postable across threads. */
export interface SharedColumnData {
  name: string;
  kind: ColumnKind;
  /** Int32 codes, one per row; `MISSING` for null, `WILDCARD` for a wildcard token (only with --wildcard). */
  codes: SharedArrayBuffer;
  /** Number of distinct non-missing values (codes are 0 … cardinality-1). */
  cardinality: number;
  /** Float64 value per row (NaN when missing or unparsable); numeric and date columns only. */
  numbers?: SharedArrayBuffer;
}

/** A column as attacks read it (house style 8: a tiny interface, no Arrow classes). */
export interface Column {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly length: number;
  readonly cardinality: number;
  readonly codes: Int32Array;
  readonly numbers?: Float64Array;
}

/** The encoded table, main-thread side: columns plus the dictionaries that never leave this thread. */
export interface EncodedTable {
  rows: number;
  columns: Map<string, Column>;
  /** Per column, code → raw string. Main thread only; never posted to workers or written to reports. */
  dictionaries: Map<string, readonly string[]>;
}

/** Wraps posted column data as a `Column` (used in workers and in the main thread alike). */
export function wrapColumn(d: SharedColumnData): Column {
  const codes = new Int32Array(d.codes);
  return {
    name: d.name,
    kind: d.kind,
    length: codes.length,
    cardinality: d.cardinality,
    codes,
    numbers: d.numbers ? new Float64Array(d.numbers) : undefined,
  };
}

/** The postable form of a column (its buffers are shared, not copied). */
export function shareColumn(c: Column): SharedColumnData {
  return {
    name: c.name,
    kind: c.kind,
    codes: c.codes.buffer as SharedArrayBuffer,
    cardinality: c.cardinality,
    numbers: c.numbers ? (c.numbers.buffer as SharedArrayBuffer) : undefined,
  };
}
