/**
 * singling-out: hand-computed predicate counts, univariate candidates, the equal-size normalization
 * against brute-force enumeration, small end-to-end cases computed by hand, options and needs.
 */
import { tableFromArrays } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { singlingOut } from '../../attacks/singling-out/index.js';
import { countMatches } from '../../attacks/singling-out/kernels.js';
import { expectedSuccesses, scaleFor } from '../../attacks/singling-out/normalize.js';
import {
  OP_EQ,
  OP_EQN,
  OP_GE,
  OP_LE,
  pack,
  type Term,
  univariateCandidates,
} from '../../attacks/singling-out/predicates.js';
import type { AttackContext, AvailableInputs, QiSpec } from '../../attacks/types.js';
import { encodeTable } from '../../src/encode/index.js';
import { encodeJoint } from '../../src/encode/joint.js';
import type { EncodedTable } from '../../src/encode/types.js';
import { WorkerPool } from '../../src/pool/pool.js';
import { residualRisk, wilson } from '../../src/stats/intervals.js';

const pool = new WorkerPool(1);
afterAll(() => pool.close());

describe('countMatches (hand-computed)', () => {
  // row:   0     1     2     3     4     5
  const t = encodeTable(
    tableFromArrays({
      age: ['30', '30', '45', '61', '29', null],
      sex: ['F', 'M', 'F', 'M', 'F', 'F'],
      zip: ['100', '100', '200', '200', '100', '200'],
    }),
    [
      { name: 'age', kind: 'numeric' },
      { name: 'sex', kind: 'categorical' },
      { name: 'zip', kind: 'categorical' },
    ],
    'hand',
  );
  const code = (col: string, v: string) => t.dictionaries.get(col)!.indexOf(v);
  const [AGE, SEX, ZIP] = [0, 1, 2];
  const F = { col: SEX, op: OP_EQ, value: code('sex', 'F') };
  const M = { col: SEX, op: OP_EQ, value: code('sex', 'M') };
  const z100 = { col: ZIP, op: OP_EQ, value: code('zip', '100') };
  const z200 = { col: ZIP, op: OP_EQ, value: code('zip', '200') };
  const cases: Array<[string, Term[], number]> = [
    ['sex = F', [F], 4],
    ['sex = F ∧ zip = 200 (rows 2, 5)', [F, z200], 2],
    ['age ≤ 29 (row 4)', [{ col: AGE, op: OP_LE, value: 29 }], 1],
    ['age ≥ 62', [{ col: AGE, op: OP_GE, value: 62 }], 0],
    ['age = 30 ∧ sex = M (row 1)', [{ col: AGE, op: OP_EQN, value: 30 }, M], 1],
    ['age ≥ 45 ∧ sex = M (row 3)', [{ col: AGE, op: OP_GE, value: 45 }, M], 1],
    ['zip = 100 ∧ age ≤ 30 (rows 0, 1, 4)', [z100, { col: AGE, op: OP_LE, value: 30 }], 3],
    [
      'age ≤ 100 ∧ zip = 200: the missing age of row 5 matches nothing',
      [{ col: AGE, op: OP_LE, value: 100 }, z200],
      2,
    ],
  ];
  const columns = ['age', 'sex', 'zip'].map((c) => {
    const col = t.columns.get(c)!;
    return {
      codes: col.codes.buffer as SharedArrayBuffer,
      numbers: col.numbers?.buffer as SharedArrayBuffer | undefined,
    };
  });
  const predicates = pack(cases.map((c) => c[1]));
  const counts = (cap: number) =>
    Array.from(countMatches({ columns, predicates, start: 0, end: cases.length, cap }));

  it('counts every match below the cap', () => {
    expect(counts(10)).toEqual(cases.map((c) => c[2]));
  });
  it('stops at the cap (2: zero, one or more)', () => {
    expect(counts(2)).toEqual(cases.map((c) => Math.min(2, c[2])));
  });
  it('shards by predicate range', () => {
    const a = countMatches({ columns, predicates, start: 0, end: 3, cap: 10 });
    const b = countMatches({ columns, predicates, start: 3, end: cases.length, cap: 10 });
    expect([...a, ...b]).toEqual(counts(10));
  });
});

describe('univariateCandidates', () => {
  it('takes values held by one record and unique numeric extremes', () => {
    const t = encodeTable(
      tableFromArrays({ sex: ['F', 'F', 'M', 'F'], age: ['30', '30', '45', '61'] }),
      [
        { name: 'sex', kind: 'categorical' },
        { name: 'age', kind: 'numeric' },
      ],
      'u',
    );
    const cands = univariateCandidates([t.columns.get('sex')!, t.columns.get('age')!]);
    expect(cands).toEqual([
      [{ col: 0, op: OP_EQ, value: t.dictionaries.get('sex')!.indexOf('M') }],
      [{ col: 1, op: OP_EQN, value: 45 }],
      [{ col: 1, op: OP_EQN, value: 61 }],
      [{ col: 1, op: OP_GE, value: 61 }], // the minimum 30 is held by two records: no x ≤ 30
    ]);
  });
});

describe('scaleFor: equal-size comparison', () => {
  /** P(exactly one of the first k of N items in a random m-subset), by enumerating every subset. */
  function brute(N: number, m: number, k: number): number {
    let hits = 0;
    let all = 0;
    for (let mask = 0; mask < 1 << N; mask++) {
      let bits = 0;
      let inK = 0;
      for (let i = 0; i < N; i++) {
        if (mask & (1 << i)) {
          bits++;
          if (i < k) inK++;
        }
      }
      if (bits !== m) continue;
      all++;
      if (inK === 1) hits++;
    }
    return hits / all;
  }
  it.each([
    [8, 3],
    [10, 4],
    [9, 1],
    [6, 6],
  ])('N=%i, m=%i matches the enumeration for every k', (N, m) => {
    const s = scaleFor(N, m);
    for (let k = 0; k <= N; k++) {
      const p = k < s.cap ? s.success[k] : 0;
      expect(p).toBeCloseTo(brute(N, m, k), 12);
    }
  });
  it('equal sizes count plainly, with cap 2', () => {
    const s = scaleFor(100, 100);
    expect(s.cap).toBe(2);
    expect(expectedSuccesses(Int32Array.of(0, 1, 2, 1), s)).toBe(2);
  });
  it('the cap is where P(k) becomes negligible', () => {
    const s = scaleFor(39_031, 9_757);
    expect(s.success[1]).toBeCloseTo(9_757 / 39_031, 15);
    expect(s.success[s.cap - 1]).toBeGreaterThan(0);
    expect(s.cap).toBeGreaterThan(50);
    expect(s.cap).toBeLessThan(200);
  });
});

const QI: QiSpec[] = [{ name: 'c', kind: 'categorical' }];
function joint(tables: Record<string, string[]>): Record<string, EncodedTable> {
  const m = new Map(
    Object.entries(tables).map(([role, c]) => [role, { table: tableFromArrays({ c }), label: role }]),
  );
  return Object.fromEntries(encodeJoint(m, QI).tables);
}
function ctx(t: Record<string, EncodedTable>, extra: object = {}): AttackContext {
  return {
    release: t.release,
    original: t.original,
    control: t.control,
    qi: QI,
    sensitive: [],
    pool,
    seed: 7,
    recordThreshold: 0.2,
    wildcard: false,
    ...extra,
  } as AttackContext;
}

describe('singling out, computed by hand', () => {
  it('equal sizes: c = x isolates a member, c = z a non-member → success 1/2, control 1/2, risk 0', async () => {
    const t = joint({
      release: ['x', 'y', 'y', 'z'], // predicates: c = x, c = z
      original: ['x', 'y', 'z', 'z'], // c = x: 1 ✓, c = z: 2 ✗
      control: ['w', 'x', 'x', 'z'], // c = x: 2 ✗, c = z: 1 ✓
    });
    const o = await singlingOut.run(ctx(t, { singlingOut: { mode: 'univariate', n: 2 } }));
    expect(o.metrics.predicatesGenerated.value).toBe(2);
    expect(o.metrics.successRate).toMatchObject({ value: 0.5, n: 2, ci95: wilson(1, 2).ci });
    expect(o.metrics.controlRate.value).toBe(0.5);
    const r = residualRisk(wilson(1, 2), wilson(1, 2));
    expect(o.metrics.risk).toEqual({ value: 0, ci95: r.ci, n: 2 });
    expect([0, 0.5, 1]).toContain(o.metrics.baselineRate.value);
    expect(o.warnings!.join('\n')).not.toMatch(/fewer than/);
  });

  it('a smaller control: the original is compared at the control’s size (hypergeometric)', async () => {
    const t = joint({ release: ['x', 'y', 'y', 'z'], original: ['x', 'y', 'z', 'z'], control: ['x', 'z'] });
    const o = await singlingOut.run(ctx(t, { singlingOut: { mode: 'univariate', n: 2 } }));
    // original N=4 at m=2: c = x (k=1) → 2/4; c = z (k=2) → 2·C(2,1)/C(4,2) = 4/6
    expect(o.metrics.successRate.value).toBeCloseTo((1 / 2 + 2 / 3) / 2, 12);
    expect(o.metrics.controlRate.value).toBe(1); // both isolate one of the 2 control records
    expect(o.details!.normalization).toMatchObject({ originalRows: 4, controlRows: 2, comparedAt: 2 });
    expect(o.warnings!.some((w) => w.includes('compared at 2 records'))).toBe(true);
    expect(o.warnings!.join('\n')).toMatch(/a leak shows at about 0\.50 of its strength/);
    // unscaled: on all 4 members c = x isolates one (✓), c = z matches two (✗)
    const uni = (o.details!.modes as Record<string, Record<string, { value: number }>>).univariate;
    expect(uni.unscaledSuccessRate.value).toBe(0.5);
    expect(uni.unscaledControlRate.value).toBe(1);
  });

  it('asking for more predicates than exist reports how many were tested, with a warning', async () => {
    const t = joint({
      release: ['x', 'y', 'y', 'z'],
      original: ['x', 'y', 'z', 'z'],
      control: ['w', 'x', 'x', 'z'],
    });
    const o = await singlingOut.run(ctx(t, { singlingOut: { mode: 'univariate', n: 50 } }));
    expect(o.metrics.predicatesRequested.value).toBe(50);
    expect(o.metrics.predicatesGenerated.value).toBe(2);
    expect(o.metrics.successRate.n).toBe(2);
    expect(o.warnings!.join('\n')).toMatch(/tested 2 predicates, fewer than the 50 requested/);
  });

  it('a release where no record stands out fails the attack with ATTACK_FAILED, not a silent pass', async () => {
    const t = joint({ release: ['x', 'x', 'y', 'y'], original: ['x', 'y'], control: ['x', 'y'] });
    await expect(singlingOut.run(ctx(t))).rejects.toMatchObject({ code: 'ATTACK_FAILED' });
  });

  it('rejects bad options with USAGE', async () => {
    const t = joint({ release: ['x', 'y'], original: ['x'], control: ['y'] });
    await expect(singlingOut.run(ctx(t, { singlingOut: { n: 0 } }))).rejects.toMatchObject({ code: 'USAGE' });
    await expect(singlingOut.run(ctx(t, { singlingOut: { mode: 'bivariate' } }))).rejects.toMatchObject({
      code: 'USAGE',
    });
  });
});

describe('needs', () => {
  const all: AvailableInputs = {
    release: true,
    original: true,
    control: true,
    auxiliary: false,
    qi: 3,
    sensitive: 0,
    population: false,
  };
  it('runs with original and control, and says why otherwise', () => {
    expect(singlingOut.needs(all)).toBeNull();
    expect(singlingOut.needs({ ...all, control: false })).toMatch(/--control/);
    expect(singlingOut.needs({ ...all, original: false })).toMatch(/--original/);
    expect(singlingOut.needs({ ...all, qi: 0 })).toMatch(/quasi-identifiers/);
  });
  it('lists every metric it returns', () => {
    for (const m of [
      'predicatesRequested',
      'predicatesGenerated',
      'successRate',
      'controlRate',
      'baselineRate',
      'risk',
    ]) {
      expect(singlingOut.metrics[m]).toBeTruthy();
    }
  });
});
