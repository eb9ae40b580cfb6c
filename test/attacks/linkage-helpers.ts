/**
 * @module test/attacks/linkage-helpers — running the linkage attack on files as the CLI would (through
 * src/run/inputs.ts, so joint encoding, ground truth and target sampling are the real ones), and
 * building the NIST fixtures' ground truth.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { linkage } from '../../attacks/linkage/index.js';
import type { AttackOutcome } from '../../attacks/types.js';
import type { WorkerPool } from '../../src/pool/pool.js';
import { loadInputs, type TrialInputs } from '../../src/run/inputs.js';
import { rng } from '../../src/stats/random.js';
import type { QiSpec, Trial } from '../../src/trial/schema.js';
import { readDelimited } from '../fixtures/classes.js';
import { DEMOGRAPHIC } from '../fixtures/nist/load.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const NIST = join(ROOT, 'test/fixtures/nist');
export const NIST_QI = DEMOGRAPHIC;
/**
 * NIST QIs with kinds: the k=6 file writes SEX, RAC1P, OWN_RENT, HOUSING_TYPE and DEYE as floats (`2.0`),
 * so they are declared numeric and compared by value; AGEP is numeric too.
 */
export const NIST_SPECS: QiSpec[] = NIST_QI.map((name) => ({
  name,
  kind: ['AGEP', 'SEX', 'RAC1P', 'OWN_RENT', 'HOUSING_TYPE', 'DEYE'].includes(name)
    ? 'numeric'
    : 'categorical',
}));

/** A trial with defaults for tests. */
export function trial(t: Partial<Trial> & Pick<Trial, 'release' | 'qi'>): Trial {
  return {
    sensitive: [],
    aligned: false,
    seed: 1,
    workers: 1,
    out: '/nonexistent',
    format: ['json'],
    wildcard: [],
    ...t,
  };
}

/** Loads a trial's inputs and runs the linkage attack on `pool` (with the trial's linkage options). */
export async function runLinkage(
  t: Trial,
  pool: WorkerPool,
  seed = 7,
): Promise<{ outcome: AttackOutcome; inputs: TrialInputs }> {
  const inputs = await loadInputs(t, () => {});
  const outcome = await linkage.run({
    release: inputs.encoded.release,
    original: inputs.encoded.original,
    control: inputs.encoded.control,
    auxiliary: inputs.encoded.auxiliary,
    options: t.options,
    linkage: inputs.linkage,
    qi: t.qi,
    sensitive: [],
    pool,
    seed,
    recordThreshold: 0.2,
    wildcard: t.wildcard.length > 0,
  });
  return { outcome, inputs };
}

/** A method's figures from the outcome's details. */
export interface SettingFigures {
  targets: number;
  claims: number;
  reidentified: number;
  reidentificationRate: { value: number; ci95: [number, number]; n: number };
  precision: { value: number; ci95: [number, number]; n: number } | null;
  baselineRate: number;
  expectedReidentificationRate?: number;
}
export function methodFigures(
  o: AttackOutcome,
  method: string,
  setting: 'prosecutor' | 'journalist' = 'prosecutor',
): SettingFigures {
  const methods = o.details!.methods as Record<string, Record<string, SettingFigures>>;
  return methods[method][setting];
}

/** Writes rows as a CSV (no quoting: test values have no commas). */
export function writeCsv(path: string, header: string[], rows: readonly (readonly string[])[]): string {
  writeFileSync(path, [header, ...rows].map((r) => r.join(',')).join('\n') + '\n');
  return path;
}

/** `2.0` → `2`: how the k=6 file's floats compare with national2019's integers. */
export const normalizeNumber = (s: string) => s.replace(/^(-?\d+)\.0+$/, '$1');

/**
 * The national2019 row each row of the k=6 file was copied from. Its SOURCE.md: rows are exact copies,
 * in the original order, of national2019 rows (records with suppressed values were dropped). So walk both
 * files in order and take, for each k=6 row, the next national2019 row equal on the 10 QIs (numbers
 * normalized). Throws if any row has no such match.
 */
export function k6SourceRows(): Int32Array {
  const nat = readDelimited(join(NIST, 'national2019.csv'), ',');
  const k6 = readDelimited(join(NIST, 'k_anonymity_k_6.csv'), ',');
  const key = (header: string[], row: string[]) =>
    NIST_QI.map((c) => normalizeNumber(row[header.indexOf(c)])).join('|');
  const natKeys = nat.rows.map((r) => key(nat.header, r));
  const out = new Int32Array(k6.rows.length);
  let i = 0;
  for (let j = 0; j < k6.rows.length; j++) {
    const k = key(k6.header, k6.rows[j]);
    while (i < natKeys.length && natKeys[i] !== k) i++;
    if (i === natKeys.length) throw new Error(`k=6 row ${j + 1} matches no later national2019 row`);
    out[j] = i++;
  }
  return out;
}

/** Seeded synthetic records: 4 QIs with 30 × 10 × 5 × 100 combinations. */
export function records(n: number, seed: number): string[][] {
  const r = rng(seed);
  return Array.from({ length: n }, () => [30, 10, 5, 100].map((k) => String(Math.floor(r() * k))));
}
export const SYN_HEADER = ['a', 'b', 'c', 'd'];
export const SYN_QI: QiSpec[] = [
  { name: 'a', kind: 'numeric' },
  { name: 'b', kind: 'categorical' },
  { name: 'c', kind: 'categorical' },
  { name: 'd', kind: 'numeric' },
];
