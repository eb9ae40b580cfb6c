/**
 * Pure parts of the linkage attack: Jaro–Winkler against its published values, the one-to-one EM
 * recovering known m probabilities from simulated candidates, the precision–coverage curve with ties,
 * and scoring in the prosecutor and journalist settings.
 */
import { describe, expect, it } from 'vitest';
import { LEVEL, LEVELS } from '../../attacks/linkage/compare.js';
import { precisionCoverage } from '../../attacks/linkage/curve.js';
import { fitOneToOne, normalize } from '../../attacks/linkage/em.js';
import { jaro, jaroWinkler } from '../../attacks/linkage/jaro-winkler.js';
import type { MethodResult } from '../../attacks/linkage/method.js';
import { scoreMethod, strongest } from '../../attacks/linkage/score.js';
import { rng } from '../../src/stats/random.js';

describe('Jaro–Winkler', () => {
  it('matches the published values (Winkler 1990; Wikipedia)', () => {
    expect(jaroWinkler('MARTHA', 'MARHTA')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('DWAYNE', 'DUANE')).toBeCloseTo(0.84, 3);
    expect(jaroWinkler('DIXON', 'DICKSONX')).toBeCloseTo(0.813, 3);
    expect(jaro('MARTHA', 'MARHTA')).toBeCloseTo(0.944, 3);
  });
  it('is 1 for equal strings, 0 with nothing in common, and symmetric', () => {
    expect(jaroWinkler('', '')).toBe(1);
    expect(jaroWinkler('ABC', 'ABC')).toBe(1);
    expect(jaroWinkler('ABC', 'XYZ')).toBe(0);
    expect(jaroWinkler('', 'A')).toBe(0);
    expect(jaroWinkler('CRATE', 'TRACE')).toBeCloseTo(jaroWinkler('TRACE', 'CRATE'), 12);
  });
  it('counts code points, not UTF-16 units or bytes (kanji, emoji)', () => {
    expect(jaroWinkler('東京都港区', '東京都北区')).toBeCloseTo(jaroWinkler('ABCDE', 'ABCXE'), 12);
    expect(jaroWinkler('😀a', '😀b')).toBeCloseTo(jaroWinkler('xa', 'xb'), 12);
  });
});

describe('one-to-one EM', () => {
  it('recovers m from simulated candidates (3 fields, 2 levels) with u known', () => {
    // Field k agrees with probability mTrue[k] for the match, uTrue[k] for a non-match.
    const mTrue = [0.95, 0.8, 0.9];
    const uTrue = [0.1, 0.3, 0.05];
    const r = rng(5);
    const keys = new Map<number, number>();
    const offsets = [0];
    const pattern: number[] = [];
    const count: number[] = [];
    const T = 4000;
    for (let t = 0; t < T; t++) {
      const local = new Map<number, number>();
      const present = r() < 0.9;
      for (let j = 0; j < 20; j++) {
        const match = present && j === 0;
        let key = 0;
        for (let k = 2; k >= 0; k--) {
          const agree = r() < (match ? mTrue[k] : uTrue[k]);
          key = key * LEVELS + (agree ? LEVEL.EQUAL : LEVEL.DISAGREE);
        }
        if (!keys.has(key)) keys.set(key, keys.size);
        local.set(keys.get(key)!, (local.get(keys.get(key)!) ?? 0) + 1);
      }
      for (const [g, c] of local) {
        pattern.push(g);
        count.push(c);
      }
      offsets.push(pattern.length);
    }
    const u = uTrue.map((x) => {
      const v = new Float64Array(LEVELS);
      v[LEVEL.EQUAL] = x;
      v[LEVEL.DISAGREE] = 1 - x;
      return normalize(v);
    });
    const seen = u.map((x) => Float64Array.from(x, (v) => (v > 1e-6 ? 1 : 0)));
    const model = fitOneToOne(
      {
        keys: Float64Array.from(keys.keys()),
        offsets: Int32Array.from(offsets),
        pattern: Int32Array.from(pattern),
        count: Int32Array.from(count),
      },
      u,
      seen,
      20,
    );
    expect(model.converged).toBe(true);
    for (let k = 0; k < 3; k++) expect(model.m[k][LEVEL.EQUAL]).toBeCloseTo(mTrue[k], 1);
    expect(model.pi).toBeGreaterThan(0.8);
    expect(model.pi).toBeLessThan(1);
  });
});

function result(claimed: number[], confidence: number[]): MethodResult {
  return { method: 'm', claimed: Int32Array.from(claimed), confidence: Float64Array.from(confidence) };
}

describe('precision–coverage and scoring', () => {
  // Targets 0–4 are in the release (truth 0–4); target 5 is not.
  const truth = Int32Array.from([0, 1, 2, 3, 4, -1]);
  // Claims: t0 right (0.9), t1 wrong (0.9), t2 right (0.5), t3 none, t4 right (0.2), t5 wrong (0.9).
  const r = result([0, 7, 2, -1, 4, 8], [0.9, 0.9, 0.5, Number.NaN, 0.2, 0.9]);

  it('takes the most confident claims; a tie cut by the budget counts pro rata', () => {
    const pts = precisionCoverage(r, truth, (t) => truth[t] >= 0);
    const at = (k: number) => pts.find((p) => p.coverage === k)!;
    // n = 5; 20% → 1 link from the tie {t0 ✓, t1 ✗}: ½ correct.
    expect(at(20)).toEqual({ coverage: 20, linked: 1, correct: 0.5, precision: 0.5, rate: 0.1 });
    // 50% → 3 links: the tie (1 correct) and t2 ✓.
    expect(at(50)).toEqual({ coverage: 50, linked: 3, correct: 2, precision: 2 / 3, rate: 0.4 });
    // 100% → all 4 claims.
    expect(at(100)).toEqual({ coverage: 100, linked: 4, correct: 3, precision: 0.75, rate: 0.6 });
  });

  it('scores prosecutor (members) and journalist (all) settings with Wilson intervals', () => {
    const s = scoreMethod(r, truth, 10);
    expect(s.prosecutor!.targets).toBe(5);
    expect(s.prosecutor!.claims).toBe(4);
    expect(s.prosecutor!.reidentified).toBe(3);
    expect(s.prosecutor!.rate.value).toBe(0.6);
    expect(s.prosecutor!.precision!.value).toBe(0.75);
    expect(s.prosecutor!.baselineRate).toBe(0.1);
    expect(s.journalist!.targets).toBe(6);
    expect(s.journalist!.claims).toBe(5);
    expect(s.journalist!.precision!.value).toBe(0.6);
    expect(s.journalist!.baselineRate).toBeCloseTo(5 / 6 / 10, 15);
    const [lo, hi] = s.prosecutor!.rate.ci;
    expect(lo).toBeLessThan(0.6);
    expect(hi).toBeGreaterThan(0.6);
  });

  it('the strongest method has the highest rate; ties keep the earlier method', () => {
    const a = scoreMethod({ ...r, method: 'a' }, truth, 10);
    const b = scoreMethod({ ...result([0, 1, 2, 3, 4, -1], [1, 1, 1, 1, 1, 1]), method: 'b' }, truth, 10);
    expect(strongest([a, b])!.method).toBe('b');
    expect(strongest([a, { ...a, method: 'c' }])!.method).toBe('a');
  });
});
