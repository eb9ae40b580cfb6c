/**
 * Linkability without ground truth (Giomi et al., PETS 2023): leak, no-leak, hand-checked options and
 * the Anonymeter Adult CTGAN release.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AttackOutcome } from '../../attacks/types.js';
import { isReidgateError } from '../../src/errors.js';
import { WorkerPool } from '../../src/pool/pool.js';
import { rng } from '../../src/stats/random.js';
import type { QiSpec } from '../../src/trial/schema.js';
import { tmp } from '../cli/helpers.js';
import { ADULT_QI, unpack } from '../fixtures/anonymeter/load.js';
import { runLinkage, trial, writeCsv } from './linkage-helpers.js';

const pool = new WorkerPool(2);
afterAll(() => pool.close());
const dir = tmp('reidgate-linkability-');

/** n people with four near-unique numeric columns (so A = {x1, x2} and B = {x3, x4} each single one out). */
function people(n: number, seed: number): string[][] {
  const r = rng(seed);
  return Array.from({ length: n }, () => [0, 1, 2, 3].map(() => String(Math.floor(r() * 1e6))));
}
const X_QI: QiSpec[] = ['x1', 'x2', 'x3', 'x4'].map((name) => ({ name, kind: 'numeric' }));
const HEADER = ['x1', 'x2', 'x3', 'x4'];

const metric = (o: AttackOutcome, name: string) => o.metrics[name];

describe('linkability, synthetic people', () => {
  const members = writeCsv(join(dir, 'members.csv'), HEADER, people(1500, 1));
  const control = writeCsv(join(dir, 'control.csv'), HEADER, people(1500, 2));
  const others = writeCsv(join(dir, 'others.csv'), HEADER, people(1500, 3));

  it('leak: release = members → every member links, control almost never: risk near 1', async () => {
    const { outcome } = await runLinkage(
      trial({ release: members, original: members, control, qi: X_QI }),
      pool,
    );
    // Each member's nearest record by {x1, x2} and by {x3, x4} is its own row (distance 0, values
    // near-unique), so main = 1; a non-member's two nearest records are two independent near-random
    // rows, equal with probability ≈ 1/1500.
    expect(metric(outcome, 'linkabilityRate').value).toBe(1);
    expect(metric(outcome, 'linkabilityControlRate').value).toBeLessThan(0.01);
    const risk = metric(outcome, 'linkabilityRisk');
    expect(risk.value).toBeGreaterThan(0.98);
    expect(risk.ci95![1]).toBe(1);
    expect(risk.ci95![0]).toBeGreaterThan(0.97);
    const details = outcome.details!.linkability as Record<string, unknown>;
    expect(details.columnsA).toEqual(['x1', 'x2']);
    expect(details.columnsB).toEqual(['x3', 'x4']);
    // No ground truth: nothing named like re-identification is claimed.
    expect(outcome.metrics.reidentificationRate).toBeUndefined();
  });

  it('no leak: release drawn from other people → main ≈ control, risk ≈ 0 within its interval', async () => {
    const { outcome } = await runLinkage(
      trial({ release: others, original: members, control, qi: X_QI }),
      pool,
    );
    const risk = metric(outcome, 'linkabilityRisk');
    // Members and non-members are exchangeable here: both rates ≈ 1/1500 (random coincidence).
    expect(metric(outcome, 'linkabilityRate').value).toBeLessThan(0.01);
    expect(Math.abs(risk.value)).toBeLessThan(0.01);
    expect(risk.ci95![0]).toBe(0);
    expect(risk.ci95![1]).toBeLessThan(0.01);
  });

  it('k = 10 neighbours and explicit column sets; the baseline is ≈ k²/n', async () => {
    const { outcome } = await runLinkage(
      trial({
        release: others,
        original: members,
        control,
        qi: X_QI,
        options: { linkage: { linkabilityA: 'x1', linkabilityB: 'x2,x4', linkabilityK: 10 } },
      }),
      pool,
    );
    const details = outcome.details!.linkability as Record<string, unknown>;
    expect(details.columnsA).toEqual(['x1']);
    expect(details.columnsB).toEqual(['x2', 'x4']);
    expect(details.k).toBe(10);
    // Two random 10-subsets of 1500 rows meet with probability 1 − C(1490,10)/C(1500,10) ≈ 0.065.
    const base = metric(outcome, 'linkabilityBaselineRate');
    expect(base.ci95![0]).toBeLessThan(0.065);
    expect(base.ci95![1]).toBeGreaterThan(0.065);
  });

  it('skipped with its reason when there is no --control', async () => {
    const { outcome } = await runLinkage(trial({ release: members, original: members, qi: X_QI }), pool);
    expect(outcome.metrics.linkabilityRisk).toBeUndefined();
    expect(outcome.warnings!.join('\n')).toMatch(/linkability was not tested: needs --control/);
  });

  it('overlapping or unknown column sets are usage errors', async () => {
    for (const [opts, pattern] of [
      [{ linkabilityA: 'x1,x2', linkabilityB: 'x2' }, /disjoint/],
      [{ linkabilityA: 'x9' }, /not a quasi-identifier/],
      [{ linkabilityK: 0 }, /linkabilityK/],
      [{ linkabilityX: 1 }, /unknown option/],
    ] as const) {
      const t = trial({ release: others, original: members, control, qi: X_QI, options: { linkage: opts } });
      const e = await runLinkage(t, pool).catch((x: unknown) => x);
      expect(isReidgateError(e) && e.code).toBe('USAGE');
      expect((e as Error).message).toMatch(pattern);
    }
  });
});

describe('linkability, Anonymeter Adult (CTGAN)', () => {
  const paths = unpack();
  // A: work and education; B: demographics — the kind of split Anonymeter's example uses.
  const options = {
    linkage: {
      linkabilityA: 'type_employer,education,occupation,hr_per_week',
      linkabilityB: 'age,marital,relationship,race,sex,country',
    },
  };

  it('CTGAN release: low linkability (Giomi et al. 2023 report near-zero risk for CTGAN on Adult)', async () => {
    const { outcome } = await runLinkage(
      trial({
        release: paths.ctgan,
        original: paths.members,
        control: paths.control,
        qi: ADULT_QI,
        targets: 2000,
        options,
      }),
      pool,
    );
    const risk = metric(outcome, 'linkabilityRisk');
    const main = metric(outcome, 'linkabilityRate');
    const control = metric(outcome, 'linkabilityControlRate');
    // CTGAN does not copy records: a member's two halves meet in the same synthetic record about as
    // often as a non-member's. Giomi et al. report a linkability risk for CTGAN on Adult of the order
    // of 10⁻³ with an interval covering 0. Here main ≈ control ≈ baseline ≈ 0.001 (2 of 2,000; measured
    // 2026-11: risk −0.0005, interval [0, 0.002]); the bounds leave room for sampling, not for a leak:
    // the release = members case below has risk > 0.09 on the same columns.
    expect(risk.value).toBeLessThan(0.01);
    expect(risk.ci95![0]).toBe(0);
    expect(risk.ci95![1]).toBeLessThan(0.02);
    // Sanity: the attack does link some records (the release has the population's structure) …
    expect(main.value).toBeGreaterThan(0);
    // … and members are no easier to link than non-members, within the intervals.
    expect(main.ci95![0]).toBeLessThan(control.ci95![1]);
  });

  it('release = the members themselves: clearly positive risk on the same columns (k = 1 and 10)', async () => {
    const risks: number[][] = [];
    for (const k of [1, 10]) {
      const { outcome } = await runLinkage(
        trial({
          release: paths.members,
          original: paths.members,
          control: paths.control,
          qi: ADULT_QI,
          targets: 2000,
          options: { linkage: { ...options.linkage, linkabilityK: k } },
        }),
        pool,
      );
      const r = metric(outcome, 'linkabilityRisk');
      risks.push([r.value, ...r.ci95!]);
    }
    // Every member's own record is at distance 0 on both halves, but Adult's halves are coarse (many
    // members share one), so with k = 1 the two picks coincide only when the first record of the two
    // tie sets in the seeded order is the same (measured: risk 0.108 [0.094, 0.122]); with k = 10 far
    // more often (measured: 0.512 [0.488, 0.536]). Both far above the CTGAN case.
    expect(risks[0][1]).toBeGreaterThan(0.06);
    expect(risks[1][1]).toBeGreaterThan(0.4);
    expect(risks[1][0]).toBeGreaterThan(risks[0][0]);
  });
});
