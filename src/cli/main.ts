#!/usr/bin/env node
/**
 * @module cli/main — the `reidgate` command: parses arguments, runs a command, maps errors to exit codes.
 *
 * The one place where errors become exit codes: ReidgateError → its code's exit (2 for usage and input,
 * 3 for an attack failure); anything else → 3 with a one-line message (REIDGATE_DEBUG=1 shows the stack).
 */
import { Command, CommanderError } from 'commander';
import { EXIT, exitCodeFor, isReidgateError } from '../errors.js';
import { VERSION } from '../version.js';
import { registerDemo } from './demo.js';
import { registerDiff } from './diff.js';
import { registerInspect } from './inspect.js';
import { registerKeygen } from './keygen.js';
import { registerReplay } from './replay.js';
import { registerRun } from './run.js';
import { registerSchemas } from './schemas.js';
import { registerVerify } from './verify.js';

/** Prints a one-line error and returns the exit code for it. */
export function reportError(e: unknown): number {
  if (isReidgateError(e)) {
    process.stderr.write(`reidgate: ${e.message}\n`);
    return exitCodeFor(e.code);
  }
  const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
  process.stderr.write(`reidgate: internal error: ${msg}\n`);
  if (process.env.REIDGATE_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  return EXIT.error;
}

/** Builds the program (exported for tests). */
export function buildProgram(): Command {
  const program = new Command()
    .name('reidgate')
    .description(
      'Re-identification risk testing for anonymized data releases: runs attacks on a candidate release,\n' +
        'scores the residual risk against a policy and writes a pass/fail report.\n\n' +
        'Exit codes: 0 pass · 1 fail · 2 usage or input error · 3 an attack failed (verdict "error").',
    )
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      // commander's own usage errors ("error: unknown option '--x'") become one reidgate line.
      outputError: (s, write) => write(`reidgate: ${s.replace(/^error: /, '').trim()} (see --help)\n`),
    });
  registerRun(program);
  registerInspect(program);
  registerDemo(program);
  registerSchemas(program);
  registerDiff(program);
  registerVerify(program);
  registerReplay(program);
  registerKeygen(program);
  for (const c of program.commands) c.exitOverride();
  return program;
}

/** Runs the CLI with `argv` and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0)
        return 0;
      return EXIT.input;
    }
    return reportError(e);
  }
}

const isEntry = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntry || process.argv[1]?.endsWith('/reidgate')) {
  process.on('unhandledRejection', (e) => {
    process.exitCode = reportError(e);
  });
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
