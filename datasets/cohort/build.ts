/**
 * @module datasets/cohort/build — regenerates the bundled default cohort and its two candidate releases:
 * `original/` (5,000 patients of one prefecture, 長野県 20, seed 1), `release-strong/` and `release-weak/`
 * (each with its `rules.yaml`). A test rebuilds them into a temporary directory and compares bytes.
 *
 * Usage: `npm run cohort:bundle [-- --out DIR]` (default: this directory).
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { anonymizeCohort, STRONG, WEAK } from './anonymize.js';
import { generateCohort } from './generate.js';

/** The bundled cohort's parameters. */
export const BUNDLE = { patients: 5000, seed: 1, prefs: ['20'] } as const;

/**
 * Writes `original/`, `release-strong/` and `release-weak/` under `root`.
 * @returns row counts of the original
 */
export async function buildBundle(root: string) {
  const original = resolve(root, 'original');
  const counts = await generateCohort({ ...BUNDLE, prefs: [...BUNDLE.prefs], out: original });
  await anonymizeCohort(original, resolve(root, 'release-strong'), STRONG, BUNDLE.seed);
  await anonymizeCohort(original, resolve(root, 'release-weak'), WEAK, BUNDLE.seed);
  return counts;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const root = values.out ?? fileURLToPath(new URL('.', import.meta.url));
  buildBundle(root).then(
    (c) => console.log(JSON.stringify(c)),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exit(2);
    },
  );
}
