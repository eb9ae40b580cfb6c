/**
 * Risk diff on hand-made reports: direction, noise test, tolerances, flipped checks, removed metrics.
 */
import { describe, expect, it } from 'vitest';
import { diffReports, parseTolerances } from '../../src/report/diff.js';
import type { Report } from '../../src/report/model.js';
import { wilson } from '../../src/stats/index.js';
import { makeReport } from '../reports/fixture.js';

type M = Report['attacks'][number]['metrics'][string];
const m = (value: number, extra: Partial<M> = {}): M => ({
  value,
  ci95: null,
  threshold: null,
  passed: null,
  ...extra,
});

/** A report with one linkage rate (k of n re-identified, Wilson interval) and an exact uniqueness figure. */
function report(k: number, n: number, minClassSize: number, verdict: Report['verdict'] = 'pass'): Report {
  const r = makeReport();
  const w = wilson(k, n);
  r.verdict = verdict;
  r.attacks = [
    {
      ...r.attacks[0],
      id: 'uniqueness',
      status: 'ok',
      metrics: {
        minClassSize: m(minClassSize, { threshold: 5, op: '>=', passed: minClassSize >= 5 }),
        records: m(1000),
      },
    },
    {
      ...r.attacks[1],
      id: 'linkage',
      status: 'ok',
      metrics: {
        reidentificationRate: m(k / n, {
          ci95: w.ci,
          n,
          threshold: 0.2,
          op: '<=',
          passed: w.ci[1] <= 0.2,
        }),
        reidentified: m(k),
      },
    },
  ];
  return r;
}

const get = (d: ReturnType<typeof diffReports>, id: string) => d.metrics.find((x) => x.id === id)!;

describe('diffReports', () => {
  it('an exact metric that falls below its >= check is worse, flipped, and fails the diff', () => {
    const d = diffReports(report(20, 1000, 5), report(20, 1000, 3, 'fail'));
    const k = get(d, 'uniqueness.minClassSize');
    expect(k).toMatchObject({
      old: 5,
      new: 3,
      delta: -2,
      change: 'worse',
      noiseTest: 'exact',
      significant: true,
    });
    expect(k.flipped).toBe(true);
    expect(k.regression).toBe(true);
    expect(d.verdictWorse).toBe(true);
    expect(d.exitCode).toBe(1);
    expect(d.regressions).toEqual(['uniqueness.minClassSize']);
  });

  it('a rate that rose within its sampling noise passes; far outside it fails', () => {
    // 20/1000 vs 26/1000: z ≈ 0.9, noise.
    const noise = diffReports(report(20, 1000, 5), report(26, 1000, 5));
    const r = get(noise, 'linkage.reidentificationRate');
    expect(r.change).toBe('worse');
    expect(r.significant).toBe(false);
    expect(Math.abs(r.z!)).toBeGreaterThan(0.5);
    expect(Math.abs(r.z!)).toBeLessThan(1.96);
    expect(noise.exitCode).toBe(0);
    // 20/1000 vs 60/1000: two-proportion z = 4.5 (unpooled), far outside noise.
    const real = diffReports(report(20, 1000, 5), report(60, 1000, 5));
    const s = get(real, 'linkage.reidentificationRate');
    const p1 = 0.02;
    const p2 = 0.06;
    const zTwoProp = (p2 - p1) / Math.sqrt((p1 * (1 - p1)) / 1000 + (p2 * (1 - p2)) / 1000);
    expect(s.z!).toBeGreaterThan(1.96);
    expect(s.z!).toBeCloseTo(zTwoProp, 0); // within ~0.5 of the textbook test (Wilson intervals are asymmetric)
    expect(s.regression).toBe(true);
    expect(real.exitCode).toBe(1);
  });

  it('a tolerance absorbs a real but small worsening; a percentage is relative to the old value', () => {
    const old = report(20, 1000, 5);
    const neu = report(60, 1000, 5);
    expect(diffReports(old, neu, parseTolerances(['linkage.reidentificationRate=0.05'])).exitCode).toBe(0);
    expect(diffReports(old, neu, parseTolerances(['linkage.reidentificationRate=0.03'])).exitCode).toBe(1);
    expect(diffReports(old, neu, parseTolerances(['linkage.reidentificationRate=250%'])).exitCode).toBe(0);
    expect(diffReports(old, neu, parseTolerances(['default=150%'])).exitCode).toBe(1);
    expect(diffReports(old, neu, parseTolerances(['default=250%'])).exitCode).toBe(0);
  });

  it('a lower risk passes; a count of unknown direction is shown but never gates', () => {
    const d = diffReports(report(60, 1000, 3, 'fail'), report(20, 1000, 5));
    expect(get(d, 'linkage.reidentificationRate').change).toBe('better');
    expect(get(d, 'uniqueness.minClassSize').change).toBe('better');
    expect(get(d, 'linkage.reidentified').change).toBe('changed');
    expect(get(d, 'linkage.reidentified').regression).toBe(false);
    expect(d.exitCode).toBe(0);
  });

  it('a gated metric that is no longer measured fails closed', () => {
    const neu = report(20, 1000, 5);
    neu.attacks[1].status = 'error';
    const d = diffReports(report(20, 1000, 5), neu);
    expect(get(d, 'linkage.reidentificationRate')).toMatchObject({ change: 'removed', regression: true });
    expect(get(d, 'linkage.reidentified')).toMatchObject({ change: 'removed', regression: false });
    expect(d.exitCode).toBe(1);
  });

  it('parseTolerances rejects malformed values with a usage error', () => {
    for (const bad of ['x', 'linkage.rate=-1', 'linkage.rate=abc', 'rate=0.1']) {
      expect(() => parseTolerances([bad])).toThrow(expect.objectContaining({ code: 'USAGE' }));
    }
  });
});
