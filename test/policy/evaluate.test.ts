import { describe, expect, it } from 'vitest';
import { type AttackRun, evaluate, PRESETS, presetPolicy, validatePolicy } from '../../src/policy/index.js';

const exact = (value: number) => ({ value, ci95: null });
const ok = (metrics: AttackRun['metrics']): AttackRun => ({
  id: 'uniqueness',
  status: 'ok',
  explicit: false,
  metrics,
});

describe('policy evaluation (fail-closed)', () => {
  const controlled = presetPolicy('controlled');

  it('passes when every check passes', () => {
    const e = evaluate(controlled, [ok({ prosecutorRiskMax: exact(0.2) })]);
    expect(e.verdict).toBe('pass');
    expect(e.checks).toHaveLength(1);
    expect(e.checks[0].passed).toBe(true);
  });

  it('fails when a check fails, and says which', () => {
    const e = evaluate(controlled, [ok({ prosecutorRiskMax: exact(0.25) })]);
    expect(e.verdict).toBe('fail');
    expect(e.summary).toMatch(/uniqueness\.prosecutorRiskMax/);
    expect(e.attackVerdicts.uniqueness).toBe('fail');
  });

  it('an attack that ran on an approximating sample fails even when its checks pass', () => {
    const run = { ...ok({ prosecutorRiskMax: exact(0.2) }), approximate: 'uniqueness ran on a sample' };
    const e = evaluate(controlled, [run]);
    expect(e.verdict).toBe('fail');
    expect(e.attackVerdicts.uniqueness).toBe('fail');
    const c = e.checks.find((x) => x.id === 'uniqueness.approximate');
    expect(c?.passed).toBe(false);
    expect(c?.message).toMatch(/uniqueness ran on a sample, so they cannot show the release is safe/);
    // the metric's own check still passed and keeps its threshold
    expect(e.thresholds.uniqueness.prosecutorRiskMax.passed).toBe(true);
  });

  it('an attack that errored gives error, never pass', () => {
    const e = evaluate(controlled, [
      { id: 'uniqueness', status: 'error', reason: 'boom', explicit: false, metrics: {} },
    ]);
    expect(e.verdict).toBe('error');
  });

  it('a required attack that was skipped fails', () => {
    const e = evaluate(controlled, [
      { id: 'uniqueness', status: 'skipped', reason: 'no QIs', explicit: false, metrics: {} },
    ]);
    expect(e.verdict).toBe('fail');
  });

  it('a required attack that was not run at all fails', () => {
    expect(evaluate(controlled, []).verdict).toBe('fail');
  });

  it('an optional attack that errored does not block a pass', () => {
    const p = { ...controlled, required: [], optional: ['uniqueness'], checks: [] };
    const e = evaluate(p, [{ id: 'uniqueness', status: 'error', reason: 'x', explicit: true, metrics: {} }]);
    // nothing was evaluated, so still no pass: a release is never shown safe by zero checks
    expect(e.verdict).toBe('fail');
  });

  it('a check compares the pessimistic end of an interval', () => {
    const p = {
      ...controlled,
      checks: [
        { attack: 'uniqueness', metric: 'sampleUniqueFraction', max: 0.1, bound: 'pessimistic' as const },
      ],
    };
    const within = evaluate(p, [ok({ sampleUniqueFraction: { value: 0.05, ci95: [0.03, 0.09] } })]);
    expect(within.verdict).toBe('pass');
    const straddles = evaluate(p, [ok({ sampleUniqueFraction: { value: 0.05, ci95: [0.03, 0.12] } })]);
    expect(straddles.verdict).toBe('fail');
    expect(straddles.checks[0].compared).toBe(0.12);
    const point = { ...p, checks: [{ ...p.checks[0], bound: 'point' as const }] };
    expect(evaluate(point, [ok({ sampleUniqueFraction: { value: 0.05, ci95: [0.03, 0.12] } })]).verdict).toBe(
      'pass',
    );
  });

  it('a checked metric that was not computed fails its check', () => {
    const e = evaluate(controlled, [ok({})]);
    expect(e.verdict).toBe('fail');
    expect(e.checks[0].message).toMatch(/not computed/);
  });
});

describe('presets', () => {
  it('every preset validates, cites a source for every check and sets a record threshold in (0, 1]', () => {
    for (const [name, p] of Object.entries(PRESETS)) {
      expect(() => validatePolicy(structuredClone(p), name)).not.toThrow();
      expect(p.sources.length).toBeGreaterThan(0);
      for (const c of p.checks) expect(c.source).toBeTruthy();
      expect(p.recordThreshold).toBeGreaterThan(0);
      expect(p.recordThreshold).toBeLessThanOrEqual(1);
    }
  });

  it('controlled is k=5 (0.2), public is k=11', () => {
    expect(PRESETS.controlled.checks[0].max).toBe(0.2);
    expect(PRESETS.public.checks[0].max).toBeCloseTo(1 / 11, 12);
  });

  it('an unknown preset is a usage error listing the presets', () => {
    expect(() => presetPolicy('lax')).toThrowError(expect.objectContaining({ code: 'USAGE' }));
  });
});
