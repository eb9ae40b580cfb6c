/**
 * @module cli/demo — `reidgate demo`: the bundled sample trial.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { listNames, q, ReidgateError } from '../errors.js';
import { runAndSummarize } from './run.js';

/** The bundled trials folder (datasets/trials in the package). */
export function trialsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const d = join(dir, 'datasets', 'trials');
    if (existsSync(d)) return d;
    dir = dirname(dir);
  }
  throw new ReidgateError(
    'INPUT_NOT_FOUND',
    'demo: the bundled datasets/trials folder is missing from this installation',
  );
}

/** The sample trial `npm start` runs. */
export const DEFAULT_DEMO = 'cohort-strong';

/** Adds the `demo` command. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'Run a bundled sample trial (default: the strong release of the synthetic medical cohort) and write its report.',
    )
    .argument('[name]', 'which sample trial (see --list)', DEFAULT_DEMO)
    .option('--list', 'list the bundled sample trials')
    .option('--out <dir>', 'output directory (default ./reidgate-report)')
    .option('--workers <n>', 'worker threads')
    .option('-q, --quiet', 'print only the final summary')
    .action(
      async (name: string, opts: { list?: boolean; out?: string; workers?: string; quiet?: boolean }) => {
        const dir = trialsDir();
        const names = readdirSync(dir)
          .filter((f) => f.endsWith('.yaml'))
          .map((f) => basename(f, '.yaml'))
          .sort();
        if (opts.list) {
          process.stdout.write(`${names.join('\n')}\n`);
          return;
        }
        if (!names.includes(name)) {
          throw new ReidgateError(
            'USAGE',
            `demo ${q(name)}: no such sample trial (trials: ${listNames(names)})`,
          );
        }
        process.exitCode = await runAndSummarize(join(dir, `${name}.yaml`), {
          out: opts.out,
          workers: opts.workers,
          quiet: opts.quiet,
        });
      },
    );
}
