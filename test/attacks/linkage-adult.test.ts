/**
 * Real-data case: UCI Adult (ARX's cleaned version) against its bundled 5-anonymous release
 * (datasets/adult/adult_k5_release.csv, row-aligned, full-domain generalization with ARX's hierarchies
 * plus 105 records suppressed to all-`*`), all 30,162 records as targets, the 8 QIs.
 *
 * What is asserted, precisely:
 * - With hierarchy knowledge, each target's compatible set is its own release class plus the 105 all-`*`
 *   rows (a `*` is compatible with anything; a full-domain generalization maps each value to exactly one
 *   node, so no other class is compatible); a suppressed target's set is the 105 all-`*` rows. So its
 *   expected success is 1/(|class| + 105) or 1/105, checked per target against a count made here from the
 *   release's raw strings. Every target is in the release (prosecutor setting), and no target's expected
 *   success exceeds 1/k = 1/5: the release keeps its k-anonymity promise against this attacker.
 * - Without hierarchy knowledge the attacker cannot tell which occupations `Technical` covers: with the
 *   hierarchies the attack re-identifies at least as many, per target in expectation (exact), and in total
 *   in expectation and realized (exact and probabilistic alike).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttackOutcome } from '../../attacks/types.js';
import { WorkerPool } from '../../src/pool/pool.js';
import type { QiSpec } from '../../src/trial/schema.js';
import { readDelimited } from '../fixtures/classes.js';
import { methodFigures, ROOT, runLinkage, trial } from './linkage-helpers.js';

const QI = ['age', 'sex', 'race', 'marital-status', 'education', 'native-country', 'workclass', 'occupation'];
const ADULT = join(ROOT, 'datasets/adult/adult.csv');
const RELEASE = join(ROOT, 'datasets/adult/adult_k5_release.csv');
const hierarchy = (name: string) => join(ROOT, `datasets/adult/hierarchies/adult_hierarchy_${name}.csv`);

const pool = new WorkerPool(2);
afterAll(() => pool.close());

let withH: AttackOutcome;
let without: AttackOutcome;
const expected: number[] = [];

beforeAll(async () => {
  const rel = readDelimited(RELEASE, ';');
  const idx = QI.map((c) => rel.header.indexOf(c));
  const key = (r: string[]) => idx.map((i) => r[i]).join('|');
  const sizes = new Map<string, number>();
  for (const r of rel.rows) sizes.set(key(r), (sizes.get(key(r)) ?? 0) + 1);
  const suppressed = QI.map(() => '*').join('|');
  const nSuppressed = sizes.get(suppressed)!;
  expect(nSuppressed).toBe(105);
  for (const r of rel.rows) {
    const k = key(r);
    expected.push(1 / (sizes.get(k)! + (k === suppressed ? 0 : nSuppressed)));
  }
  const base = { release: RELEASE, original: ADULT, aligned: true, targets: 30162 };
  const specs = (h: boolean): QiSpec[] =>
    QI.map((name) => ({ name, kind: 'categorical', hierarchy: h ? hierarchy(name) : undefined }));
  withH = (await runLinkage(trial({ ...base, qi: specs(true) }), pool)).outcome;
  without = (await runLinkage(trial({ ...base, qi: specs(false) }), pool)).outcome;
}, 240_000);

describe('linkage on Adult vs its k=5 release (ARX hierarchies)', () => {
  it('with hierarchies: expected success per target is 1/(|class| + 105), or 1/105 when suppressed', () => {
    const pt = withH.perTarget!;
    expect(pt.rows.length).toBe(30162);
    const got = pt.columns.exactExpectedSuccess;
    for (let t = 0; t < pt.rows.length; t++) expect(got[t]).toBeCloseTo(expected[pt.rows[t]], 12);
    const mean = expected.reduce((a, b) => a + b, 0) / expected.length;
    expect(methodFigures(withH, 'exact').expectedReidentificationRate).toBeCloseTo(mean, 12);
  });

  it('no target is re-identified with probability above 1/k = 1/5 by exact linkage', () => {
    const got = withH.perTarget!.columns.exactExpectedSuccess;
    expect(Math.max(...got)).toBeLessThanOrEqual(1 / 5);
    expect(Math.min(...got)).toBeGreaterThan(0);
  });

  it('re-identifies at least as many with hierarchy knowledge as without (per target, expected and realized)', () => {
    // Per target: the hierarchy can only help the attacker's expected success, whatever the joint
    // encoding makes of a released value it cannot place (`Technical` without the hierarchy).
    const a = withH.perTarget!.columns.exactExpectedSuccess;
    const b = without.perTarget!.columns.exactExpectedSuccess;
    for (let t = 0; t < a.length; t++) expect(a[t]).toBeGreaterThanOrEqual(b[t] - 1e-15);
    for (const m of ['exact', 'probabilistic']) {
      const x = methodFigures(withH, m);
      const y = methodFigures(without, m);
      expect(x.reidentified).toBeGreaterThanOrEqual(y.reidentified);
      expect(x.expectedReidentificationRate!).toBeGreaterThanOrEqual(y.expectedReidentificationRate!);
    }
    console.log(
      'Adult k=5:',
      Object.keys(withH.details!.methods as object)
        .map(
          (m) =>
            `${m} with hierarchies ${methodFigures(withH, m).reidentificationRate.value} (expected ${methodFigures(withH, m).expectedReidentificationRate}), without ${methodFigures(without, m).reidentificationRate.value} (expected ${methodFigures(without, m).expectedReidentificationRate})`,
        )
        .join('; '),
    );
  });
});
