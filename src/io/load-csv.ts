/**
 * @module io/load-csv — streamed CSV/TSV loading: read → SHA-256 → UTF-8 check → parse → dictionary
 * columns, one chunk at a time, never holding the whole text or any row objects.
 *
 * The first chunks (up to ~20 lines or 64 KiB) are held back and decoded to sniff the delimiter,
 * then everything goes through the byte-level parser (`io/csv-parser`).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { ReidgateError } from '../errors.js';
import { CsvParser } from './csv-parser.js';
import { fsError } from './file.js';
import { normalizeDelimiter, sniffDelimiter } from './sniff-delimiter.js';
import type { LoadedTable, LoadOptions } from './types.js';
import { DEFAULT_MISSING } from './types.js';
import { Utf8Validator } from './utf8.js';

/** Read-chunk size: large chunks keep per-chunk overhead negligible. */
const DEFAULT_CHUNK = 1 << 20;
/** Sniff from this many line ends … */
const SAMPLE_LINES = 20;
/** … or this many bytes, whichever comes first. */
const SAMPLE_BYTES = 1 << 16;

/** Knobs for tests: small chunks exercise fields, quotes and CRLF split across chunk boundaries. */
export interface LoadTuning {
  /** Bytes per read chunk (default 1 MiB). */
  highWaterMark?: number;
}

/** Counts LF bytes in b[0, end). */
function countLF(b: Uint8Array, end: number): number {
  let n = 0;
  for (let i = b.indexOf(10); i !== -1 && i < end; i = b.indexOf(10, i + 1)) n++;
  return n;
}

/**
 * Loads a CSV/TSV file into a table of Dictionary<Utf8, Int32> columns.
 * @param path - the file path
 * @param label - the input's label for messages ("--release data.csv")
 * @param ext - the lower-case extension (".tsv" prefers tab when sniffing)
 * @param opts - missing tokens and a forced delimiter
 * @param tuning - read-chunk size (tests)
 * @returns the loaded table with its hash, size, delimiter and warnings
 * @throws ReidgateError: INPUT_NOT_FOUND (unreadable), INPUT_FORMAT (NUL bytes: binary),
 *   INPUT_PARSE (invalid UTF-8, ragged row, unclosed quote), INPUT_EMPTY (no header / no records),
 *   COLUMN (duplicate names), USAGE (a forced delimiter not among `,` `;` tab `|`)
 */
export async function loadCsv(
  path: string,
  label: string,
  ext: string,
  opts: LoadOptions = {},
  tuning: LoadTuning = {},
): Promise<LoadedTable> {
  const missing = opts.missing ?? DEFAULT_MISSING;
  const forced = opts.delimiter === undefined ? null : normalizeDelimiter(opts.delimiter, label);
  const hash = createHash('sha256');
  const utf8 = new Utf8Validator();
  let parser: CsvParser | null = null;
  let delimiter = forced ?? ',';
  /** Chunks held back for sniffing, and their line ends and bytes. */
  let held: Uint8Array[] = [];
  let heldLines = 0;
  let heldBytes = 0;
  let bytes = 0;

  const start = (complete: boolean): CsvParser => {
    let head = Buffer.concat(held);
    held = [];
    if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) head = head.subarray(3);
    const body = new Uint8Array(head.buffer, head.byteOffset, head.length);
    if (!forced) delimiter = sniffDelimiter(head.toString('utf8'), ext, complete);
    const p = new CsvParser({ delimiter, missing, label });
    p.feed(body);
    return p;
  };

  try {
    for await (const chunk of createReadStream(path, {
      highWaterMark: tuning.highWaterMark ?? DEFAULT_CHUNK,
    })) {
      const buf = chunk as Buffer;
      const b = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
      const nul = buf.indexOf(0);
      if (nul !== -1) {
        throw new ReidgateError(
          'INPUT_FORMAT',
          `${label}: is not CSV text (NUL byte at offset ${bytes + nul}: a binary file, or UTF-16 text)`,
        );
      }
      hash.update(buf);
      const bad = utf8.push(b);
      if (bad !== -1) {
        const before = parser ? parser.line : 1 + held.reduce((n, h) => n + countLF(h, h.length), 0);
        throw new ReidgateError(
          'INPUT_PARSE',
          `${label}: invalid UTF-8 at byte ${bytes + bad} (line ${before + countLF(b, bad)}); ` +
            're-save the file as UTF-8 (Shift_JIS, Latin-1 are not read)',
        );
      }
      bytes += buf.length;
      if (parser) {
        parser.feed(b);
      } else {
        held.push(b);
        heldBytes += b.length;
        heldLines += countLF(b, b.length);
        if (heldLines > SAMPLE_LINES || heldBytes >= SAMPLE_BYTES) parser = start(false);
      }
    }
  } catch (e) {
    throw fsError(e, label);
  }
  if (!utf8.end()) {
    throw new ReidgateError(
      'INPUT_PARSE',
      `${label}: invalid UTF-8 at the end of the file (a truncated character); re-save the file as UTF-8`,
    );
  }
  if (!parser) parser = start(true);
  const { names, columns, warnings } = parser.end();
  return {
    path,
    format: 'csv',
    table: columns.toTable(names),
    sha256: hash.digest('hex'),
    bytes,
    delimiter,
    warnings,
  };
}
