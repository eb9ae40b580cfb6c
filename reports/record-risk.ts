/**
 * @module reports/record-risk — `OUT/record-risk.csv`: one line per release record with its per-record measures
 * (`classSize`, `prosecutorRisk`, …). Only numbers computed by attacks go in; never a record's values.
 *
 * The file is built in chunks of about {@link CHUNK_CHARS} characters and appended to a temporary file, so a
 * million-row release costs a few MB of memory, not the whole file as one string.
 */
import { join } from 'node:path';
import { ReidgateError } from '../src/errors.js';
import { outputError, writeAtomicStream } from './atomic.js';

/** File name of the per-record risk table inside the output directory. */
export const RECORD_RISK_FILE = 'record-risk.csv';

/** Characters buffered before a chunk is written out (about 2 MB of ASCII). */
export const CHUNK_CHARS = 2 * 1024 * 1024;

/**
 * Formats one number for the CSV compactly.
 * @param x - the number
 * @returns integers as integers ("3"), other numbers to at most 6 significant digits without trailing zeros
 *   ("0.333333", "1.5e-7"), NaN as "" (an empty field), infinities as "Infinity" / "-Infinity"
 */
export function formatCsvNumber(x: number): string {
  if (Number.isInteger(x)) return String(x);
  if (Number.isNaN(x)) return '';
  return String(Number(x.toPrecision(6)));
}

/** Quotes a header field when CSV requires it (RFC 4180). */
function csvField(name: string): string {
  return /[",\r\n]/.test(name) || name.trim() !== name ? `"${name.replaceAll('"', '""')}"` : name;
}

/**
 * Writes `record-risk.csv` atomically: header `row,<col1>,<col2>,…`, then one line per record whose `row` is its
 * 0-based position in the release.
 * @param outDir - the output directory (must exist)
 * @param rows - number of release records
 * @param columns - per-record measures by column name, in header order; each holds at least `rows` values
 * @param file - the file name (default record-risk.csv; per-target outputs use their own)
 * @param indexName - the first column, holding the 0-based position (default `row`)
 * @returns the path written
 * @throws ReidgateError('INTERNAL') when `rows` is not a non-negative integer, a column is named `row` or empty,
 *   or a column is shorter than `rows`; nothing is written then
 * @throws ReidgateError('USAGE') when the file cannot be written to `outDir` (bad --out)
 */
export async function writeRecordRisk(
  outDir: string,
  rows: number,
  columns: Record<string, ArrayLike<number>>,
  file: string = RECORD_RISK_FILE,
  indexName = 'row',
): Promise<string> {
  if (!Number.isSafeInteger(rows) || rows < 0) {
    throw new ReidgateError('INTERNAL', `record-risk.csv: row count ${rows} is not a non-negative integer`);
  }
  const names = Object.keys(columns);
  for (const name of names) {
    if (name === '' || name === indexName) {
      throw new ReidgateError('INTERNAL', `record-risk.csv: column name \`${name}\` is reserved or empty`);
    }
    if (columns[name].length < rows) {
      throw new ReidgateError(
        'INTERNAL',
        `record-risk.csv: column \`${name}\` has ${columns[name].length} values for ${rows} rows`,
      );
    }
  }
  const cols = names.map((n) => columns[n]);
  const path = join(outDir, file);
  try {
    await writeAtomicStream(path, async (write) => {
      let buf = [indexName, ...names.map(csvField)].join(',') + '\n';
      for (let i = 0; i < rows; i++) {
        let line = String(i);
        for (const col of cols) line += ',' + formatCsvNumber(col[i]);
        buf += line + '\n';
        if (buf.length >= CHUNK_CHARS) {
          await write(buf);
          buf = '';
        }
      }
      await write(buf);
    });
  } catch (e) {
    throw outputError(path, e);
  }
  return path;
}
