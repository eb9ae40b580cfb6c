/**
 * @module test/attacks/population-models
 *
 * The population models' building blocks against independent computations: special functions vs
 * tabulated values, the hypergeometric probability vs binomial coefficients, individual risk vs a
 * brute-force expectation and sdcMicro's own formulas, SNB vs a population simulated from its model,
 * and each branch of Dankar et al.'s rule.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { estimatePopulationUniques } from '../../attacks/population/dankar.js';
import { frequencyProfile } from '../../attacks/population/frequencies.js';
import { individualRisk } from '../../attacks/population/individual-risk.js';
import { mulberry32 } from '../../attacks/population/newton.js';
import { pitmanExpectedUniques, pitmanUniques } from '../../attacks/population/pitman.js';
import { shlosserClasses, snbUniques } from '../../attacks/population/snb.js';
import { digamma, logGamma, trigamma } from '../../attacks/population/special-functions.js';
import { probSampleUnique, zayatzUniques } from '../../attacks/population/zayatz.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('special functions', () => {
  it('match tabulated values', () => {
    const EULER = 0.5772156649015329;
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 14);
    expect(logGamma(100)).toBeCloseTo(359.1342053695754, 11);
    expect(digamma(1)).toBeCloseTo(-EULER, 14);
    expect(digamma(0.5)).toBeCloseTo(-EULER - 2 * Math.LN2, 14);
    expect(digamma(-0.5)).toBeCloseTo(0.03648997397857652, 14);
    expect(trigamma(1)).toBeCloseTo(Math.PI ** 2 / 6, 14);
    expect(trigamma(0.5)).toBeCloseTo(Math.PI ** 2 / 2, 14);
    expect(Number.isNaN(digamma(-2))).toBe(true);
    // ψ(x+1) − ψ(x) = 1/x and ψ′(x) − ψ′(x+1) = 1/x² across the recurrence / asymptotic boundary.
    for (const x of [0.3, 3.7, 9.5, 12.25, 1e4]) {
      expect(digamma(x + 1) - digamma(x)).toBeCloseTo(1 / x, 12);
      expect((trigamma(x) - trigamma(x + 1)) * x * x).toBeCloseTo(1, 10);
    }
  });
});

describe('Zayatz', () => {
  it('P(f = 1 | F = j) is the hypergeometric probability', () => {
    const choose = (a: number, b: number) => {
      let r = 1;
      for (let i = 1; i <= b; i++) r = (r * (a - b + i)) / i;
      return r;
    };
    for (const [j, n, N] of [
      [1, 5, 10],
      [3, 7, 20],
      [6, 10, 15],
      [7, 10, 15],
    ]) {
      expect(probSampleUnique(j, n, N)).toBeCloseTo((j * choose(N - j, n - 1)) / choose(N, n), 14);
    }
  });

  it('a census (f = 1) has exactly its sample uniques as population uniques', () => {
    const p = frequencyProfile([1, 1, 2, 3, 1, 5]);
    expect(zayatzUniques(p, p.records).uniques).toBe(3);
    expect(shlosserClasses(p, 1)).toBe(6);
  });
});

describe('Pitman', () => {
  it('expected uniques Γ(θ+1)/Γ(θ+α)·N^α, undefined outside [0, N] or at α = 0', () => {
    expect(pitmanExpectedUniques(1, 0.5, 100)).toBeCloseTo((1 / (Math.sqrt(Math.PI) / 2)) * 10, 12);
    expect(Number.isNaN(pitmanExpectedUniques(1, 0, 100))).toBe(true);
    expect(Number.isNaN(pitmanExpectedUniques(Number.NaN, 0.5, 100))).toBe(true);
  });

  it('its root zeroes the term-by-term score (the check ARX runs)', () => {
    const sizes = [1, 1, 1, 1, 2, 1, 3, 1, 1, 2, 5, 1, 1, 2, 1, 8, 1, 1, 1, 2, 4];
    const est = pitmanUniques(frequencyProfile(sizes), 1000, 1);
    expect(est.solver).toBe('closed-form');
    const { theta: t, alpha: a } = est;
    const n = sizes.reduce((x, y) => x + y, 0);
    let g1 = 0;
    let g2 = 0;
    for (let i = 1; i < sizes.length; i++) {
      g1 += 1 / (t + i * a);
      g2 += i / (t + i * a);
    }
    for (let i = 1; i < n; i++) g1 -= 1 / (t + i);
    for (const j of sizes) for (let i = 1; i < j; i++) g2 -= 1 / (i - a);
    expect(Math.abs(g1)).toBeLessThan(1e-6);
    expect(Math.abs(g2)).toBeLessThan(1e-6);
  });
});

describe('individual risk (Benedetti–Franconi)', () => {
  /** E[1/F], F = f + NB(f, p), summed term by term in logs. */
  const brute = (f: number, Fhat: number) => {
    const p = f / Fhat;
    const q = 1 - p;
    let s = 0;
    let logT = f * Math.log(p);
    for (let h = f; h < f + 1e6; h++) {
      s += Math.exp(logT) / h;
      logT += Math.log((q * h) / (h - f + 1));
      if (h > f + 50 && logT < -80) break;
    }
    return s;
  };
  /** sdcMicro's indivRisk(method = "exact") for fk > 2, transcribed. */
  const sdcExact = (fk: number, Fk: number) => {
    const pk = fk / Fk;
    const A = (pk ** (1 - fk) - 1) / (fk - 1);
    const B = (i: number) =>
      ((fk - 1 - i) ** 2 / ((i + 1) * (fk - 2 - i))) * ((pk ** (i + 2 - fk) - 1) / (pk ** (i + 1 - fk) - 1));
    let bb = 0;
    for (let m = 0; m <= fk - 3; m++) {
      let b = 1;
      for (let m2 = 0; m2 <= m; m2++) b *= B(m2);
      bb += (-1) ** (m + 1) * b;
    }
    return (pk / (1 - pk)) ** fk * (A * (1 + bb) + (-1) ** fk * Math.log(pk));
  };

  it('exact equals the brute-force expectation, also where sdcMicro’s alternating sum breaks down', () => {
    for (const [f, F] of [
      [1, 10],
      [2, 3],
      [3, 30],
      [3, 3.5],
      [5, 6.5],
      [10, 12],
      [10, 1000],
      [40, 400],
      [50, 60],
      [200, 250],
    ]) {
      expect(Math.abs(individualRisk(f, F, 'exact') / brute(f, F) - 1)).toBeLessThan(1e-12);
    }
  });

  it('exact equals sdcMicro’s closed form where that form is stable (small f)', () => {
    for (const [f, F] of [
      [3, 30],
      [3, 7],
      [4, 40],
      [6, 600],
    ]) {
      expect(Math.abs(individualRisk(f, F, 'exact') / sdcExact(f, F) - 1)).toBeLessThan(1e-12);
    }
  });

  it('approx is sdcMicro’s p/(f − q) for f > 2, and 1/f when F̂ = f', () => {
    expect(individualRisk(4, 40, 'approx')).toBe(0.1 / (4 - 0.9));
    expect(individualRisk(4, 4, 'approx')).toBe(0.25);
    expect(individualRisk(4, 3, 'exact')).toBe(0.25);
  });

  it('reproduces francdat’s exact risks per record', () => {
    const lines = readFileSync(
      join(ROOT, 'test/fixtures/oracles/sdcmicro/extras/francdat_per_record.csv'),
      'utf8',
    )
      .trim()
      .split(/\r?\n/)
      .slice(1);
    for (const line of lines) {
      const [, fk, Fk, , exact] = line.split(',').map(Number);
      expect(Math.abs(individualRisk(fk, Fk, 'exact') / exact - 1)).toBeLessThan(1e-12);
    }
  });
});

/** Sizes of K population classes drawn from the SNB model (1 + Poisson(Gamma(α)·(1−β)/β)). */
function snbPopulation(K: number, alpha: number, beta: number, seed: number): number[] {
  const rnd = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const gamma = (k: number): number => {
    if (k < 1) return gamma(k + 1) * (1 - rnd()) ** (1 / k);
    const d = k - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      if (Math.log(1 - rnd()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
    }
  };
  const poisson = (l: number) => {
    let k = 0;
    let s = -Math.log(1 - rnd());
    while (s < l) {
      k++;
      s += -Math.log(1 - rnd());
    }
    return k;
  };
  return Array.from({ length: K }, () => 1 + poisson((gamma(alpha) * (1 - beta)) / beta));
}

/** A Bernoulli(f) sample's class sizes. */
function sampleOf(pop: number[], f: number, seed: number): number[] {
  const rnd = mulberry32(seed);
  const out: number[] = [];
  for (const s of pop) {
    let c = 0;
    for (let i = 0; i < s; i++) if (rnd() < f) c++;
    if (c > 0) out.push(c);
  }
  return out;
}

describe('SNB and Dankar’s rule on a population drawn from the SNB model', () => {
  const pop = snbPopulation(50000, 0.5, 0.3, 7);
  const N = pop.reduce((a, b) => a + b, 0);
  const trueUniques = pop.filter((s) => s === 1).length;

  it('SNB recovers α, β and the population uniques from a half sample', () => {
    const p = frequencyProfile(sampleOf(pop, 0.5, 3));
    const est = snbUniques(p, 0.5);
    expect(est.alpha).toBeGreaterThan(0.4);
    expect(est.alpha).toBeLessThan(0.6);
    expect(est.beta).toBeGreaterThan(0.25);
    expect(est.beta).toBeLessThan(0.35);
    expect(Math.abs(est.uniques / trueUniques - 1)).toBeLessThan(0.05);
  });

  it('f > 0.1: the smaller of Zayatz and SNB', () => {
    const p = frequencyProfile(sampleOf(pop, 0.5, 3));
    const est = estimatePopulationUniques(p, p.records / 0.5, 1);
    expect(est.snb).not.toBeNull();
    expect(est.zayatz).not.toBeNull();
    expect(est.uniques).toBe(Math.min(est.snb!, est.zayatz!));
    expect(est.chosen).toBe(est.snb! < est.zayatz! ? 'snb' : 'zayatz');
    expect(est.reason).toMatch(/> 0\.1: the smaller of Zayatz and SNB/);
    expect(N).toBeGreaterThan(p.records);
  });

  it('f ≤ 0.1 with an unusable Pitman fit: Zayatz', () => {
    // All records unique: Pitman's likelihood has no admissible maximum.
    const p = frequencyProfile(new Array(1000).fill(1));
    const est = estimatePopulationUniques(p, 1e6, 1);
    expect(est.pitman).toBeNull();
    expect(est.chosen).toBe('zayatz');
    expect(est.uniques).toBe(est.zayatz);
    expect(est.reason).toMatch(/Pitman, but its likelihood could not be maximised/);
  });

  it('no sample uniques: no population uniques', () => {
    const est = estimatePopulationUniques(frequencyProfile([2, 3, 5]), 100, 1);
    expect(est).toMatchObject({ uniques: 0, chosen: 'none', pitman: 0, zayatz: 0, snb: 0 });
  });
});
