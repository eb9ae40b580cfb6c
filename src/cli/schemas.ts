/**
 * @module cli/schemas — `reidgate schemas`: print or write the JSON Schemas of trial files and reports.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { manifestJsonSchema } from '../evidence/manifest.js';
import { reportJsonSchema } from '../report/model.js';
import { trialJsonSchema } from '../trial/schema.js';

/** The schemas reidgate publishes, by file name. */
export function schemas(): Record<string, unknown> {
  return {
    'trial.schema.json': trialJsonSchema(),
    'report.schema.json': reportJsonSchema(),
    'manifest.schema.json': manifestJsonSchema(),
  };
}

/** Adds the `schemas` command. */
export function registerSchemas(program: Command): void {
  program
    .command('schemas')
    .description(
      'Print the JSON Schemas of the trial file, report.json and manifest.json (or write them to a folder).',
    )
    .option(
      '--write <dir>',
      'write trial.schema.json, report.schema.json and manifest.schema.json into this folder',
    )
    .action((opts: { write?: string }) => {
      const all = schemas();
      if (opts.write) {
        mkdirSync(opts.write, { recursive: true });
        for (const [f, s] of Object.entries(all))
          writeFileSync(join(opts.write, f), `${JSON.stringify(s, null, 2)}\n`);
        process.stdout.write(`wrote ${Object.keys(all).join(', ')} to ${opts.write}\n`);
      } else {
        process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
      }
    });
}
