/**
 * @module cli/run — `reidgate run [TRIAL] [flags]`.
 */
import { relative } from 'node:path';
import type { Command } from 'commander';
import { ATTACKS } from '../../attacks/index.js';
import { PRESETS } from '../policy/presets.js';
import { type Progress, runTrial } from '../run/run-trial.js';
import { type RunFlags, resolveTrial } from '../trial/resolve.js';
import { REPORT_FORMATS } from '../trial/schema.js';

/**
 * Prints progress as plain lines on stderr when stderr is a terminal (and not --quiet). In pipelines
 * stderr carries only the one-line error, if any; stdout the final summary.
 */
export function lineProgress(quiet: boolean): Progress {
  if (quiet || !process.stderr.isTTY) return () => {};
  return (e) => {
    const parts = [`reidgate: ${e.stage}`];
    if (e.attack) parts.push(e.attack);
    if (e.seconds !== undefined) parts.push(`${e.seconds.toFixed(2)} s`);
    if (e.detail) parts.push(e.detail);
    process.stderr.write(`${parts.join(' · ')}\n`);
  };
}

/** Runs a resolved trial and prints the one-line summary; returns the exit code. */
export async function runAndSummarize(
  trialPath: string | undefined,
  flags: RunFlags & { quiet?: boolean },
): Promise<number> {
  const trial = resolveTrial(trialPath, flags);
  const { report, exitCode } = await runTrial(trial, lineProgress(!!flags.quiet));
  const where = relative(process.cwd(), trial.out) || '.';
  process.stdout.write(`${report.summary}\nreport: ${where}/\n`);
  return exitCode;
}

/** Adds the `run` command. */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('Run a re-identification trial on a candidate release and write the report.')
    .argument('[trial]', 'trial file (YAML or JSON); flags override its fields')
    .option('--release <file>', 'candidate release (.csv .tsv .arrow .feather .ipc .parquet)')
    .option('--original <file>', 'the data the release was made from (targets, members)')
    .option('--control <file>', 'records of the same population NOT used to make the release')
    .option('--auxiliary <file>', "attacker's identified background data (default: QI columns of --original)")
    .option(
      '--qi <columns>',
      'quasi-identifier columns, comma-separated; `name:numeric` or `name:date` sets a kind',
    )
    .option('--sensitive <columns>', 'sensitive attributes, comma-separated')
    .option('--id <column>', 'ground-truth key in original and release (never used as an attack feature)')
    .option(
      '--key <column>',
      'relational trials: person key joining the person and event tables (ground truth only)',
    )
    .option('--aligned', 'row i of the release was made from row i of the original')
    .option(
      '--population <n>',
      'population size N the release was sampled from (population models, journalist risk)',
    )
    .option('--sampling-fraction <f>', 'sampling fraction n/N in (0, 1]')
    .option(
      '--population-table <file>',
      'reference population with the QI columns (and optionally a `count` column)',
    )
    .option('--weights <column>', 'release column of sampling weights (individual risk, as sdcMicro)')
    .option(
      '--hierarchy <QI=FILE,…>',
      'ARX-style generalization hierarchy per QI (CSV `value;level1;…;*`, no header), used by linkage',
    )
    .option(
      '--wildcard <tokens>',
      'suppressed tokens that match any value, e.g. "*" (default: none; `*` is its own value)',
    )
    .option('--suda-max-size <k>', 'largest minimal-sample-unique size SUDA searches (default: all QIs)')
    .option(
      '--option <attack.key=value>',
      'an attack option, repeatable: e.g. singling-out.n=5000, suda.maxMsuSize=4, membership.targets=2000',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--targets <n>', 'seeded sample of targets for linkage / membership / inference attacks')
    .option(
      '--attacks <list>',
      `attacks to run (default: every attack the inputs allow): ${ATTACKS.map((a) => a.id).join(', ')}`,
    )
    .option('--policy <file>', 'policy file (YAML or JSON)')
    .option('--preset <name>', `policy preset: ${Object.keys(PRESETS).join(', ')} (default controlled)`)
    .option('--out <dir>', 'output directory (default ./reidgate-report)')
    .option('--workers <n>', 'worker threads (default: cores, at most 8); results do not depend on it')
    .option('--seed <n>', 'seed for every random choice (default 1)')
    .option('--format <list>', `report formats (default all): ${REPORT_FORMATS.join(', ')}`)
    .option('--missing <tokens>', 'CSV tokens read as missing, comma-separated (default: empty, NA, ?, null)')
    .option('--delimiter <char>', 'CSV delimiter instead of sniffing: , ; tab |')
    .option('-q, --quiet', 'print only the final summary')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  reidgate run --release release.csv --qi age,sex,zip --preset public\n' +
        '  reidgate run trial.yaml --workers 2 --out out/\n\n' +
        'Exit codes: 0 pass · 1 fail · 2 usage or input error · 3 an attack failed (verdict "error").',
    )
    .action(async (trialPath: string | undefined, flags: RunFlags & { quiet?: boolean }) => {
      process.exitCode = await runAndSummarize(trialPath, flags);
    });
}
