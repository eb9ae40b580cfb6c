/**
 * @module cli/diff — `reidgate diff OLD NEW`: risk deltas between two reports, as Markdown for a pull-request
 * comment (or JSON); exit 1 when a metric got worse beyond its tolerance, 0 otherwise, 2 on an unreadable report.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { diffToMarkdown } from '../../reports/diff-markdown.js';
import { q, ReidgateError } from '../errors.js';
import { diffReports, parseTolerances } from '../report/diff.js';
import { Report } from '../report/model.js';

/**
 * Reads and validates a report.json (or the report.json inside a folder).
 * @param path - the file or output folder
 * @returns the validated report
 * @throws ReidgateError('INPUT_NOT_FOUND') when unreadable, ('INPUT_PARSE') when not a valid report
 */
export function readReport(path: string): Report {
  let file = path;
  let text: string;
  try {
    if (statSync(path).isDirectory()) file = join(path, 'report.json');
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ReidgateError(
      'INPUT_NOT_FOUND',
      `report ${q(file, 200)}: cannot read it (missing or not permitted)`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ReidgateError('INPUT_PARSE', `report ${q(file, 200)}: not JSON (${(e as Error).message})`);
  }
  const r = Report.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new ReidgateError(
      'INPUT_PARSE',
      `report ${q(file, 200)}: not a reidgate report.json (${i.path.join('.') || 'report'}: ${i.message})`,
    );
  }
  return r.data;
}

/** Adds the `diff` command. */
export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description(
      'Compare two reports: per metric old, new, delta, noise, flipped checks. Exit 1 if a metric got worse beyond its tolerance.',
    )
    .argument('<old>', 'the baseline report.json (or its output folder)')
    .argument('<new>', 'the new report.json (or its output folder)')
    .option(
      '--tolerance <metric=x>',
      'allowed worsening, repeatable: attack.metric=0.01 (absolute), attack.metric=5% (of the old value), default=x for all others (default 0)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--format <fmt>', 'md (default) or json')
    .option('--out <file>', 'also write the output to this file')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  reidgate diff main-report/report.json pr-report/report.json > diff.md\n' +
        '  reidgate diff old/ new/ --tolerance linkage.reidentificationRate=0.01 --tolerance default=0\n\n' +
        'Exit codes: 0 no regression · 1 a metric got worse beyond tolerance (or the verdict got worse) · 2 unreadable input.',
    )
    .action(
      (oldPath: string, newPath: string, opts: { tolerance?: string[]; format?: string; out?: string }) => {
        const format = opts.format ?? 'md';
        if (format !== 'md' && format !== 'json')
          throw new ReidgateError('USAGE', `--format ${q(format)}: expected md or json`);
        const options = parseTolerances(opts.tolerance ?? []);
        const d = diffReports(readReport(oldPath), readReport(newPath), options);
        const text =
          format === 'json'
            ? `${JSON.stringify(d, (_k, v) => (v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v), 2)}\n`
            : diffToMarkdown(d, { old: oldPath, new: newPath });
        if (opts.out) {
          try {
            writeFileSync(opts.out, text);
          } catch (e) {
            throw new ReidgateError(
              'USAGE',
              `--out ${q(opts.out, 200)}: cannot write it (${(e as Error).message})`,
            );
          }
        }
        process.stdout.write(text);
        process.exitCode = d.exitCode;
      },
    );
}
