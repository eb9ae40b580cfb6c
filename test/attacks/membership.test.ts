/**
 * @module test/attacks/membership — hand-computed ROC figures, the exactness of the nearest-neighbour search
 * against a brute-force scan (missing values, wildcards, generalized values, ties), the leak and no-leak
 * cases on generated data, 1 vs 2 workers, seeded reproducibility, and the coded errors.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { nearestNeighbours } from '../../attacks/linkage/distance.js';
import { ADVANTAGE, AUC, figures, TPR0 } from '../../attacks/membership/evaluate.js';
import { membership } from '../../attacks/membership/index.js';
import { nearest } from '../../attacks/membership/knn.js';
import { pairDistance } from '../../attacks/membership/pair.js';
import { buildSpace, type MetricName, toPoints } from '../../attacks/membership/space.js';
import { sampleTargets } from '../../attacks/membership/targets.js';
import type { AttackContext, AttackOutcome, CompatRelation } from '../../attacks/types.js';
import { membershipTables } from '../../bench/membership.js';
import { type Column, type EncodedTable, MISSING, WILDCARD } from '../../src/encode/types.js';
import { isReidgateError } from '../../src/errors.js';
import { WorkerPool } from '../../src/pool/pool.js';
import { rng } from '../../src/stats/random.js';
import { auc, curve, rank, ratesAt, thresholdAtFpr, thresholdMaxAdvantage } from '../../src/stats/roc.js';

const pool1 = new WorkerPool(1);
const pool2 = new WorkerPool(2);
afterAll(async () => {
  await pool1.close();
  await pool2.close();
});

const ones = (n: number) => new Float64Array(n).fill(1);

describe('ROC figures on a hand-computed score set', () => {
  // members 0.9, 0.8, 0.4; non-members 0.7, 0.4, 0.1
  const scores = Float64Array.from([0.9, 0.8, 0.4, 0.7, 0.4, 0.1]);
  const label = Uint8Array.from([1, 1, 1, 0, 0, 0]);
  const r = rank(scores, label);
  const c = curve(r, ones(6));

  it('AUC = (3 + 3 + 1.5)/9: the tie at 0.4 counts one half', () => {
    expect(auc(c)).toBeCloseTo(7.5 / 9, 12);
    // doubling the member at 0.4: (3 + 3 + 2·1.5)/(4·3)
    expect(auc(curve(r, Float64Array.from([1, 1, 2, 1, 1, 1])))).toBeCloseTo(0.75, 12);
  });

  it('TPR at FPR: the lowest threshold whose FPR stays within α', () => {
    expect(thresholdAtFpr(c, 0.34)).toBe(0.7);
    expect(ratesAt(c, 0.7)).toEqual({ tpr: 2 / 3, fpr: 1 / 3 });
    expect(thresholdAtFpr(c, 0.01)).toBe(0.8);
    expect(ratesAt(c, 0.8)).toEqual({ tpr: 2 / 3, fpr: 0 });
  });

  it('advantage: max TPR − FPR = 2/3 at 0.8', () => {
    const v = thresholdMaxAdvantage(c);
    expect(v).toBe(0.8);
    const { tpr, fpr } = ratesAt(c, v);
    expect(tpr - fpr).toBeCloseTo(2 / 3, 12);
  });

  it('held-out figures: thresholds from one half read on the other, both ways, averaged', () => {
    // half A: members 0.9, 0.4 / non-members 0.7, 0.1; half B: member 0.8 / non-member 0.4
    const half = Uint8Array.from([0, 1, 0, 0, 1, 0]);
    const idx = (h: number) => Int32Array.from([0, 1, 2, 3, 4, 5].filter((i) => half[i] === h));
    const s = { all: r, a: rank(scores, label, idx(0)), b: rank(scores, label, idx(1)) };
    const f = figures(s, ones(6), [0.5]);
    expect(f[AUC]).toBeCloseTo(7.5 / 9, 12);
    // advantage: A picks 0.9 (B reads 0 − 0); B picks 0.8 (A reads 0.5 − 0)
    expect(f[ADVANTAGE]).toBeCloseTo(0.25, 12);
    // α = 0.5: A picks 0.4 (B reads TPR 1, FPR 1); B picks 0.8 (A reads TPR 0.5, FPR 0)
    expect(f[TPR0]).toBeCloseTo(0.75, 12);
    expect(f[TPR0 + 1]).toBeCloseTo(0.5, 12);
  });
});

/** A small table with MISSING, WILDCARD and generalized codes, values from small sets (many ties). */
function randomTables(seed: number): {
  release: EncodedTable;
  targets: EncodedTable;
  compat: Map<string, CompatRelation>;
} {
  const random = rng(seed);
  const make = (n: number, isRelease: boolean): EncodedTable => {
    const columns = new Map<string, Column>();
    for (const [name, numeric] of [
      ['c0', false],
      ['c1', false],
      ['c2', false],
      ['x0', true],
      ['x1', true],
      ['x2', true],
    ] as const) {
      const codes = new Int32Array(n);
      const numbers = numeric ? new Float64Array(n) : undefined;
      for (let i = 0; i < n; i++) {
        const u = random();
        let c = Math.floor(random() * 5);
        if (u < 0.05) c = MISSING;
        else if (isRelease && u < 0.08) c = name === 'c0' || name === 'x0' ? 5 : WILDCARD;
        if (i >= 20 && i < 50) c = 1; // a block of identical records (a pure leaf)
        codes[i] = c;
        if (numbers) numbers[i] = c === MISSING || c === WILDCARD ? Number.NaN : c === 5 ? 1.5 : c * 0.5;
      }
      columns.set(name, {
        name,
        kind: numeric ? 'numeric' : 'categorical',
        length: n,
        cardinality: 6,
        codes,
        numbers,
      });
    }
    return { rows: n, columns, dictionaries: new Map() };
  };
  // code 5 is a generalized release value covering target codes 1 and 2
  const rel: CompatRelation = {
    offsets: Int32Array.from([0, 0, 1, 2, 2, 2, 2]),
    codes: Int32Array.from([5, 5]),
    generalized: Int32Array.from([5]),
  };
  return {
    release: make(400, true),
    targets: make(150, false),
    compat: new Map([
      ['c0', rel],
      ['x0', rel],
    ]),
  };
}

const COLUMNS = ['c0', 'c1', 'c2', 'x0', 'x1', 'x2'].map((name) => ({
  name,
  kind: name.startsWith('x') ? ('numeric' as const) : ('categorical' as const),
}));

describe('exact nearest neighbours: the tree search equals a brute-force scan', () => {
  for (const metric of ['gower', 'manhattan', 'pws'] as MetricName[]) {
    for (const k of [1, 3]) {
      it(`${metric}, k = ${k}: distances, indices (ties to the lowest) and exact-copy counts`, async () => {
        for (const seed of [1, 2, 3, 4]) await checkExact(metric, k, seed);
      });
    }
  }
});

async function checkExact(metric: MetricName, k: number, seed: number): Promise<void> {
  const { release, targets, compat } = randomTables(metric.length * 100 + k * 10 + seed);
  const rel = { table: release };
  const tg = { table: targets };
  const pws = metric === 'pws';
  const { space, names } = buildSpace(metric, COLUMNS, pws ? [tg] : [rel, tg], pws ? undefined : compat);
  const query = toPoints(space, names, pws ? rel : tg);
  const searched = toPoints(space, names, pws ? tg : rel);
  const nn = await nearest(pool2, space, query, searched, k);
  for (let i = 0; i < query.n; i++) {
    const all = Array.from({ length: searched.n }, (_, j) => [pairDistance(space, query, i, searched, j), j]);
    all.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (let r = 0; r < k; r++) {
      expect(nn.distance[i * k + r]).toBe(all[r][0]);
      expect(nn.index[i * k + r]).toBe(all[r][0] === Number.POSITIVE_INFINITY ? -1 : all[r][1]);
    }
    expect(nn.zeros[i]).toBe(all.filter((a) => a[0] === 0).length);
  }
}

describe('the same distances as distance-based linkage (attacks/linkage/distance-pair.ts)', () => {
  for (const metric of ['gower', 'manhattan'] as const) {
    it(`${metric}: nearest and second-nearest distances agree with nearestNeighbours`, async () => {
      const { release, targets, compat } = randomTables(77);
      const rel = { table: release };
      const tg = { table: targets };
      const { space, names } = buildSpace(metric, COLUMNS, metric === 'gower' ? [rel, tg] : [rel], compat);
      const mine = await nearest(pool2, space, toPoints(space, names, tg), toPoints(space, names, rel), 2);
      const cols = COLUMNS.map((c) => c.name);
      const theirs = await nearestNeighbours(pool2, tg, rel, cols, metric, 2, { compat });
      for (let i = 0; i < 2 * targets.rows; i++) {
        if (theirs.distance[i] === Number.POSITIVE_INFINITY)
          expect(mine.distance[i]).toBe(Number.POSITIVE_INFINITY);
        else expect(mine.distance[i]).toBeCloseTo(theirs.distance[i], 10);
      }
    });
  }
});

const context = (t: ReturnType<typeof membershipTables>, pool: WorkerPool, options = {}, seed = 3) =>
  ({
    release: t.release,
    original: t.original,
    control: t.control,
    qi: t.qi,
    sensitive: [],
    pool,
    seed,
    recordThreshold: 0.2,
    wildcard: false,
    membership: { resamples: 200, ...options },
  }) as AttackContext;

describe('membership on generated data', () => {
  it('leak: release = the members → auc ≥ 0.99, tpr@fpr=0.001 ≥ 0.9 (2000 per class resolve 0.001)', async () => {
    const t = membershipTables(3000, 4100, 10, 5);
    const out = await membership.run(context({ ...t, release: t.original }, pool2, { targets: 2000 }));
    expect(out.metrics.targets.value).toBe(4000);
    expect(out.metrics.auc.value).toBeGreaterThanOrEqual(0.99);
    expect(out.metrics['tpr@fpr=0.001'].value).toBeGreaterThanOrEqual(0.9);
    expect(out.metrics['tpr@fpr=0.01'].ci95![0]).toBeGreaterThanOrEqual(0.9);
    const top = (out.details!.scores as Record<string, Record<string, { resolvedFpr: number }>>)[
      out.details!.verdictScore as string
    ];
    expect(top['tpr@fpr=0.001'].resolvedFpr).toBe(0.001);
    expect(out.warnings).toEqual([]);
  }, 120_000);

  it('no leak: a release of other people → auc within 0.5 ± 0.05 for every score', async () => {
    const t = membershipTables(3000, 3000, 3000, 9, 0.3, true);
    const out = await membership.run(context(t, pool2));
    expect(Math.abs(out.metrics.auc.value - 0.5)).toBeLessThanOrEqual(0.05);
    for (const s of Object.values(out.details!.scores as Record<string, { auc: { value: number } }>)) {
      expect(Math.abs(s.auc.value - 0.5)).toBeLessThanOrEqual(0.05);
    }
    // 1000 per class: 500 non-members per half cannot resolve FPR 0.001
    expect((out.warnings ?? []).join('\n')).toMatch(/FPR 0\.001 cannot be resolved with 500 non-members/);
  }, 120_000);

  it('a synthetic-like release leaks more than no release of the members', async () => {
    const t = membershipTables(3000, 3000, 3000, 9);
    const out = await membership.run(context(t, pool2));
    expect(out.metrics.auc.ci95![0]).toBeGreaterThan(0.55);
  }, 120_000);

  it('1 and 2 workers give identical outcomes; the seed decides the targets', async () => {
    const t = membershipTables(800, 900, 1500, 4);
    const strip = (o: AttackOutcome) =>
      JSON.parse(JSON.stringify({ ...o, details: { ...o.details, searches: 0 } }));
    const a = await membership.run(context(t, pool1, { targets: 300 }));
    const b = await membership.run(context(t, pool2, { targets: 300 }));
    expect(strip(a)).toEqual(strip(b));
    const again = await membership.run(context(t, pool2, { targets: 300 }));
    expect(strip(again)).toEqual(strip(a));
    const other = await membership.run(context(t, pool2, { targets: 300 }, 4));
    expect(Array.from(other.perTarget!.rows)).not.toEqual(Array.from(a.perTarget!.rows));
  }, 120_000);
});

describe('targets and bad input', () => {
  it('samples balanced targets; non-members and the reference are disjoint halves of the control', () => {
    const s = sampleTargets(500, 101, 1000, 'option', 1);
    expect(s.members.length).toBe(51);
    expect(s.nonMembers.length).toBe(51);
    expect(s.reference.length).toBe(50);
    const ref = new Set(s.reference);
    expect(Array.from(s.nonMembers).some((r) => ref.has(r))).toBe(false);
    expect(s.warnings[0]).toMatch(/1000 targets per class were requested .* all 51 available were used/);
    expect(s.half.filter((h) => h === 1).length).toBe(50);
  });

  it('needs: members and a control', () => {
    const base = {
      release: true,
      original: true,
      control: true,
      auxiliary: false,
      qi: 3,
      sensitive: 0,
      population: false,
    };
    expect(membership.needs(base)).toBeNull();
    expect(membership.needs({ ...base, control: false })).toMatch(/needs --control/);
    expect(membership.needs({ ...base, original: false })).toMatch(/needs --original/);
  });

  const codeOf = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (e) {
      return isReidgateError(e) ? e.code : 'not a ReidgateError';
    }
    return 'no error';
  };

  it('coded errors: bad options (USAGE), too few records (ATTACK_FAILED)', async () => {
    const t = membershipTables(50, 50, 50, 2);
    expect(await codeOf(membership.run(context(t, pool1, { targets: 0 })))).toBe('USAGE');
    expect(await codeOf(membership.run(context(t, pool1, { k: 1.5 })))).toBe('USAGE');
    expect(await codeOf(membership.run(context(t, pool1, { kk: 5 })))).toBe('USAGE');
    const tiny = membershipTables(50, 3, 50, 2);
    expect(await codeOf(membership.run(context(tiny, pool1)))).toBe('ATTACK_FAILED');
  });
});
