/**
 * @module test/attacks/inference — the inference attack on hand-computed cases: nearest-neighbour
 * guesses under Gower distance (k = 1 and k = 2, categorical majority and numeric mean, the 5%
 * relative tolerance), the residual risk, CAP / TCAP over exact, wildcard and generalized classes,
 * the baseline, the skip reasons and error codes.
 */
import { tableFromArrays } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { inference } from '../../attacks/inference/index.js';
import type { AttackContext, QiSpec } from '../../attacks/types.js';
import { encodeJoint } from '../../src/encode/joint.js';
import { WorkerPool } from '../../src/pool/pool.js';
import { residualRisk, wilson } from '../../src/stats/intervals.js';

const pool = new WorkerPool(2);
afterAll(() => pool.close());

type Rows = Record<string, Array<string | null>>;

/** Encodes release / original / control jointly and builds the attack context. */
function context(
  roles: { release: Rows; original: Rows; control: Rows },
  qi: QiSpec[],
  sensitive: QiSpec[],
  extra: Record<string, unknown> = {},
  wildcards: string[] = [],
): AttackContext {
  const j = encodeJoint(
    new Map(
      Object.entries(roles).map(([role, rows]) => [role, { table: tableFromArrays(rows), label: role }]),
    ),
    [...qi.map((q) => ({ ...q, wildcards: new Set(wildcards) })), ...sensitive],
  );
  return {
    release: j.tables.get('release')!,
    original: j.tables.get('original')!,
    control: j.tables.get('control')!,
    qi,
    sensitive: sensitive.map((s) => s.name),
    pool,
    seed: 7,
    recordThreshold: 0.2,
    wildcard: wildcards.length > 0,
    linkage: { compat: j.compat },
    ...extra,
  } as unknown as AttackContext;
}

type Secrets = Record<
  string,
  { accuracy: { successes: number; n: number }; controlAccuracy: { successes: number } }
>;
const secretsOf = (o: { details?: Record<string, unknown> }) => o.details!.secrets as Secrets;

/*
 * Gower over sex (categorical) and age (numeric, range 70 − 20 = 50): d = (δ_sex + |Δage|/50) / 2.
 *   release r0 F 20 flu 100 · r1 F 60 cold 200 · r2 M 30 flu 300 · r3 M 70 asthma 400
 * members (nearest; k = 1 guesses; correct?)
 *   m0 F 24 flu 104    → r0 (0.04): flu ✓, 100 within 5% of 104 ✓
 *   m1 F 55 flu 150    → r1 (0.05): cold ✗, 200 ✗
 *   m2 M 33 flu 290    → r2 (0.03): flu ✓, 300 within 14.5 of 290 ✓
 *   m3 M 69 cold 0     → r3 (0.01): asthma ✗, 400 ✗ (a truth of 0 needs an exact guess)
 *   m4 F 20 (missing secrets: not attacked)
 * control
 *   c0 F 21 cold 500 → r0: flu ✗, ✗ · c1 F 58 cold 195 → r1: cold ✓, 200 within 9.75 ✓
 *   c2 M 45 cold 300 → r2 (0.15 < 0.25): flu ✗, 300 ✓ · c3 M 66 flu 999 → r3: ✗, ✗
 *   c4 M 70 flu 400  → r3: asthma ✗, 400 ✓
 * income: members 2/4, control 1/5; salary: members 2/4, control 3/5.
 * k = 2 (second neighbours: m0 r1, m1 r0, m2 r3, m3 r2): votes tie 1–1, so the nearer value wins
 * (disease 2/4 as for k = 1); salary means 150, 150, 350, 350 → only m1 (truth 150) ✓: 1/4.
 */
const QI: QiSpec[] = [
  { name: 'sex', kind: 'categorical' },
  { name: 'age', kind: 'numeric' },
];
const SECRETS: QiSpec[] = [
  { name: 'disease', kind: 'categorical' },
  { name: 'salary', kind: 'numeric' },
];
/**
 * The hand cases hold plain values only, so they are run without a compatibility relation (equal codes
 * only), as for a release without generalized values.
 */
const PLAIN = { linkage: undefined };
const HAND = {
  release: {
    sex: ['F', 'F', 'M', 'M'],
    age: ['20', '60', '30', '70'],
    disease: ['flu', 'cold', 'flu', 'asthma'],
    salary: ['100', '200', '300', '400'],
  },
  original: {
    sex: ['F', 'F', 'M', 'M', 'F'],
    age: ['24', '55', '33', '69', '20'],
    disease: ['flu', 'flu', 'flu', 'cold', null],
    salary: ['104', '150', '290', '0', null],
  },
  control: {
    sex: ['F', 'F', 'M', 'M', 'M'],
    age: ['21', '58', '45', '66', '70'],
    disease: ['cold', 'cold', 'cold', 'flu', 'flu'],
    salary: ['500', '195', '300', '999', '400'],
  },
};

describe('hand-computed guesses', () => {
  it('k = 1: the nearest record’s value, scored as computed by hand', async () => {
    const o = await inference.run(context(HAND, QI, SECRETS, PLAIN));
    const s = secretsOf(o);
    expect(s.disease.accuracy).toMatchObject({ successes: 2, n: 4 });
    expect(s.disease.controlAccuracy).toMatchObject({ successes: 1 });
    expect(s.salary.accuracy).toMatchObject({ successes: 2, n: 4 });
    expect(s.salary.controlAccuracy).toMatchObject({ successes: 3 });
    const risk = residualRisk(wilson(2, 4), wilson(1, 5));
    expect(o.details!.verdictSecret).toBe('disease');
    expect(o.metrics.risk.value).toBeCloseTo(risk.value, 12);
    expect(o.metrics.accuracy).toMatchObject({ value: 0.5, n: 4 });
    expect(o.metrics.controlAccuracy).toMatchObject({ value: 0.2, n: 5 });
    expect(o.metrics.targets.value).toBe(5);
    expect(o.warnings!.join('\n')).toMatch(/1 of 5 member targets have no value/);
    expect(o.perTarget!.columns['disease.correct']).toEqual(Float64Array.of(1, 0, 1, 0, Number.NaN));
    expect(o.perTarget!.columns['salary.correct']).toEqual(Float64Array.of(1, 0, 1, 0, Number.NaN));
  });

  it('k = 2: majority with ties to the nearer value; numeric mean', async () => {
    const o = await inference.run(context(HAND, QI, SECRETS, { ...PLAIN, inference: { k: 2 } }));
    const s = secretsOf(o);
    expect(s.disease.accuracy).toMatchObject({ successes: 2, n: 4 });
    expect(s.salary.accuracy).toMatchObject({ successes: 1, n: 4 });
    expect(o.details!.k).toBe(2);
  });

  it('tolerance 0: numeric guesses must be exact', async () => {
    const o = await inference.run(context(HAND, QI, SECRETS, { ...PLAIN, inference: { tolerance: 0 } }));
    expect(secretsOf(o).salary.accuracy).toMatchObject({ successes: 0, n: 4 });
  });

  it('the baseline draws from the release’s marginal: a one-valued release gives the members’ share', async () => {
    const release = { ...HAND.release, disease: ['flu', 'flu', 'flu', 'flu'] };
    const o = await inference.run(context({ ...HAND, release }, QI, [SECRETS[0]], PLAIN));
    // members m0–m2 have flu, m3 cold: 3 of 4
    expect(o.metrics.baselineAccuracy).toMatchObject({ value: 0.75, n: 4 });
    expect(o.metrics.accuracy.value).toBe(0.75);
    expect(o.warnings!.join('\n')).toMatch(/no better than guessing/);
  });
});

/*
 * CAP over (sex, zip), `*` a wildcard zip in the release:
 *   release r0–r2 F 111 flu, flu, cold · r3–r4 M 222 flu, flu · r5 M * cold · r6 F 333 asthma
 *   m0 F 111 flu   → {r0 r1 r2}: CAP 2/3, modal share 2/3
 *   m1 M 222 cold  → {r3 r4} ∪ {r5}: CAP 1/3, modal (flu) share 2/3
 *   m2 F 333 asthma → {r6}: CAP 1, homogeneous, right
 *   m3 F 444 flu   → no class: undefined
 *   m4 M 999 cold  → {r5}: CAP 1, homogeneous, right
 * capMean = (2/3 + 1/3 + 1 + 1)/4 = 3/4 over 4 matched; with undefined as 0: 3/5.
 * TCAP τ = 1: m2, m4 targeted, both right → 1. τ = 0.6: m0 (right), m1 (wrong), m2, m4 → 3/4.
 * Baseline: release marginal flu 4/7, cold 2/7, asthma 1/7 → (4 + 2 + 1 + 4 + 2)/(7·5) = 13/35.
 */
const CAP_QI: QiSpec[] = [
  { name: 'sex', kind: 'categorical' },
  { name: 'zip', kind: 'categorical' },
];
const CAP = {
  release: {
    sex: ['F', 'F', 'F', 'M', 'M', 'M', 'F'],
    zip: ['111', '111', '111', '222', '222', '*', '333'],
    disease: ['flu', 'flu', 'cold', 'flu', 'flu', 'cold', 'asthma'],
  },
  original: {
    sex: ['F', 'M', 'F', 'F', 'M'],
    zip: ['111', '222', '333', '444', '999'],
    disease: ['flu', 'cold', 'asthma', 'flu', 'cold'],
  },
  control: {
    sex: ['F', 'M', 'F', 'F', 'M'],
    zip: ['111', '222', '333', '444', '999'],
    disease: ['cold', 'flu', 'flu', 'flu', 'cold'],
  },
};
type CapDetail = { members: Record<string, { value: number; n: number } | number | null> };

describe('CAP and TCAP by hand', () => {
  it('exact and wildcard classes, τ = 1', async () => {
    const o = await inference.run(context(CAP, CAP_QI, [SECRETS[0]], {}, ['*']));
    expect(o.metrics.capMean.value).toBeCloseTo(3 / 4, 12);
    expect(o.metrics.capMean.n).toBe(4);
    expect(o.metrics.tcap).toMatchObject({ value: 1, n: 2 });
    const cap = (secretsOf(o).disease as unknown as { cap: CapDetail }).cap.members;
    expect(cap.capMeanUndefinedAsZero).toMatchObject({ value: 3 / 5, n: 5 });
    expect((cap.capBaseline as { value: number }).value).toBeCloseTo(13 / 35, 12);
    expect(cap.matchedShare).toBe(4 / 5);
    expect(Array.from(o.perTarget!.columns['disease.cap'])).toEqual([2 / 3, 1 / 3, 1, Number.NaN, 1]);
  });

  it('τ = 0.6 also targets classes with a 2/3 majority', async () => {
    const o = await inference.run(context(CAP, CAP_QI, [SECRETS[0]], { inference: { tau: 0.6 } }, ['*']));
    expect(o.metrics.tcap).toMatchObject({ value: 3 / 4, n: 4 });
  });

  it('without --wildcard, `*` still covers any value through joint encoding’s compatibility', async () => {
    const o = await inference.run(context(CAP, CAP_QI, [SECRETS[0]]));
    expect(o.metrics.capMean.value).toBeCloseTo(3 / 4, 12);
  });

  it('with no compatibility relation (no linkage inputs) classes are exact: `*` is its own value', async () => {
    const o = await inference.run(context(CAP, CAP_QI, [SECRETS[0]], { linkage: undefined }));
    // m0 2/3, m1 {r3 r4} 0, m2 1; m4 unmatched → (2/3 + 0 + 1)/3
    expect(o.metrics.capMean.value).toBeCloseTo(5 / 9, 12);
    expect(o.metrics.capMean.n).toBe(3);
  });

  it('generalized release values (an age interval) match the values they cover', async () => {
    const roles = {
      release: { age: ['30-39', '30-39', '40'], disease: ['flu', 'cold', 'flu'] },
      original: { age: ['35', '40', '50'], disease: ['flu', 'flu', 'cold'] },
      control: { age: ['31', '45', '52'], disease: ['cold', 'flu', 'cold'] },
    };
    const o = await inference.run(context(roles, [{ name: 'age', kind: 'numeric' }], [SECRETS[0]]));
    // 35 → {30-39 ×2}: 1/2; 40 → {40}: 1; 50 → none
    expect(o.metrics.capMean.value).toBeCloseTo(3 / 4, 12);
    expect(o.metrics.capMean.n).toBe(2);
    expect(o.metrics.tcap).toMatchObject({ value: 1, n: 1 });
  });
});

describe('inputs', () => {
  it('needs sensitive attributes, the original and the control', () => {
    const all = {
      release: true,
      original: true,
      control: true,
      auxiliary: false,
      qi: 2,
      sensitive: 1,
      population: false,
    };
    expect(inference.needs(all)).toBeNull();
    expect(inference.needs({ ...all, sensitive: 0 })).toMatch(/--sensitive/);
    expect(inference.needs({ ...all, original: false })).toMatch(/--original/);
    expect(inference.needs({ ...all, control: false })).toMatch(/--control/);
    expect(inference.needs({ ...all, qi: 0 })).toMatch(/quasi-identifiers/);
  });

  it('a secret absent from the control is a COLUMN error naming it', async () => {
    const control = { sex: HAND.control.sex, age: HAND.control.age, disease: HAND.control.disease };
    const ctx = context({ ...HAND, control }, QI, SECRETS);
    await expect(inference.run(ctx)).rejects.toMatchObject({
      code: 'COLUMN',
      message: expect.stringMatching(/--sensitive: column `salary` not in control/),
    });
  });

  it('settings out of range are USAGE errors', async () => {
    for (const bad of [{ k: 0 }, { k: 'two' }, { tolerance: -0.1 }, { tau: 0 }, { targets: 0 }, { kk: 2 }]) {
      await expect(inference.run(context(HAND, QI, SECRETS, { inference: bad }))).rejects.toMatchObject({
        code: 'USAGE',
      });
    }
  });

  it('more targets than records: all are attacked, with a warning', async () => {
    const o = await inference.run(context(HAND, QI, SECRETS, { ...PLAIN, inference: { targets: 50 } }));
    expect(o.metrics.targets.value).toBe(5);
    expect(o.warnings!.join('\n')).toMatch(/50 targets requested/);
  });
});
