/**
 * @module reports — the report writers: `report.json`, `report.md`, `report.html`, `junit.xml` and
 * `record-risk.csv` in the output directory. They render the validated report object and nothing else (no raw
 * record values reach them), and write every file atomically (`NAME.tmp`, then rename).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { listNames, q, ReidgateError } from '../src/errors.js';
import { type Report, validateReport } from '../src/report/model.js';
import { outputError, writeAtomic } from './atomic.js';
import { toHtml, type WriterOptions } from './html.js';
import { toJson } from './json.js';
import { toJunit } from './junit.js';
import { toMarkdown } from './markdown.js';

export { histogramSpec, histogramSvg, specSvg } from './charts.js';
export { escapeHtml, toHtml, type WriterOptions } from './html.js';
export { isLang, LANGS, type Lang, messages } from './i18n.js';
export { toJson } from './json.js';
export { escapeXml, toJunit } from './junit.js';
export { toMarkdown } from './markdown.js';
export { formatCsvNumber, RECORD_RISK_FILE, writeRecordRisk } from './record-risk.js';

/** A report format the `--format` flag accepts. */
export type ReportFormat = 'json' | 'md' | 'html' | 'junit';

/** Every report format, in the order the files are written. */
export const REPORT_FORMATS: readonly ReportFormat[] = ['json', 'md', 'html', 'junit'];

/** The file each format writes inside the output directory. */
export const REPORT_FILES: Readonly<Record<ReportFormat, string>> = {
  json: 'report.json',
  md: 'report.md',
  html: 'report.html',
  junit: 'junit.xml',
};

const RENDER: Readonly<Record<ReportFormat, (r: Report, o: WriterOptions) => string | Promise<string>>> = {
  json: toJson,
  md: toMarkdown,
  html: toHtml,
  junit: toJunit,
};

function isReportFormat(s: string): s is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(s);
}

/**
 * Parses the `--format` flag ("json,md,html,junit").
 * @param value - a comma-separated list, or an array of names
 * @returns the formats, deduplicated, in the order given
 * @throws ReidgateError('USAGE') naming an unknown format or an empty list
 */
export function parseReportFormats(value: string | readonly string[]): ReportFormat[] {
  const names = (typeof value === 'string' ? value.split(',') : value).map((s) => s.trim()).filter(Boolean);
  if (names.length === 0)
    throw new ReidgateError('USAGE', `--format: no format given (formats: ${listNames(REPORT_FORMATS)})`);
  for (const n of names) {
    if (!isReportFormat(n)) {
      throw new ReidgateError(
        'USAGE',
        `--format: unknown format ${q(n)} (formats: ${listNames(REPORT_FORMATS)})`,
      );
    }
  }
  return [...new Set(names as ReportFormat[])];
}

/**
 * Validates the report, then writes the asked formats into `outDir` (created if missing).
 *
 * Every document is rendered before the first file is written, and each file is written atomically, so an
 * invalid report or a rendering bug leaves the directory untouched.
 * @param report - the report object (validated here against its schema; defaults are filled in)
 * @param outDir - the output directory (`--out`)
 * @param formats - formats to write; repeats are written once
 * @param options - the language of the HTML and Markdown labels (default English)
 * @returns the paths written, in the order of `formats`
 * @throws ReidgateError('INTERNAL') when the report fails its schema (nothing is written)
 * @throws ReidgateError('USAGE') for an unknown format, or when `outDir` cannot be created or written
 */
export async function writeReports(
  report: Report,
  outDir: string,
  formats: readonly ReportFormat[],
  options: WriterOptions = {},
): Promise<string[]> {
  const valid = validateReport(report);
  const wanted = parseFormatsOrEmpty(formats);
  const docs: [string, string][] = [];
  for (const f of wanted) docs.push([join(outDir, REPORT_FILES[f]), await RENDER[f](valid, options)]);
  try {
    await mkdir(outDir, { recursive: true });
  } catch (e) {
    throw outputError(outDir, e);
  }
  const written: string[] = [];
  for (const [path, text] of docs) {
    try {
      await writeAtomic(path, text);
    } catch (e) {
      throw outputError(path, e);
    }
    written.push(path);
  }
  return written;
}

function parseFormatsOrEmpty(formats: readonly string[]): ReportFormat[] {
  return formats.length === 0 ? [] : parseReportFormats(formats);
}
