/**
 * @module test/io/load-errors — every anticipated loader failure gives its code and a one-line
 * message that names the file.
 */
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTable } from '../../src/io/index.js';
import { expectError, tempDir } from './helpers.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(async () => {
  await tmp.cleanup();
});

describe('loadTable: file errors', () => {
  it('INPUT_NOT_FOUND for a missing file', async () => {
    const p = join(tmp.dir, 'nope.csv');
    await expectError(loadTable(p), 'INPUT_NOT_FOUND', p, 'not found');
  });

  it('INPUT_NOT_FOUND for a directory', async () => {
    const p = join(tmp.dir, 'adir.csv');
    await tmp.file('adir.csv/inner.txt', 'x');
    await expectError(loadTable(p), 'INPUT_NOT_FOUND', p, 'directory');
  });

  it.skipIf(process.getuid?.() === 0)('INPUT_NOT_FOUND for an unreadable file', async () => {
    const p = await tmp.file('secret.csv', 'a\n1\n');
    await chmod(p, 0o000);
    await expectError(loadTable(p), 'INPUT_NOT_FOUND', p, 'permission');
  });

  it('USAGE for an empty path', async () => {
    await expectError(loadTable('', { role: '--release' }), 'USAGE', '--release', 'no file path');
  });

  it('INPUT_FORMAT for an unknown extension, listing the supported ones', async () => {
    const p = await tmp.file('data.xlsx', 'a,b\n1,2\n');
    await expectError(loadTable(p), 'INPUT_FORMAT', p, '.csv', '.tsv', '.arrow', '.parquet');
  });

  it('names the role and the file in messages', async () => {
    const p = join(tmp.dir, 'gone.csv');
    const err = await expectError(loadTable(p, { role: '--release' }), 'INPUT_NOT_FOUND', p);
    expect(err.message.startsWith(`--release ${p}:`)).toBe(true);
  });
});

describe('loadTable: CSV errors', () => {
  it('INPUT_EMPTY for an empty file', async () => {
    const p = await tmp.file('empty.csv', '');
    await expectError(loadTable(p), 'INPUT_EMPTY', p, 'empty');
  });

  it('INPUT_EMPTY for a header-only file', async () => {
    const p = await tmp.file('header-only.csv', 'a,b,c\n');
    await expectError(loadTable(p), 'INPUT_EMPTY', p, 'has a header but no records');
  });

  it('INPUT_PARSE for a ragged row, with its line number', async () => {
    const p = await tmp.file('ragged.csv', 'a,b\n1,2\n3\n4,5\n');
    await expectError(loadTable(p), 'INPUT_PARSE', p, 'line 3 has 1 field, expected 2 (ragged row)');
  });

  it('gives the ragged-row message in full, role first', async () => {
    const p = await tmp.file('ragged-role.csv', 'a,b\n1,2\n3\n');
    const err = await expectError(loadTable(p, { role: '--release' }), 'INPUT_PARSE', p);
    expect(err.message).toBe(`--release ${p}: line 3 has 1 field, expected 2 (ragged row)`);
  });

  it('INPUT_PARSE for a row with too many fields', async () => {
    const p = await tmp.file('wide.csv', 'a,b\n1,2\n3,4,5\n');
    await expectError(loadTable(p), 'INPUT_PARSE', p, 'line 3 has 3 fields, expected 2');
  });

  it('counts lines inside quoted fields for the ragged-row line number', async () => {
    const p = await tmp.file('ragged-after-quote.csv', 'a,b\n1,"x\ny"\n3\n');
    await expectError(loadTable(p), 'INPUT_PARSE', p, 'line 4 has 1 field');
  });

  it('INPUT_PARSE for a blank line between records', async () => {
    const p = await tmp.file('blank-middle.csv', 'a,b\n1,2\n\n3,4\n');
    await expectError(loadTable(p), 'INPUT_PARSE', p, 'line 3 has 1 field');
  });

  it('INPUT_PARSE for a quote left open at the end, naming the line it opened on', async () => {
    const p = await tmp.file('unclosed.csv', 'a,b\n1,2\n3,"open\n4,5\n');
    await expectError(loadTable(p), 'INPUT_PARSE', p, 'unclosed quote opened on line 3');
  });

  it('COLUMN for duplicate column names, naming the duplicate', async () => {
    const p = await tmp.file('dup.csv', 'age,sex,age\n1,F,2\n');
    await expectError(loadTable(p), 'COLUMN', p, '`age`');
  });

  it('INPUT_PARSE for invalid UTF-8 (e.g. Shift_JIS), with where', async () => {
    // "東京" in Shift_JIS: 0x93 0x8C 0x8B 0x9E
    const bytes = Buffer.concat([
      Buffer.from('a,b\n1,'),
      Buffer.from([0x93, 0x8c, 0x8b, 0x9e]),
      Buffer.from('\n'),
    ]);
    const p = await tmp.file('sjis.csv', bytes);
    await expectError(loadTable(p), 'INPUT_PARSE', p, 'UTF-8', 'byte 6', 'line 2');
  });

  it('INPUT_PARSE for invalid UTF-8 found in a later chunk', async () => {
    const bytes = Buffer.concat([
      Buffer.from('a,b\n'),
      Buffer.from('1,2\n'.repeat(100)),
      Buffer.from([0xff, 0x0a]),
    ]);
    const p = await tmp.file('late-bad.csv', bytes);
    await expectError(loadTable(p, { highWaterMark: 64 }), 'INPUT_PARSE', p, 'UTF-8', 'byte 404', 'line 102');
  });

  it('INPUT_PARSE for a character cut off at the end of the file', async () => {
    const bytes = Buffer.concat([Buffer.from('a,b\n1,'), Buffer.from('東').subarray(0, 2)]);
    const p = await tmp.file('cut.csv', bytes);
    await expectError(loadTable(p), 'INPUT_PARSE', p, 'UTF-8');
  });

  it('INPUT_FORMAT for binary bytes (NUL) named .csv', async () => {
    const p = await tmp.file('garbage.csv', new Uint8Array([0x12, 0x00, 0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01]));
    await expectError(loadTable(p), 'INPUT_FORMAT', p, 'not CSV');
  });

  it('INPUT_FORMAT for an Arrow file named .csv', async () => {
    const p = await tmp.file('really-arrow.csv', tableToIPC(tableFromArrays({ a: [1, 2] }), 'file'));
    await expectError(loadTable(p), 'INPUT_FORMAT', p, 'Arrow');
  });

  it('USAGE for a forced delimiter that is not one of , ; tab |', async () => {
    const p = await tmp.file('ok.csv', 'a,b\n1,2\n');
    await expectError(loadTable(p, { delimiter: ':' }), 'USAGE', p, 'delimiter');
  });
});
