/**
 * @module cli/inspect — `reidgate inspect FILE`: a column profile for choosing quasi-identifiers.
 */
import type { Command } from 'commander';
import { profileTable } from '../inspect/profile.js';
import { loadTable } from '../io/index.js';
import { defaultWorkers, parseIntFlag } from '../trial/resolve.js';

const pct = (x: number) => `${(x * 100).toFixed(x > 0 && x < 0.001 ? 3 : 1)}%`;

/** Adds the `inspect` command. */
export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description(
      'Profile a table: rows, per-column type guess, distinct values, missing share, single-column uniqueness,\n' +
        'and the column pairs that make the most records unique (names and counts only, never values).',
    )
    .argument('<file>', 'table to profile (.csv .tsv .arrow .feather .ipc .parquet)')
    .option('--json', 'print the profile as JSON')
    .option('--workers <n>', 'worker threads')
    .option('--missing <tokens>', 'CSV tokens read as missing, comma-separated')
    .option('--delimiter <char>', 'CSV delimiter instead of sniffing')
    .action(
      async (
        file: string,
        opts: { json?: boolean; workers?: string; missing?: string; delimiter?: string },
      ) => {
        const workers = opts.workers ? parseIntFlag('--workers', opts.workers, 1, 256) : defaultWorkers();
        const t = await loadTable(file, {
          role: 'inspect',
          missing: opts.missing?.split(','),
          delimiter: opts.delimiter === 'tab' ? '\t' : opts.delimiter,
        });
        const p = await profileTable(t, workers);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(p, null, 2)}\n`);
          return;
        }
        const w = Math.max(6, ...p.columns.map((c) => c.name.length));
        const lines = [
          `${p.path}: ${p.rows.toLocaleString('en-US')} rows, ${p.columns.length} columns`,
          '',
          `${'column'.padEnd(w)}  ${'type'.padEnd(15)} ${'distinct'.padStart(9)} ${'missing'.padStart(8)} ${'unique alone'.padStart(12)}`,
          ...p.columns.map(
            (c) =>
              `${c.name.padEnd(w)}  ${c.type.padEnd(15)} ${c.distinct.toLocaleString('en-US').padStart(9)} ${pct(c.missingFraction).padStart(8)} ${pct(c.uniqueFraction).padStart(12)}`,
          ),
          '',
          'column pairs that make the most records unique:',
          ...p.pairs.map(
            (x) =>
              `  ${x.columns.join(' + ')}: ${x.uniques.toLocaleString('en-US')} records (${pct(x.uniqueFraction)})`,
          ),
        ];
        if (p.note) lines.push(`(${p.note})`);
        process.stdout.write(`${lines.join('\n')}\n`);
      },
    );
}
