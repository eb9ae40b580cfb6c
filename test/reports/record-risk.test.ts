import { createReadStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatCsvNumber, writeRecordRisk } from '../../reports/record-risk.js';
import { tempDir } from './fixture.js';

describe('writeRecordRisk', () => {
  it('writes a header and one compact line per record', async () => {
    const dir = await tempDir();
    const path = await writeRecordRisk(dir, 3, {
      classSize: new Int32Array([1, 3, 3]),
      prosecutorRisk: new Float64Array([1, 1 / 3, 1 / 3]),
      sudaScore: [0.5, Number.NaN, 1.25e-7],
    });
    expect(path).toBe(join(dir, 'record-risk.csv'));
    expect(await readFile(path, 'utf8')).toBe(
      'row,classSize,prosecutorRisk,sudaScore\n0,1,1,0.5\n1,3,0.333333,\n2,3,0.333333,1.25e-7\n',
    );
    expect(await readdir(dir)).toEqual(['record-risk.csv']);
  });

  it('writes 1M rows', async () => {
    const dir = await tempDir();
    const n = 1_000_000;
    const classSize = new Int32Array(n);
    const risk = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      classSize[i] = (i % 7) + 1;
      risk[i] = 1 / classSize[i];
    }
    const path = await writeRecordRisk(dir, n, { classSize, prosecutorRisk: risk });
    let lines = 0;
    let last = '';
    for await (const chunk of createReadStream(path, { encoding: 'utf8' })) {
      for (const c of chunk as string) if (c === '\n') lines++;
      last = (last + (chunk as string)).slice(-64);
    }
    expect(lines).toBe(n + 1);
    expect(last.endsWith('\n999999,1,1\n')).toBe(true);
  });

  it('rejects a short column or a reserved name with INTERNAL and writes nothing', async () => {
    const dir = await tempDir();
    await expect(writeRecordRisk(dir, 3, { classSize: [1, 2] })).rejects.toMatchObject({ code: 'INTERNAL' });
    await expect(writeRecordRisk(dir, 1, { row: [1] })).rejects.toMatchObject({ code: 'INTERNAL' });
    await expect(writeRecordRisk(dir, -1, {})).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('quotes header names CSV would split', async () => {
    const dir = await tempDir();
    const path = await writeRecordRisk(dir, 1, { 'a,b': [1], 'say "hi"': [2] });
    expect((await readFile(path, 'utf8')).split('\n')[0]).toBe('row,"a,b","say ""hi"""');
  });
});

describe('formatCsvNumber', () => {
  it('prints integers as integers, floats to 6 significant digits, NaN as empty', () => {
    expect(formatCsvNumber(42)).toBe('42');
    expect(formatCsvNumber(-0)).toBe('0');
    expect(formatCsvNumber(0.1 + 0.2)).toBe('0.3');
    expect(formatCsvNumber(2 / 3)).toBe('0.666667');
    expect(formatCsvNumber(1234567.891)).toBe('1234570');
    expect(formatCsvNumber(Math.fround(0.1))).toBe('0.1');
    expect(formatCsvNumber(Number.NaN)).toBe('');
    expect(formatCsvNumber(Number.POSITIVE_INFINITY)).toBe('Infinity');
  });
});
