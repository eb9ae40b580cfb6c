/**
 * @module io/load — the one entry point for reading an input: dispatches on the file's extension,
 * checks its magic bytes agree, and returns an Arrow table plus what the report needs of the file.
 */
import { extname } from 'node:path';
import { isReidgateError, q, ReidgateError } from '../errors.js';
import { describeMagic, labelFor, oneLine, readHead, sniffMagic, statFile } from './file.js';
import { loadArrow } from './load-arrow.js';
import { type LoadTuning, loadCsv } from './load-csv.js';
import { loadParquet } from './load-parquet.js';
import type { InputFormat, LoadedTable, LoadOptions } from './types.js';

/** File extensions per input format (lower case, with the dot). */
export const EXTENSIONS: Readonly<Record<InputFormat, readonly string[]>> = {
  csv: ['.csv', '.tsv', '.txt'],
  arrow: ['.arrow', '.feather', '.ipc'],
  parquet: ['.parquet'],
};

const SUPPORTED = [...EXTENSIONS.csv, ...EXTENSIONS.arrow, ...EXTENSIONS.parquet].join(' ');

/**
 * The input format for a path, from its extension (case-insensitive).
 * @param path - a file path
 * @returns the format, or null when the extension is not one reidgate reads
 */
export function formatOf(path: string): InputFormat | null {
  const ext = extname(path).toLowerCase();
  for (const f of ['csv', 'arrow', 'parquet'] as const) if (EXTENSIONS[f].includes(ext)) return f;
  return null;
}

/**
 * Loads a table from CSV/TSV (`.csv` `.tsv` `.txt`), Arrow IPC (`.arrow` `.feather` `.ipc`) or
 * Parquet (`.parquet`). CSV is streamed into Dictionary<Utf8, Int32> columns of raw strings (missing
 * tokens → null); Arrow and Parquet columns keep their types. The SHA-256 is computed while reading.
 * @param path - the file path
 * @param opts - missing tokens and a forced delimiter (CSV), and the role label for messages
 *   (`tuning.highWaterMark` sets the CSV read-chunk size; for tests)
 * @returns the table, format, hash, size, delimiter (CSV) and warnings
 * @throws ReidgateError — INPUT_NOT_FOUND: missing, a directory, unreadable;
 *   INPUT_FORMAT: unsupported extension, or the bytes are another format (binary in a .csv, garbage
 *   .arrow/.parquet); INPUT_PARSE: ragged row, unclosed quote, invalid UTF-8;
 *   INPUT_EMPTY: empty file, header only, zero rows; COLUMN: duplicate column names;
 *   USAGE: an empty path, or a forced delimiter other than `,` `;` tab `|`. Messages are one line and name the file.
 */
export async function loadTable(path: string, opts: LoadOptions & LoadTuning = {}): Promise<LoadedTable> {
  if (path === '') throw new ReidgateError('USAGE', `${opts.role ?? 'input'}: no file path given`);
  const label = labelFor(path, opts.role);
  const size = await statFile(path, label);
  const format = formatOf(path);
  if (format === null) {
    const ext = extname(path);
    const head = size > 0 ? await readHead(path, label) : new Uint8Array(0);
    const magic = sniffMagic(head);
    const hint = magic === null ? '' : `; its bytes look like ${describeMagic(magic)}`;
    throw new ReidgateError(
      'INPUT_FORMAT',
      `${label}: unsupported file type ${q(ext || '(no extension)')} (supported: ${SUPPORTED})${hint}`,
    );
  }
  if (size === 0) throw new ReidgateError('INPUT_EMPTY', `${label}: file is empty (0 bytes)`);
  const ext = extname(path).toLowerCase();
  try {
    switch (format) {
      case 'csv': {
        const magic = sniffMagic(await readHead(path, label));
        if (magic !== null) {
          throw new ReidgateError(
            'INPUT_FORMAT',
            `${label}: is not CSV text (it is ${describeMagic(magic)})`,
          );
        }
        return await loadCsv(path, label, ext, opts, opts);
      }
      case 'arrow':
        return await loadArrow(path, label, size);
      case 'parquet':
        return await loadParquet(path, label, size);
    }
  } catch (e) {
    // The safety net: nothing but a one-line ReidgateError leaves the loaders.
    if (isReidgateError(e)) throw e;
    throw new ReidgateError('INTERNAL', `${label}: internal error while loading (${oneLine(e)})`);
  }
}

/**
 * Column names of a loaded table, in order.
 * @param t - a loaded table
 * @returns the names
 */
export function columnNames(t: LoadedTable): string[] {
  return t.table.schema.fields.map((f) => f.name);
}
