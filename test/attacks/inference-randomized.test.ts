/**
 * @module test/attacks/inference-randomized — inference when the secret was randomized and the
 * channel is declared: the attacker inverts it by Bayes' rule. A swapping PRAM (the released value is
 * the other one with probability 0.8) makes face-value guesses mostly wrong and posterior guesses
 * mostly right; Laplace noise on a secret that is 0 for most people lets the posterior guess the
 * exact 0 that a noisy released value never is. Hand checks of the EM prior.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { inference } from '../../attacks/inference/index.js';
import { posteriorOf } from '../../attacks/inference/posterior.js';
import type { AttackContext, AttackOutcome, Channel, QiSpec } from '../../attacks/types.js';
import { xorshift } from '../../bench/generate.js';
import type { ColumnKind } from '../../src/encode/types.js';
import { WorkerPool } from '../../src/pool/pool.js';
import { numberTable as table } from '../helpers/tables.js';

const pool = new WorkerPool(2);
afterAll(async () => {
  await pool.close();
});

const run = (ctx: Partial<AttackContext> & Pick<AttackContext, 'release' | 'qi'>) =>
  inference.run({
    pool,
    seed: 4,
    recordThreshold: 0.2,
    wildcard: false,
    inference: { targets: 1000 },
    ...ctx,
  } as AttackContext) as Promise<AttackOutcome>;

const SWAP: Channel = {
  kind: 'categorical',
  method: 'pram',
  size: 2,
  matrix: Float64Array.from([0.2, 0.8, 0.8, 0.2]),
};

describe('posterior model', () => {
  it('EM recovers the true prior through a swapping PRAM; the posterior of a released 1 favours 0', () => {
    // true prior (0.7, 0.3) → released q(0) = .7·.2 + .3·.8 = .38
    const rows = Array.from({ length: 1000 }, (_, i) => [i < 380 ? 0 : 1]);
    const rel = table(rows, ['categorical'], [2]).columns.get('c0')!;
    const m = posteriorOf(rel, SWAP);
    expect(m.prior[0]).toBeCloseTo(0.7, 3);
    // P(s = 0 | r = 1) = .7·.8 / (.7·.8 + .3·.2) = .56/.62
    expect(m.of(999)![0]).toBeCloseTo(0.56 / 0.62, 3);
    expect(m.of(0)![1]).toBeCloseTo((0.3 * 0.8) / (0.3 * 0.8 + 0.7 * 0.2), 3);
  });
});

describe('inference with a declared channel on the secret', () => {
  const rnd = xorshift(9);
  const kinds: ColumnKind[] = ['categorical', 'categorical', 'categorical', 'numeric'];
  const cards = [1000, 1000, 2, 0];
  // two QIs of 1000 values each make each member's own released row its nearest neighbour
  const person = () => [
    Math.floor(rnd() * 1000),
    Math.floor(rnd() * 1000),
    rnd() < 0.7 ? 0 : 1,
    rnd() < 0.7 ? 0 : Math.round(1000 + 9000 * rnd()),
  ];
  const members = Array.from({ length: 1500 }, person);
  const control = Array.from({ length: 1500 }, person);
  const qi: QiSpec[] = [
    { name: 'c0', kind: 'categorical' },
    { name: 'c1', kind: 'categorical' },
  ];
  const swap = (v: number) => (rnd() < 0.8 ? 1 - v : v);
  const laplace = (b: number) => {
    const u = rnd() - 0.5;
    return -b * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
  };
  const release = table(
    members.map(([a, b, s, x]) => [a, b, swap(s), x + laplace(200)]),
    kinds,
    cards,
  );
  const original = table(members, kinds, cards);
  const ctrl = table(control, kinds, cards);
  const secrets = (o: AttackOutcome) =>
    o.details!.secrets as Record<string, { accuracy: { value: number }; channel: string | null }>;

  it('categorical: face value is mostly wrong (~0.2), the posterior mostly right (~0.8)', async () => {
    const plain = await run({ release, original, control: ctrl, qi, sensitive: ['c2'] });
    const post = await run({
      release,
      original,
      control: ctrl,
      qi,
      sensitive: ['c2'],
      randomization: new Map([['c2', SWAP]]),
    });
    expect(secrets(plain).c2.accuracy.value).toBeLessThan(0.3);
    expect(secrets(post).c2.accuracy.value).toBeGreaterThan(0.7);
    expect(secrets(post).c2.channel).toBe('pram');
    expect(post.method).toMatch(/largest posterior/);
  });

  it('numeric under Laplace noise: the posterior guesses the exact zeros face value misses', async () => {
    const noise: Channel = { kind: 'noise', method: 'laplace', scale: 200 };
    const plain = await run({ release, original, control: ctrl, qi, sensitive: ['c3'] });
    const post = await run({
      release,
      original,
      control: ctrl,
      qi,
      sensitive: ['c3'],
      randomization: new Map([['c3', noise]]),
    });
    // face value: a noisy number is never exactly 0 (70% of members) and is within 5% of a value in
    // 1000–10000 only when the noise is small; the posterior puts a released number near 0 on 0
    expect(secrets(plain).c3.accuracy.value).toBeLessThan(0.3);
    expect(secrets(post).c3.accuracy.value).toBeGreaterThan(0.65);
  });
});
