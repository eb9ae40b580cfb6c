import { describe, expect, it } from 'vitest';
import { normalQuantile, residualRisk, wilson, zFor } from '../../src/stats/index.js';

describe('wilson', () => {
  it('850 of 1000 at 95% gives 0.849 ± 0.022 (Wilson centre and half-width)', () => {
    const r = wilson(850, 1000);
    expect(r.value).toBe(0.85);
    expect(r.center).toBeCloseTo(0.84866, 4);
    expect(r.error).toBeCloseTo(0.02213, 4);
    expect(r.ci[0]).toBeCloseTo(0.82653, 4);
    expect(r.ci[1]).toBeCloseTo(0.87079, 4);
  });

  it('matches the textbook values for 0 of 10 and 10 of 10', () => {
    // Newcombe 1998 (Stat Med 17:857), table I: 0/10 → [0, 0.2775]
    const zero = wilson(0, 10);
    expect(zero.ci[0]).toBe(0);
    expect(zero.ci[1]).toBeCloseTo(0.2775, 4);
    const all = wilson(10, 10);
    expect(all.ci[0]).toBeCloseTo(0.7225, 4);
    expect(all.ci[1]).toBe(1);
  });

  it('z for 95% is 1.959964; the normal quantile matches tabulated values in both tails', () => {
    expect(zFor(0.95)).toBeCloseTo(1.959963985, 8);
    expect(zFor(0.99)).toBeCloseTo(2.575829304, 8);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306, 8);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.9)).toBeCloseTo(1.281551566, 8);
  });

  it('n = 0 is a coded error, not NaN', () => {
    expect(() => wilson(0, 0)).toThrowError(expect.objectContaining({ code: 'INTERNAL' }));
    expect(() => wilson(5, 4)).toThrowError(expect.objectContaining({ code: 'INTERNAL' }));
  });
});

describe('residualRisk', () => {
  it('is 0 when the attack does no better than control', () => {
    const r = residualRisk(wilson(300, 1000), wilson(300, 1000));
    expect(r.value).toBeCloseTo(0, 12);
    expect(r.ci[0]).toBe(0);
    expect(r.error).toBeGreaterThan(0);
  });

  it('follows (a − c)/(1 − c) on the Wilson centres with first-order error propagation', () => {
    const a = wilson(600, 1000);
    const c = wilson(200, 1000);
    const r = residualRisk(a, c);
    expect(r.value).toBeCloseTo((a.center - c.center) / (1 - c.center), 12);
    const expected = Math.sqrt(
      (a.error / (1 - c.center)) ** 2 + ((c.error * (a.center - 1)) / (1 - c.center) ** 2) ** 2,
    );
    expect(r.error).toBeCloseTo(expected, 12);
    // by hand: a = 0.601921/1.003842 = 0.59962, c = 0.201921/1.003842 = 0.20115 (Wilson centres)
    // → (0.59962 − 0.20115)/0.79885 = 0.49880
    expect(r.value).toBeCloseTo(0.4988, 4);
  });

  it('a clearly negative risk gives the interval [0, 0], never an inverted one', () => {
    const r = residualRisk(wilson(100, 1000), wilson(500, 1000));
    expect(r.value).toBeLessThan(-0.5);
    expect(r.ci).toEqual([0, 0]);
  });

  it('refuses a control that always succeeds', () => {
    const one = { value: 1, center: 1, error: 0, ci: [1, 1] as [number, number], n: 5, successes: 5 };
    expect(() => residualRisk(wilson(5, 5), one)).toThrowError(expect.objectContaining({ code: 'INTERNAL' }));
  });
});

describe('seeded sampling', () => {
  it('is reproducible, distinct, sorted and uniform enough', async () => {
    const { rng, sampleIndices } = await import('../../src/stats/index.js');
    const a = sampleIndices(1000, 100, rng(7));
    expect([...a]).toEqual([...sampleIndices(1000, 100, rng(7))]);
    expect(new Set(a).size).toBe(100);
    expect([...a]).toEqual([...a].sort((x, y) => x - y));
    expect([...sampleIndices(5, 5, rng(1))]).toEqual([0, 1, 2, 3, 4]);
    // each index of 10 drawn 3 at a time, 20k times: ≈ 6000 each
    const counts = new Array(10).fill(0);
    const r = rng(3);
    for (let i = 0; i < 20000; i++) for (const x of sampleIndices(10, 3, r)) counts[x]++;
    for (const c of counts) expect(Math.abs(c - 6000)).toBeLessThan(300);
  });
});
