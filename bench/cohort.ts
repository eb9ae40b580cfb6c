/**
 * @module bench/cohort — tinybench tasks for the synthetic medical cohort (datasets/cohort): generating
 * N patients (all of Japan, ~19 event rows each: diagnoses, prescriptions, checkups) streamed to CSV, and making
 * the strong release of the 100k cohort (two counting passes, km-anonymity, shuffle).
 *
 * Sizes: BENCH_COHORT=100000,1000000 (patients). Files go to `.bench-data/cohort-N/`.
 */
import { join } from 'node:path';
import type { Bench } from 'tinybench';
import { anonymizeCohort, STRONG } from '../datasets/cohort/anonymize.js';
import { generateCohort } from '../datasets/cohort/generate.js';

/** Registers the cohort tasks on `bench`. */
export async function registerCohortBenchmarks(bench: Bench, dataDir: string): Promise<void> {
  const sizes = (process.env.BENCH_COHORT ?? '100000,1000000').split(',').map(Number);
  for (const patients of sizes) {
    const out = join(dataDir, `cohort-${patients}`);
    bench.add(`cohort generate ${patients} patients`, async () => {
      await generateCohort({ patients, seed: 1, out });
    });
  }
  const smallest = Math.min(...sizes);
  const original = join(dataDir, `cohort-${smallest}`);
  await generateCohort({ patients: smallest, seed: 1, out: original });
  bench.add(`cohort strong release of ${smallest} patients`, async () => {
    await anonymizeCohort(original, join(dataDir, `cohort-${smallest}-strong`), STRONG, 1);
  });
}
