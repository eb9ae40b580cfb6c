/**
 * @module cli/run — `reidgate run [TRIAL] [flags]`.
 */
import { basename, join, relative } from 'node:path';
import type { Command } from 'commander';
import { ATTACKS } from '../../attacks/index.js';
import { loadPrivateKey, signManifest } from '../evidence/sign.js';
import { PRESETS } from '../policy/presets.js';
import { runTrial } from '../run/run-trial.js';
import { type RunFlags, resolveTrial } from '../trial/resolve.js';
import { REPORT_FORMATS } from '../trial/schema.js';
import { progressPrinter } from './progress.js';

/**
 * Runs a resolved trial, signs its manifest when asked, and prints the one-line summary on stdout: the verdict,
 * why, and where the report is. Progress goes to stderr (see cli/progress.ts).
 * @returns the exit code
 */
export async function runAndSummarize(
  trialPath: string | undefined,
  flags: RunFlags & { quiet?: boolean; sign?: string },
): Promise<number> {
  const trial = resolveTrial(trialPath, flags);
  // Read the key before running, so a bad key is a usage error and nothing is written.
  const key = flags.sign ? loadPrivateKey(flags.sign) : undefined;
  const printer = progressPrinter(!!flags.quiet);
  let result: Awaited<ReturnType<typeof runTrial>>;
  try {
    result = await runTrial(trial, printer.progress);
  } finally {
    printer.stop();
  }
  if (key) await signManifest(trial.out, key);
  const rel = relative(process.cwd(), trial.out);
  const where = rel === '' ? '.' : rel.startsWith('..') ? trial.out : rel;
  const main = ['report.html', 'report.md', 'report.json', 'junit.xml']
    .map((f) => join(trial.out, f))
    .find((p) => result.written.includes(p));
  const shown = main ? join(where, basename(main)) : `${where}/`;
  process.stdout.write(`${result.report.summary} · report: ${shown}${key ? ' · manifest signed' : ''}\n`);
  return result.exitCode;
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
    .option(
      '--engine <name>',
      'where counting runs: local (default), duckdb (embedded, out-of-core) or clickhouse (a cluster)',
    )
    .option(
      '--memory-limit <size>',
      'engine memory limit, e.g. 2GB: DuckDB spills to disk beyond it; ClickHouse max_memory_usage',
    )
    .option(
      '--clickhouse-url <urls>',
      'ClickHouse shard HTTP URLs, comma-separated, coordinator first (default: REIDGATE_CLICKHOUSE_URL or the loopback cluster of scripts/clickhouse-cluster.sh)',
    )
    .option(
      '--clickhouse-config <file>',
      'YAML/JSON file with the ClickHouse user and password (default: REIDGATE_CLICKHOUSE_USER / REIDGATE_CLICKHOUSE_PASSWORD)',
    )
    .option(
      '--no-record-risk',
      'write no per-record output (record-risk.csv) and ask the engine for aggregates only; the metrics are the same',
    )
    .option('--lang <lang>', 'language of the HTML and Markdown report labels: en, ja (default en)')
    .option(
      '--include-examples',
      'put record values in the report (QI values of the riskiest groups); the report says so on its banner',
    )
    .option('--missing <tokens>', 'CSV tokens read as missing, comma-separated (default: empty, NA, ?, null)')
    .option('--delimiter <char>', 'CSV delimiter instead of sniffing: , ; tab |')
    .option(
      '--sign <keyfile>',
      'sign OUT/manifest.json with this Ed25519 private key (PEM) → OUT/manifest.sig',
    )
    .option('-q, --quiet', 'print only the final summary')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  reidgate run --release release.csv --qi age,sex,zip --preset public\n' +
        '  reidgate run trial.yaml --workers 2 --out out/\n\n' +
        'Exit codes: 0 pass · 1 fail · 2 usage or input error · 3 an attack failed (verdict "error").',
    )
    .action(
      async (
        trialPath: string | undefined,
        flags: RunFlags & { quiet?: boolean; sign?: string },
        cmd: Command,
      ) => {
        // Commander defaults a negatable flag to true: only an explicit --no-record-risk overrides the trial file.
        if (cmd.getOptionValueSource('recordRisk') !== 'cli') delete flags.recordRisk;
        process.exitCode = await runAndSummarize(trialPath, flags);
      },
    );
}
