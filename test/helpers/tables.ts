/**
 * @module test/helpers/tables — small encoded tables for attack tests.
 */
import { tableFromArrays } from 'apache-arrow';
import type { QiSpec } from '../../attacks/types.js';
import { encodeTable } from '../../src/encode/index.js';
import type { EncodedTable } from '../../src/encode/types.js';

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
