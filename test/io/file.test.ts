/**
 * @module test/io/file — mapping of file-system errors, and magic-byte recognition.
 */
import { describe, expect, it } from 'vitest';
import { ReidgateError } from '../../src/errors.js';
import { fsError, sniffMagic } from '../../src/io/file.js';

/** A Node-style errno error. */
function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: something, open 'x.csv'`), { code });
}

describe('fsError', () => {
  it('maps a permission error to INPUT_NOT_FOUND naming the file', () => {
    for (const code of ['EACCES', 'EPERM']) {
      const e = fsError(errno(code), '--release x.csv') as ReidgateError;
      expect(e).toBeInstanceOf(ReidgateError);
      expect(e.code).toBe('INPUT_NOT_FOUND');
      expect(e.message).toBe('--release x.csv: permission denied (cannot read the file)');
    }
  });

  it('maps ENOENT and EISDIR to INPUT_NOT_FOUND', () => {
    expect((fsError(errno('ENOENT'), 'a.csv') as ReidgateError).code).toBe('INPUT_NOT_FOUND');
    expect((fsError(errno('EISDIR'), 'a.csv') as ReidgateError).message).toContain('directory');
  });

  it('wraps any other system error as INPUT_NOT_FOUND in one line', () => {
    const e = fsError(errno('EIO'), 'a.csv') as ReidgateError;
    expect(e.code).toBe('INPUT_NOT_FOUND');
    expect(e.message).toContain('a.csv');
    expect(e.message).not.toMatch(/\n/);
  });

  it('wraps a non-system error (a bug) as INTERNAL in one line', () => {
    const e = fsError(new TypeError('x is not a function\n    at somewhere'), 'a.csv') as ReidgateError;
    expect(e.code).toBe('INTERNAL');
    expect(e.message).toContain('a.csv');
    expect(e.message).not.toMatch(/\n/);
  });

  it('passes a ReidgateError through unchanged', () => {
    const orig = new ReidgateError('INPUT_PARSE', 'a.csv: line 2 has 1 field, expected 2 (ragged row)');
    expect(fsError(orig, 'a.csv')).toBe(orig);
  });
});

describe('sniffMagic', () => {
  it('recognises Parquet, Arrow file and stream, gzip and UTF-16', () => {
    const b = (...xs: number[]) => new Uint8Array(xs);
    expect(sniffMagic(new TextEncoder().encode('PAR1xxxx'))).toBe('parquet');
    expect(sniffMagic(new TextEncoder().encode('ARROW1\0\0'))).toBe('arrow-file');
    expect(sniffMagic(b(0xff, 0xff, 0xff, 0xff, 0x10, 0, 0, 0))).toBe('arrow-stream');
    expect(sniffMagic(b(0x1f, 0x8b, 8, 0))).toBe('gzip');
    expect(sniffMagic(b(0xff, 0xfe, 0x61, 0))).toBe('utf16');
    expect(sniffMagic(new TextEncoder().encode('a,b\n1,2\n'))).toBeNull();
  });
});
