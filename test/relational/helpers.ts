/**
 * @module test/relational/helpers — small relational trials written to a temporary folder: a copy of
 * the mini cohort fixture with files replaced, and a loader that runs the trial's input stage.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import YAML from 'yaml';
import { loadInputs } from '../../src/run/inputs.js';
import { type RunFlags, resolveTrial } from '../../src/trial/resolve.js';
import { tmp } from '../cli/helpers.js';

export const MINI = resolve(import.meta.dirname, '../fixtures/cohort-mini');

/**
 * Copies the mini cohort to a fresh folder, overwriting the given files and top-level trial fields
 * (`edit` may change the parsed trial, e.g. one event table's declaration).
 * @returns the folder and the trial file's path
 */
export function miniCopy(
  files: Record<string, string> = {},
  edit: (trial: Record<string, unknown>) => void = () => {},
): { dir: string; path: string } {
  const dir = tmp('reidgate-relational-');
  cpSync(MINI, dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const path = join(dir, 'trial.yaml');
  const trial = YAML.parse(readFileSync(join(MINI, 'trial.yaml'), 'utf8')) as Record<string, unknown>;
  edit(trial);
  writeFileSync(path, YAML.stringify(trial));
  return { dir, path };
}

/** The event table declarations of a parsed trial. */
export function eventsOf(trial: Record<string, unknown>): Array<Record<string, unknown>> {
  return trial.events as Array<Record<string, unknown>>;
}

/** Runs the input stage of a trial file (load, validate, encode, person view). */
export async function loadTrial(path: string, flags: RunFlags = {}) {
  return loadInputs(resolveTrial(path, flags), () => {});
}
