/**
 * @module cli/replay — `reidgate replay OUT/manifest.json [--out DIR]`: re-run the exact trial of a manifest and
 * confirm identical numbers. Exit 0 identical, 1 a difference (listed), 2 unreadable manifest or missing input.
 */
import type { Command } from 'commander';
import { replayManifest } from '../evidence/replay.js';
import { progressPrinter } from './progress.js';

/** Adds the `replay` command. */
export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description(
      'Re-run the exact trial a manifest.json records (inputs verified by hash first) and compare the numbers.',
    )
    .argument('<manifest>', 'manifest.json (or the output directory holding it)')
    .option('--out <dir>', 'where the replay writes its outputs (default: a new temporary directory)')
    .option('-q, --quiet', 'print only the final line')
    .addHelpText(
      'after',
      '\nExit codes: 0 identical numbers · 1 differences (listed) or a changed input · 2 unreadable manifest or missing input.',
    )
    .action(async (manifest: string, opts: { out?: string; quiet?: boolean }) => {
      const printer = progressPrinter(!!opts.quiet);
      let r: Awaited<ReturnType<typeof replayManifest>>;
      try {
        r = await replayManifest(manifest, { out: opts.out, progress: printer.progress });
      } finally {
        printer.stop();
      }
      for (const d of r.differences) process.stdout.write(`DIFFERS ${d}\n`);
      process.stdout.write(
        r.differences.length === 0
          ? `IDENTICAL: ${r.compared} metrics and the verdict (${r.manifest.results.verdict}) reproduced · replay: ${r.out}\n`
          : `DIFFERENT: ${r.differences.length} difference${r.differences.length === 1 ? '' : 's'} from the recorded run · replay: ${r.out}\n`,
      );
      process.exitCode = r.differences.length === 0 ? 0 : 1;
    });
}
