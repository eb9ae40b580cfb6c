/**
 * @module io/load-arrow — Arrow IPC (file format `ARROW1…ARROW1`, or stream format) into a table.
 */
import { type Table, tableFromIPC } from 'apache-arrow';
import { ReidgateError } from '../errors.js';
import { checkTable } from './check-table.js';
import { describeMagic, endsWithArrow1, oneLine, readWhole, sniffMagic } from './file.js';
import type { LoadedTable } from './types.js';

/**
 * Loads an Arrow IPC file or stream. Columns keep their Arrow types.
 * @param path - the file path
 * @param label - the input's label for messages
 * @param size - the file size from stat
 * @returns the loaded table with its hash and size
 * @throws ReidgateError: INPUT_NOT_FOUND (unreadable), INPUT_FORMAT (not Arrow IPC, or corrupt),
 *   INPUT_EMPTY (no columns / no rows), COLUMN (duplicate names)
 */
export async function loadArrow(path: string, label: string, size: number): Promise<LoadedTable> {
  const { bytes, sha256 } = await readWhole(path, label, size);
  const magic = sniffMagic(bytes);
  if (magic !== null && magic !== 'arrow-file' && magic !== 'arrow-stream') {
    throw new ReidgateError(
      'INPUT_FORMAT',
      `${label}: is not a valid Arrow IPC file (it is ${describeMagic(magic)})`,
    );
  }
  if (magic === 'arrow-file' && !endsWithArrow1(bytes)) {
    throw new ReidgateError(
      'INPUT_FORMAT',
      `${label}: is not a valid Arrow IPC file (truncated: no closing ARROW1)`,
    );
  }
  let table: Table;
  try {
    // Without either magic it can only be a legacy (pre-0.15) stream; tableFromIPC tries that.
    table = tableFromIPC(bytes);
  } catch (e) {
    throw new ReidgateError('INPUT_FORMAT', `${label}: is not a valid Arrow IPC file (${oneLine(e)})`);
  }
  if (magic === null && table.schema.fields.length === 0) {
    throw new ReidgateError('INPUT_FORMAT', `${label}: is not a valid Arrow IPC file (no schema found)`);
  }
  const checked = checkTable(table, label, 'Arrow IPC');
  return {
    path,
    format: 'arrow',
    table: checked.table,
    sha256,
    bytes: bytes.length,
    warnings: checked.warnings,
  };
}
