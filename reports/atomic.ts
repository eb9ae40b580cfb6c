/**
 * @module reports/atomic — atomic file writes: write `NAME.tmp`, flush it to disk, then rename it over `NAME`, so a
 * crash leaves either the old file, the new file, or a stray `.tmp`, never a half-written report.
 */
import { open, rename, rm } from 'node:fs/promises';
import { isReidgateError, q, ReidgateError } from '../src/errors.js';

/** Appends a piece of text to the file being written. */
export type WriteText = (text: string) => Promise<void>;

/**
 * Writes a file atomically from a producer that appends text in pieces (for files too large for one string).
 * @param path - the final path; the temporary file is `${path}.tmp` beside it
 * @param produce - called once with a `write` function; the file is committed when it resolves
 * @throws whatever the file system or `produce` throws; the temporary file is removed first
 */
export async function writeAtomicStream(
  path: string,
  produce: (write: WriteText) => Promise<void>,
): Promise<void> {
  const tmp = `${path}.tmp`;
  try {
    const fh = await open(tmp, 'w');
    try {
      await produce(async (text) => {
        const bytes = Buffer.from(text, 'utf8');
        // A write may be partial; loop until every byte is on its way.
        for (let off = 0; off < bytes.length; )
          off += (await fh.write(bytes, off, bytes.length - off)).bytesWritten;
      });
      await fh.datasync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}

/**
 * Writes a whole string to a file atomically.
 * @param path - the final path
 * @param text - the file's contents (UTF-8)
 * @throws whatever the file system throws; the temporary file is removed first
 */
export async function writeAtomic(path: string, text: string): Promise<void> {
  await writeAtomicStream(path, (write) => write(text));
}

/**
 * Turns a file-system error met while writing into the output directory into a usage error naming `--out`.
 * @param path - the file or directory being written
 * @param e - what was thrown
 * @returns a ReidgateError('USAGE') for a file-system error (it has an errno `code`); `e` itself otherwise
 */
export function outputError(path: string, e: unknown): unknown {
  if (isReidgateError(e) || !(e instanceof Error) || typeof (e as NodeJS.ErrnoException).code !== 'string')
    return e;
  return new ReidgateError('USAGE', `--out: cannot write ${q(path, 200)} (${e.message})`);
}
