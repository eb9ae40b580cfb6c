import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseReportFormats, REPORT_FORMATS, writeReports } from '../../reports/index.js';
import type { Report } from '../../src/report/model.js';
import { makeReport, tempDir } from './fixture.js';

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

describe('writeReports', () => {
  it('writes all four files, atomically, and returns their paths', async () => {
    const dir = join(await tempDir(), 'out', 'nested');
    const paths = await writeReports(makeReport(), dir, REPORT_FORMATS);
    expect(paths).toEqual(['report.json', 'report.md', 'report.html', 'junit.xml'].map((f) => join(dir, f)));
    expect((await readdir(dir)).sort()).toEqual(['junit.xml', 'report.html', 'report.json', 'report.md']);
    const json = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
    expect(json.attacks[0].metrics.sampleUniqueFraction.value).toBe(0.012345678);
    expect(await readFile(join(dir, 'report.md'), 'utf8')).toContain('**FAIL**');
  });

  it('writes only the formats asked, once each', async () => {
    const dir = await tempDir();
    const paths = await writeReports(makeReport(), dir, ['junit', 'md', 'junit']);
    expect(paths).toEqual([join(dir, 'junit.xml'), join(dir, 'report.md')]);
    expect((await readdir(dir)).sort()).toEqual(['junit.xml', 'report.md']);
  });

  it('writes nothing for an invalid report and throws INTERNAL', async () => {
    const dir = join(await tempDir(), 'out');
    const bad = { ...makeReport(), verdict: 'maybe' } as unknown as Report;
    await expect(writeReports(bad, dir, REPORT_FORMATS)).rejects.toMatchObject({
      name: 'ReidgateError',
      code: 'INTERNAL',
      message: expect.stringContaining('verdict'),
    });
    await expect(readdir(dir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('rejects an unknown format with USAGE before writing', async () => {
    const dir = join(await tempDir(), 'out');
    expect(await codeOf(writeReports(makeReport(), dir, ['pdf' as 'json']))).toBe('USAGE');
    await expect(readdir(dir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('reports an unwritable --out as USAGE', async () => {
    const base = await tempDir();
    await writeFile(join(base, 'file'), 'x');
    expect(await codeOf(writeReports(makeReport(), join(base, 'file', 'out'), ['json']))).toBe('USAGE');
  });
});

describe('parseReportFormats', () => {
  it('parses a comma list and deduplicates', () => {
    expect(parseReportFormats('json, md,json,junit')).toEqual(['json', 'md', 'junit']);
  });
  it('names the unknown format', () => {
    expect(() => parseReportFormats('json,pdf')).toThrow(/--format: unknown format `pdf`/);
    expect(() => parseReportFormats('')).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});
