/**
 * PWS Cup 2025 (internal testing only: read from ../shared, never committed; skipped when absent).
 * team17_B17_1 is the 10,000-patient sample handed to team 17 (members); team17_C17_1_ano0 is the team's
 * anonymized release of it: numeric noise, binary flips, categorical replacement, rows shuffled — no row
 * alignment, so there is no ground truth for a link.
 *
 * What is meaningful here, and what is not:
 * - uniqueness on demographic QIs (GENDER, AGE, RACE, ETHNICITY) of each file on its own: observed B17_1
 *   434 sample uniques in 1,141 classes; C17_1 583 in 1,639. The release shows MORE uniques, not fewer:
 *   replacing a category with probability q moves records from the large classes (white: 8,592 → 7,487)
 *   into small ones. A unique release row need not be a real person, so this count overstates what the
 *   release reveals and says nothing of protection; the test pins the mechanism's sign, not the figures.
 * - linkage B17_1 → C17_1 has no ground truth: reidentificationRate cannot be computed and reidgate must
 *   not pass the release under a preset that checks it (README "linkability without ground truth"); it
 *   still reports the share of targets with a unique exact QI match in the release (uniqueMatchRate,
 *   observed 0.034 on 500 seeded targets), which
 *   is not a re-identification rate: the match may be another person or a perturbed record.
 * - linkability (Giomi et al.) needs a control from the SAME population never used for the release.
 *   HI_10K and MA_10K are samples of the Hawaii and Massachusetts populations; B17_1's race mix (86% white,
 *   2.7% native) matches neither (HI: 37% asian; MA: 0.5% native), so as a control they would measure the
 *   difference between states, not a leak. Membership likewise needs same-population non-members. Neither
 *   is run.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTrial } from '../../src/run/run-trial.js';
import { resolveTrial } from '../../src/trial/resolve.js';

const DIR = resolve(import.meta.dirname, '../../../shared/datasets/pwscup/pwscup2025');
const B = join(DIR, 'team17_B17_1.csv');
const C = join(DIR, 'team17_C17_1_ano0.csv');
const QI = 'GENDER,AGE,RACE,ETHNICITY';
const present = existsSync(B) && existsSync(C);

async function uniqueness(release: string) {
  const r = await runTrial(resolveTrial(undefined, { release, qi: QI, attacks: 'uniqueness', workers: '2' }));
  const a = r.report.attacks.find((x) => x.id === 'uniqueness')!;
  expect(a.status, a.reason).toBe('ok');
  return a.metrics;
}

describe.skipIf(!present)(
  'PWS Cup 2025 team 17 (../shared/datasets/pwscup/pwscup2025; skipped when absent: internal data, not redistributed)',
  () => {
    it('categorical replacement spreads the release over more demographic classes than its input', async () => {
      const b = await uniqueness(B);
      const c = await uniqueness(C);
      expect(b.records.value).toBe(10_000);
      expect(c.records.value).toBe(10_000);
      expect(c.equivalenceClasses.value).toBeGreaterThan(b.equivalenceClasses.value as number);
      expect(c.sampleUniques.value).toBeGreaterThan(b.sampleUniques.value as number);
      // Raw sample: a few percent unique on four demographics (observed 4.3%), far from all.
      expect(b.sampleUniqueFraction.value).toBeGreaterThan(0.01);
      expect(b.sampleUniqueFraction.value).toBeLessThan(0.2);
    });

    it('linkage without ground truth claims no re-identification rate and does not pass', async () => {
      const r = await runTrial(
        resolveTrial(undefined, {
          release: C,
          original: B,
          qi: QI,
          attacks: 'linkage',
          preset: 'controlled',
          targets: '500',
          workers: '2',
        }),
      );
      const a = r.report.attacks.find((x) => x.id === 'linkage')!;
      expect(a.status, a.reason).toBe('ok');
      expect(a.metrics.reidentificationRate).toBeUndefined();
      // The preset's linkage check fails for want of the figure, not because of a measured rate.
      const check = r.report.checks.find((c) => c.id === 'linkage.reidentificationRate')!;
      expect(check.passed).toBe(false);
      expect(check.value).toBeNull();
      expect(r.report.verdict).toBe('fail');
    });
  },
);
