/**
 * @module io/file — shared file plumbing for the loaders: labels, opening, whole-file reads with
 * hashing, magic-byte sniffing, and the mapping of Node file-system errors to ReidgateError.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { ReidgateError } from '../errors.js';

/**
 * The label a message starts with: the role and the path ("--release data.csv"), or the path alone.
 * @param path - the file path as the user gave it
 * @param role - the input's role label (e.g. "--release"), if any
 * @returns the label
 */
export function labelFor(path: string, role?: string): string {
  return role ? `${role} ${path}` : path;
}

/**
 * One line from any thrown value, for wrapping a library's error into a ReidgateError message.
 * @param e - the thrown value
 * @param max - longest result, in characters
 * @returns the message with whitespace runs collapsed, cut to `max`
 */
export function oneLine(e: unknown, max = 160): string {
  const raw = e instanceof Error ? e.message : String(e);
  const s = raw.replace(/\s+/g, ' ').trim();
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

/**
 * Maps a Node file-system error to a ReidgateError: INPUT_NOT_FOUND for any system error that stops
 * reading (missing, directory, permission, I/O), INTERNAL for anything else (a bug).
 * @param e - the thrown value
 * @param label - the input's label
 * @returns the error to throw (the input unchanged when it already is a ReidgateError)
 */
export function fsError(e: unknown, label: string): Error {
  if (e instanceof ReidgateError) return e;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  // Not a system error (no errno code): a bug, not an unreadable file.
  if (typeof code !== 'string' || !code.startsWith('E')) {
    return new ReidgateError('INTERNAL', `${label}: internal error while reading (${oneLine(e)})`);
  }
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new ReidgateError('INPUT_NOT_FOUND', `${label}: file not found`);
    case 'EISDIR':
      return new ReidgateError('INPUT_NOT_FOUND', `${label}: is a directory, not a file`);
    case 'EACCES':
    case 'EPERM':
      return new ReidgateError('INPUT_NOT_FOUND', `${label}: permission denied (cannot read the file)`);
    default:
      return new ReidgateError('INPUT_NOT_FOUND', `${label}: cannot read the file (${oneLine(e)})`);
  }
}

/**
 * Checks that `path` names a readable regular file and returns its size.
 * @param path - the file path
 * @param label - the input's label for messages
 * @returns the file size in bytes
 * @throws ReidgateError('INPUT_NOT_FOUND') when it is missing, a directory, or not a regular file
 */
export async function statFile(path: string, label: string): Promise<number> {
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(path);
  } catch (e) {
    throw fsError(e, label);
  }
  if (st.isDirectory()) throw new ReidgateError('INPUT_NOT_FOUND', `${label}: is a directory, not a file`);
  if (!st.isFile()) {
    throw new ReidgateError('INPUT_NOT_FOUND', `${label}: is not a regular file`);
  }
  return st.size;
}

/**
 * Reads the first bytes of a file (for magic-byte checks); also surfaces permission errors early.
 * @param path - the file path
 * @param label - the input's label for messages
 * @param n - how many bytes
 * @returns up to `n` bytes
 * @throws ReidgateError('INPUT_NOT_FOUND') when the file cannot be opened or read
 */
export async function readHead(path: string, label: string, n = 8): Promise<Uint8Array> {
  try {
    const fh = await open(path, 'r');
    try {
      const buf = new Uint8Array(n);
      const { bytesRead } = await fh.read(buf, 0, n, 0);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw fsError(e, label);
  }
}

/** A whole file read into memory, hashed on the way in. */
export interface FileBytes {
  bytes: Uint8Array;
  sha256: string;
}

/**
 * Reads a whole file through a stream, hashing it with SHA-256 as the chunks arrive (Arrow and
 * Parquet need the whole file in memory anyway).
 * @param path - the file path
 * @param label - the input's label for messages
 * @param sizeHint - the size from `statFile`, to read into one preallocated buffer
 * @returns the bytes and their hex SHA-256
 * @throws ReidgateError('INPUT_NOT_FOUND') when the file cannot be read
 */
export async function readWhole(path: string, label: string, sizeHint: number): Promise<FileBytes> {
  const hash = createHash('sha256');
  let out = new Uint8Array(Math.max(0, sizeHint));
  let n = 0;
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      const buf = chunk as Buffer;
      hash.update(buf);
      if (n + buf.length > out.length) {
        const grown = new Uint8Array(Math.max(out.length * 2, n + buf.length));
        grown.set(out.subarray(0, n));
        out = grown;
      }
      out.set(buf, n);
      n += buf.length;
    }
  } catch (e) {
    throw fsError(e, label);
  }
  return { bytes: n === out.length ? out : out.subarray(0, n), sha256: hash.digest('hex') };
}

/** What the first bytes of a file say it is. */
export type Magic = 'parquet' | 'arrow-file' | 'arrow-stream' | 'feather1' | 'gzip' | 'zip' | 'utf16' | null;

function startsWith(b: Uint8Array, sig: readonly number[]): boolean {
  if (b.length < sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (b[i] !== sig[i]) return false;
  return true;
}

const PAR1 = [0x50, 0x41, 0x52, 0x31];
const ARROW1 = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31];
const FEA1 = [0x46, 0x45, 0x41, 0x31];

/**
 * Recognises a file's format by its first bytes.
 * @param head - the first bytes of the file (8 or more for a sure answer)
 * @returns the recognised format, or null when the bytes name none of them
 */
export function sniffMagic(head: Uint8Array): Magic {
  if (startsWith(head, PAR1)) return 'parquet';
  if (startsWith(head, ARROW1)) return 'arrow-file';
  if (startsWith(head, [0xff, 0xff, 0xff, 0xff])) return 'arrow-stream';
  if (startsWith(head, FEA1)) return 'feather1';
  if (startsWith(head, [0x1f, 0x8b])) return 'gzip';
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return 'zip';
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) return 'utf16';
  return null;
}

/**
 * @param bytes - a whole file
 * @returns true when it ends with the Parquet magic `PAR1`
 */
export function endsWithPar1(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && startsWith(bytes.subarray(bytes.length - 4), PAR1);
}

/**
 * @param bytes - a whole file
 * @returns true when it ends with the Arrow file magic `ARROW1`
 */
export function endsWithArrow1(bytes: Uint8Array): boolean {
  return bytes.length >= 6 && startsWith(bytes.subarray(bytes.length - 6), ARROW1);
}

/**
 * Describes a recognised format for "bytes are not what the name says" messages.
 * @param m - the recognised format
 * @returns a phrase with a hint, e.g. "a Parquet file (rename it to .parquet)"
 */
export function describeMagic(m: Exclude<Magic, null>): string {
  switch (m) {
    case 'parquet':
      return 'a Parquet file (rename it to .parquet)';
    case 'arrow-file':
    case 'arrow-stream':
      return 'an Arrow IPC file (rename it to .arrow)';
    case 'feather1':
      return 'a Feather v1 file (unsupported; re-save it as Feather v2 / Arrow IPC)';
    case 'gzip':
      return 'gzip-compressed (decompress it first)';
    case 'zip':
      return 'a ZIP archive (an .xlsx workbook? export it as CSV)';
    case 'utf16':
      return 'UTF-16 text (re-save it as UTF-8)';
  }
}
