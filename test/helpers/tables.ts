/**
 * @module test/helpers/tables — small encoded tables for attack tests.
 */
import { tableFromArrays } from 'apache-arrow';
import type { QiSpec } from '../../attacks/types.js';
import { sharedFloat64, sharedInt32 } from '../../src/encode/encode.js';
import { encodeTable } from '../../src/encode/index.js';
import type { Column, ColumnKind, EncodedTable } from '../../src/encode/types.js';

/** Encodes string columns (null = missing) as a release, every column categorical. */
export function encodeStrings(cols: Record<string, (string | null)[]>): EncodedTable {
  const table = tableFromArrays(cols as Record<string, string[]>);
  return encodeTable(
    table,
    Object.keys(cols).map((name) => ({ name, kind: 'categorical' as const })),
    'test',
  );
}

/** QI specs for categorical columns. */
export function qis(...names: string[]): QiSpec[] {
  return names.map((name) => ({ name, kind: 'categorical' as const }));
}

/**
 * Rows of numbers → an encoded table with columns c0, c1, …: categorical values are their codes;
 * numeric columns carry the numbers (codes are row positions, so no two numeric values share a code:
 * use categorical columns where an attack matches codes, as the inference search does).
 */
export function numberTable(rows: number[][], kinds: ColumnKind[], cards: number[]): EncodedTable {
  const columns = new Map<string, Column>();
  kinds.forEach((kind, j) => {
    const codes = sharedInt32(rows.length);
    const numbers = kind === 'numeric' ? sharedFloat64(rows.length) : undefined;
    rows.forEach((r, i) => {
      codes[i] = kind === 'numeric' ? i : r[j];
      if (numbers) numbers[i] = r[j];
    });
    const name = `c${j}`;
    columns.set(name, { name, kind, length: rows.length, cardinality: cards[j], codes, numbers });
  });
  return { rows: rows.length, columns, dictionaries: new Map() };
}
