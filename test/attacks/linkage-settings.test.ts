/**
 * The linkage attack on synthetic data: leak (release = original, all records unique: rate 1.0) and no-leak
 * (a release of other people: rates at the baseline) cases; prosecutor and journalist settings with an id
 * key; no ground truth; identical results for 1 and 2 workers; when the attack is skipped.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { linkage } from '../../attacks/linkage/index.js';
import { WorkerPool } from '../../src/pool/pool.js';
import { rng } from '../../src/stats/random.js';
import { tmp } from '../cli/helpers.js';
import {
  methodFigures,
  records,
  runLinkage,
  SYN_HEADER,
  SYN_QI,
  trial,
  writeCsv,
} from './linkage-helpers.js';

const pools = [new WorkerPool(1), new WorkerPool(2)];
const [pool1, pool2] = pools;
afterAll(() => Promise.all(pools.map((p) => p.close())));
const dir = tmp('reidgate-linkage-settings-');
const file = (name: string, header: string[], rows: string[][]) => writeCsv(join(dir, name), header, rows);

describe('leak and no-leak cases', () => {
  it('leak: release = original with all-unique QIs: every method re-identifies everyone (rate 1.0)', async () => {
    const rows = [...new Map(records(3000, 11).map((r) => [r.join('|'), r])).values()].slice(0, 2000);
    const o = file('leak.csv', SYN_HEADER, rows);
    const { outcome } = await runLinkage(
      trial({ release: o, original: o, aligned: true, qi: SYN_QI }),
      pool2,
    );
    for (const m of ['exact', 'probabilistic']) {
      const f = methodFigures(outcome, m);
      expect(f.reidentificationRate.value).toBe(1);
      expect(f.precision!.value).toBe(1);
    }
    expect(outcome.metrics.reidentificationRate.value).toBe(1);
    expect(outcome.metrics.expectedReidentificationRate.value).toBe(1);
  });

  it('no leak: a release of other people from the same distribution: rates at the baseline', async () => {
    const o = file('nl-o.csv', SYN_HEADER, records(2000, 21));
    const r = file('nl-r.csv', SYN_HEADER, records(2000, 22));
    const { outcome } = await runLinkage(
      trial({ release: r, original: o, aligned: true, qi: SYN_QI }),
      pool2,
    );
    for (const m of ['exact', 'probabilistic']) {
      const f = methodFigures(outcome, m);
      expect(f.baselineRate).toBe(1 / 2000);
      expect(f.reidentificationRate.ci95[0]).toBeLessThanOrEqual(f.baselineRate);
      expect(f.reidentificationRate.ci95[1]).toBeGreaterThanOrEqual(f.baselineRate);
      expect(f.reidentified).toBeLessThanOrEqual(5);
    }
  });
});

describe('settings, ground truth and determinism', () => {
  /** A release from 1,500 of 2,000 people, one value perturbed in 20% of records, rows shuffled. */
  function perturbedRelease() {
    const people = records(2000, 31);
    const r = rng(32);
    const kept = people.map((p, i) => ({ p, i })).filter(() => r() < 0.75);
    const rel = kept.map(({ p, i }) => {
      const q = [...p];
      if (r() < 0.2) q[2] = String((Number(q[2]) + 1) % 5);
      return [`id${i}`, ...q];
    });
    for (let i = rel.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [rel[i], rel[j]] = [rel[j], rel[i]];
    }
    return {
      original: file(
        's-o.csv',
        ['id', ...SYN_HEADER],
        people.map((p, i) => [`id${i}`, ...p]),
      ),
      release: file('s-r.csv', ['id', ...SYN_HEADER], rel),
      members: kept.length,
    };
  }
  const data = perturbedRelease();

  it('--id with absent targets: prosecutor over members, journalist over all, and their baselines', async () => {
    const { outcome } = await runLinkage(trial({ ...data, qi: SYN_QI, id: 'id' }), pool2);
    expect(outcome.metrics.targets.value).toBe(data.members);
    expect(outcome.metrics.journalistTargets.value).toBe(2000);
    expect(outcome.metrics.baselineRate.value).toBeCloseTo(1 / data.members, 15);
    expect(outcome.metrics.journalistBaselineRate.value).toBeCloseTo(data.members / 2000 / data.members, 15);
    const t = outcome.tables!.find((x) => x.title.startsWith('Precision–coverage'))!;
    const methods = Object.keys(outcome.details!.methods as object);
    expect(methods).toEqual(['exact', 'probabilistic', 'distance-gower', 'distance-manhattan']);
    expect(t.rows.length).toBe(methods.length * 7);
    // The strongest method has the highest prosecutor rate; its figures are the headline.
    const best = outcome.details!.strongestMethod as string;
    const rates = methods.map((m) => methodFigures(outcome, m).reidentificationRate.value);
    expect(methodFigures(outcome, best).reidentificationRate.value).toBe(Math.max(...rates));
    expect(outcome.metrics.reidentified.value).toBe(methodFigures(outcome, best).reidentified);
    // One value perturbed in 20% of the records: probabilistic linkage beats exact linkage.
    expect(methodFigures(outcome, 'probabilistic').reidentified).toBeGreaterThan(
      methodFigures(outcome, 'exact').reidentified,
    );
  });

  it('1 and 2 workers give identical outcomes', async () => {
    const t = trial({ ...data, qi: SYN_QI, id: 'id' });
    const a = (await runLinkage(t, pool1)).outcome;
    const b = (await runLinkage(t, pool2)).outcome;
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    for (const [k, col] of Object.entries(a.perTarget!.columns)) {
      expect([...b.perTarget!.columns[k]], k).toEqual([...col]);
    }
  });

  it('without ground truth: attacker-side figures only, and a warning', async () => {
    const { outcome } = await runLinkage(
      trial({ release: data.release, original: data.original, qi: SYN_QI }),
      pool2,
    );
    expect(outcome.metrics.reidentificationRate).toBeUndefined();
    expect(outcome.metrics.targets.value).toBe(2000);
    expect(outcome.metrics.uniqueMatches.value).toBeGreaterThan(0);
    expect(outcome.warnings!.join(' ')).toMatch(/cannot be measured/);
    expect(Object.keys(outcome.perTarget!.columns)).not.toContain('exactCorrect');
  });

  it('needs the attacker data: skipped without --original or --auxiliary', () => {
    const inputs = {
      release: true,
      original: false,
      control: false,
      auxiliary: false,
      qi: 3,
      sensitive: 0,
      population: false,
    };
    expect(linkage.needs(inputs)).toMatch(/--original or --auxiliary/);
    expect(linkage.needs({ ...inputs, auxiliary: true })).toBeNull();
  });
});
