/**
 * @module io/load-parquet — Parquet into an Arrow table via parquet-wasm (Parquet → Arrow IPC stream
 * in WebAssembly → apache-arrow). parquet-wasm is imported on first use, so CSV-only runs never
 * instantiate its WebAssembly module.
 */
import { type Table, tableFromIPC } from 'apache-arrow';
import { ReidgateError } from '../errors.js';
import { checkTable } from './check-table.js';
import { describeMagic, endsWithPar1, oneLine, readWhole, sniffMagic } from './file.js';
import type { LoadedTable } from './types.js';

/**
 * Loads a Parquet file. Columns keep the types parquet-wasm gives them.
 * @param path - the file path
 * @param label - the input's label for messages
 * @param size - the file size from stat
 * @returns the loaded table with its hash and size
 * @throws ReidgateError: INPUT_NOT_FOUND (unreadable), INPUT_FORMAT (no `PAR1` magic at both ends,
 *   or parquet-wasm cannot decode it), INPUT_EMPTY (no columns / no rows), COLUMN (duplicate names)
 */
export async function loadParquet(path: string, label: string, size: number): Promise<LoadedTable> {
  const { bytes, sha256 } = await readWhole(path, label, size);
  const magic = sniffMagic(bytes);
  if (magic !== 'parquet') {
    const what = magic === null ? 'no PAR1 magic at the start' : `it is ${describeMagic(magic)}`;
    throw new ReidgateError('INPUT_FORMAT', `${label}: is not a valid Parquet file (${what})`);
  }
  if (bytes.length < 12 || !endsWithPar1(bytes)) {
    throw new ReidgateError(
      'INPUT_FORMAT',
      `${label}: is not a valid Parquet file (truncated: no PAR1 magic at the end)`,
    );
  }
  let readParquet: typeof import('parquet-wasm').readParquet;
  try {
    ({ readParquet } = await import('parquet-wasm'));
  } catch (e) {
    throw new ReidgateError(
      'INTERNAL',
      `${label}: cannot load the Parquet reader parquet-wasm (${oneLine(e)})`,
    );
  }
  let table: Table;
  try {
    table = tableFromIPC(readParquet(bytes).intoIPCStream());
  } catch (e) {
    throw new ReidgateError('INPUT_FORMAT', `${label}: is not a valid Parquet file (${oneLine(e)})`);
  }
  const checked = checkTable(table, label, 'Parquet');
  return {
    path,
    format: 'parquet',
    table: checked.table,
    sha256,
    bytes: bytes.length,
    warnings: checked.warnings,
  };
}
