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

/**
 * Bad relational inputs on the mini cohort: what, files replaced, trial edit, the expected message
 * (exit 2). Shared by the local loader's tests and the DuckDB engine's (the same messages).
 */
export const BAD_INPUTS: Array<
  [string, Record<string, string>, (t: Record<string, unknown>) => void, RegExp]
> = [
  [
    'an event key matching no patient (table and count)',
    { 'release/diagnoses.csv': 'pid,date,icd10\np1,2021-03,E11\np9,2021-03,E11\np8,2021-04,I10\n' },
    () => {},
    /events `diagnoses` \(release .*\): 2 of 3 rows have a key `pid` matching no patient .*first: row 2, key `p9`/,
  ],
  [
    'a date that does not parse (row and column)',
    { 'original/diagnoses.csv': 'pid,date,icd10\np1,2021-03-05,E11.9\np2,2021-13-40,I10\n' },
    () => {},
    /events `diagnoses` \(original .*\): row 2, column `date`: `2021-13-40` is not a date/,
  ],
  [
    'a code outside the declared system',
    { 'release/diagnoses.csv': 'pid,date,icd10\np1,2021-03,E11\np2,2021-03,diabetes\n' },
    () => {},
    /row 2, column `icd10`: `diabetes` is not an ICD-10 code \(declared codeSystem: icd10\)/,
  ],
  [
    'a release contradicting its declared truncation (4 characters declared 3)',
    { 'release/diagnoses.csv': 'pid,date,icd10\np1,2021-03,E11\np2,2021-03,E11.9\n' },
    () => {},
    /row 2, column `icd10`: `E11.9` has 4 characters but the release is declared truncated to 3/,
  ],
  [
    'release dates finer than the declared precision',
    { 'release/diagnoses.csv': 'pid,date,icd10\np1,2021-03-01,E11\np2,2021-03-17,I10\n' },
    () => {},
    /row 2, column `date`: `2021-03-17` is finer than the declared datePrecision `month`/,
  ],
  [
    'original dates coarser than the release precision',
    { 'original/prescriptions.csv': 'pid,date,drug\np1,2021,A10BA02\n' },
    (t) => {
      eventsOf(t)[1].datePrecision = 'month';
    },
    /events `prescriptions` \(original .*\): row 1, column `date`: `2021` is coarser than the release's date precision `month`/,
  ],
  [
    'release dates outside the original range widened by the declared shift',
    { 'release/diagnoses.csv': 'pid,date,icd10\np1,2020-11,E11\np2,2021-03,I10\n' },
    () => {},
    /release dates reach 2020-11, outside the original's dates 2021-02 … 2022-07 widened by the declared dateShift of 0 days/,
  ],
  [
    'a person table with a duplicated key',
    { 'release/patients.csv': 'pid,sex,birth_ym,pref,muni\np1,F,1950,13,*\np1,F,1950,13,*\n' },
    () => {},
    /`pid`.*rows 1 and 2 of .* share a key/,
  ],
];
