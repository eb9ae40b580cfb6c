/**
 * How the policy treats the linkage attack without ground truth: the presets check re-identification,
 * which is then not computed, so a low linkability risk alone never turns the verdict into a pass; a
 * policy that checks linkabilityRisk (synthetic data) passes or fails on it, and fails when it is absent.
 */
import { describe, expect, it } from 'vitest';
import type { MetricOut } from '../../attacks/types.js';
import { type AttackRun, evaluate, type Policy, presetPolicy } from '../../src/policy/index.js';

const exact = (value: number): MetricOut => ({ value, ci95: null });
const uniqueness: AttackRun = {
  id: 'uniqueness',
  status: 'ok',
  explicit: false,
  metrics: { prosecutorRiskMax: exact(0.05) },
};
/** What the linkage attack reports without --id / --aligned but with --control. */
const noTruth = (risk: MetricOut | undefined): AttackRun => ({
  id: 'linkage',
  status: 'ok',
  explicit: true,
  metrics: {
    targets: exact(1000),
    uniqueMatches: exact(3),
    ...(risk ? { linkabilityRisk: risk } : {}),
  },
});
const low: MetricOut = { value: 0.001, ci95: [0, 0.004], n: 1000 };

describe('linkage without ground truth under a policy', () => {
  it('a preset never passes on linkability alone: reidentificationRate was not computed', () => {
    for (const name of ['controlled', 'public']) {
      const e = evaluate(presetPolicy(name), [uniqueness, noTruth(low)]);
      expect(e.verdict).toBe('fail');
      const failed = e.checks.filter((c) => !c.passed);
      expect(failed.map((c) => c.id)).toEqual(['linkage.reidentificationRate']);
      expect(failed[0].message).toMatch(/not computed/);
    }
  });

  const synthetic: Policy = {
    name: 'synthetic',
    description: 'synthetic data without ground truth',
    recordThreshold: 0.2,
    required: ['linkage'],
    optional: [],
    checks: [{ attack: 'linkage', metric: 'linkabilityRisk', max: 0.05, bound: 'pessimistic' }],
    sources: [],
  };

  it('a policy on linkabilityRisk judges its upper 95% bound', () => {
    expect(evaluate(synthetic, [noTruth(low)]).verdict).toBe('pass');
    const high = evaluate(synthetic, [noTruth({ value: 0.03, ci95: [0.01, 0.06], n: 1000 })]);
    expect(high.verdict).toBe('fail');
    expect(high.checks[0].message).toMatch(/upper 95% bound 0\.06/);
  });

  it('fails when linkability could not be computed (no --control)', () => {
    const e = evaluate(synthetic, [noTruth(undefined)]);
    expect(e.verdict).toBe('fail');
    expect(e.checks[0].message).toMatch(/linkabilityRisk was not computed/);
  });
});
