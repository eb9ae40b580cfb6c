/**
 * Sparse linkage (Narayanan–Shmatikov scoreboard, method `sparse` of `linkage`): a hand-computed
 * scoreboard, the mini cohort fixture through the whole linkage attack, and a generated cohort with a
 * leak, a weak release under noisy knowledge, a strong generalized release and a disjoint release.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { linkage } from '../../attacks/linkage/index.js';
import { scoreMethod } from '../../attacks/linkage/score.js';
import { eventIndex, sparseLinkage } from '../../attacks/linkage/sparse.js';
import { sparseScore } from '../../attacks/linkage/sparse-kernels.js';
import type { AttackContext } from '../../attacks/types.js';
import { sharedFloat64, sharedInt32 } from '../../src/encode/encode.js';
import { ReidgateError } from '../../src/errors.js';
import { WorkerPool } from '../../src/pool/pool.js';
import { buildPersonSide, invertTokens } from '../../src/relational/person-view.js';
import { loadInputs, type TrialInputs } from '../../src/run/inputs.js';
import { resolveTrial, type Trial } from '../../src/trial/index.js';
import { tmp } from '../cli/helpers.js';
import { writeSparseCohort } from './sparse-cohort.js';

const pool = new WorkerPool(2);
const pool1 = new WorkerPool(1);
afterAll(() => Promise.all([pool.close(), pool1.close()]));

const ROOT = join(import.meta.dirname, '..', '..');

const loaded = new Map<string, Promise<{ trial: Trial; inputs: TrialInputs }>>();

/** Loads a trial file and builds the attack context as the CLI would (inputs cached per trial). */
async function context(trialPath: string, options: Record<string, unknown> = {}, workers = pool) {
  let hit = loaded.get(trialPath);
  if (!hit) {
    const trial = resolveTrial(trialPath, {});
    hit = loadInputs(trial, () => {}).then((inputs) => ({ trial, inputs }));
    loaded.set(trialPath, hit);
  }
  const { trial, inputs } = await hit;
  const ctx: AttackContext = {
    release: inputs.encoded.release,
    original: inputs.encoded.original,
    linkage: inputs.linkage,
    persons: inputs.persons,
    qi: trial.qi,
    sensitive: [],
    pool: workers,
    seed: 5,
    recordThreshold: 0.2,
    wildcard: trial.wildcard.length > 0,
    options: { linkage: options },
  };
  return ctx;
}

/** Runs only the sparse method and scores it (journalist: all targets). */
async function sparse(trialPath: string, options: Record<string, unknown> = {}, workers = pool) {
  const ctx = await context(trialPath, options, workers);
  const r = (await sparseLinkage(ctx))!;
  const s = scoreMethod(r, ctx.linkage!.truth, ctx.release.rows);
  return { r, s, ctx };
}

describe('sparse scoreboard, hand-computed', () => {
  // 5 release patients; codes 0 (held by 4), 1 (by 2), 2 (by 1).
  const sets = [[0, 1, 2], [0, 1], [0], [0], []];
  const offsets = sharedInt32(6);
  const flat: number[] = [];
  sets.forEach((s, p) => {
    flat.push(...s);
    offsets[p + 1] = flat.length;
  });
  const codes = sharedInt32(flat.length);
  codes.set(flat);
  const index = invertTokens(5, offsets, codes, 3);
  const weight = sharedFloat64(3);
  for (let c = 0; c < 3; c++) weight[c] = 1 / Math.log(1 + index.offsets[c + 1] - index.offsets[c]);
  const run = (items: number[], phi: number) => {
    const out = { claimed: sharedInt32(1), eccentricity: sharedFloat64(1), candidates: sharedInt32(1) };
    const identity = Int32Array.from({ length: 5 }, (_, i) => i);
    sparseScore({
      persons: 5,
      postOffsets: index.offsets,
      postings: index.postings,
      evOffsets: sharedInt32(4),
      evPerson: sharedInt32(0),
      evLo: sharedInt32(0),
      evHi: sharedInt32(0),
      evWidth: 0,
      weight,
      itemOffsets: Int32Array.of(0, items.length),
      itemCodes: Int32Array.from(items),
      itemLo: new Int32Array(items.length),
      itemHi: new Int32Array(items.length),
      itemDated: new Uint8Array(items.length),
      rankOf: identity,
      order: identity,
      rangeOffsets: Int32Array.of(0, 0),
      rangeLo: new Int32Array(0),
      rangeHi: new Int32Array(0),
      demoWeight: Float64Array.of(0),
      phi,
      start: 0,
      end: 1,
      ...out,
    });
    return out;
  };

  it('scores Σ 1/ln(1 + support) and claims by eccentricity (best − second)/σ over all patients', () => {
    const w0 = 1 / Math.log(5);
    const w1 = 1 / Math.log(3);
    const w2 = 1 / Math.log(2);
    const scores = [w0 + w1 + w2, w0 + w1, w0, w0, 0];
    const mean = scores.reduce((a, b) => a + b) / 5;
    const sigma = Math.sqrt(scores.reduce((a, b) => a + b * b, 0) / 5 - mean * mean);
    const out = run([0, 1, 2], 1.5);
    expect(out.candidates[0]).toBe(4);
    expect(out.eccentricity[0]).toBeCloseTo(w2 / sigma, 12);
    // w2/σ ≈ 1.39: patient 0 is claimed at φ = 1.3; at the default φ = 1.5 the attacker declines.
    expect(w2 / sigma).toBeCloseTo(1.394, 3);
    expect(out.claimed[0]).toBe(-1);
    expect(run([0, 1, 2], 1.3).claimed[0]).toBe(0);
  });

  it('a tie for the best score has eccentricity 0 and no claim', () => {
    const out = run([0, 1], 0.1);
    expect(out.eccentricity[0]).toBe(0);
    expect(out.claimed[0]).toBe(-1);
  });

  it('an item no patient holds leaves the target unscored', () => {
    const out = run([], 1.5);
    expect(out.claimed[0]).toBe(-1);
    expect(Number.isNaN(out.eccentricity[0])).toBe(true);
  });
});

describe('sparse scoreboard, dated items', () => {
  // Code 0 on day 10 and 40 (patient 0), day 20 (patient 1), day 30 (patient 2); code 1 on day 20 (patient 2).
  const side = buildPersonSide(3, [
    {
      person: Int32Array.of(0, 0, 1, 2, 2),
      code: Int32Array.of(0, 0, 0, 0, 1),
      lo: Int32Array.of(10, 40, 20, 30, 20),
    },
  ]);
  const ev = eventIndex(side, 2);
  const index = invertTokens(3, side.setOffsets, side.setCodes, 2);
  const scoreAt = (lo: number, hi: number) => {
    const out = { claimed: sharedInt32(1), eccentricity: sharedFloat64(1), candidates: sharedInt32(1) };
    const identity = Int32Array.of(0, 1, 2);
    sparseScore({
      persons: 3,
      postOffsets: index.offsets,
      postings: index.postings,
      ...ev,
      weight: Float64Array.of(1 / Math.log(4), 1 / Math.log(2)),
      itemOffsets: Int32Array.of(0, 1),
      itemCodes: Int32Array.of(0),
      itemLo: Int32Array.of(lo),
      itemHi: Int32Array.of(hi),
      itemDated: Uint8Array.of(1),
      rankOf: identity,
      order: identity,
      rangeOffsets: Int32Array.of(0, 0),
      rangeLo: new Int32Array(0),
      rangeHi: new Int32Array(0),
      demoWeight: Float64Array.of(0),
      phi: 1,
      start: 0,
      end: 1,
      ...out,
    });
    return out;
  };

  it('sorts release events by (code, date)', () => {
    expect(Array.from(ev.evOffsets)).toEqual([0, 4, 5]);
    expect(Array.from(ev.evLo)).toEqual([10, 20, 30, 40, 20]);
    expect(Array.from(ev.evPerson)).toEqual([0, 1, 2, 0, 2]);
  });

  it('matches the same period only, or within the tolerance, counting a patient once per item', () => {
    const exact = scoreAt(20, 20);
    expect(exact.candidates[0]).toBe(1);
    // One patient scores w, two score 0: eccentricity 1/√(1/3 − 1/9) = 2.12.
    expect(exact.claimed[0]).toBe(1);
    expect(exact.eccentricity[0]).toBeCloseTo(1 / Math.sqrt(1 / 3 - 1 / 9), 12);
    expect(scoreAt(21, 21).candidates[0]).toBe(0);
    // ±10 days around day 20: patients 0 (day 10) and 1, and 2 (day 30): a three-way tie.
    const wide = scoreAt(10, 30);
    expect(wide.candidates[0]).toBe(3);
    expect(wide.claimed[0]).toBe(-1);
    // Days 10 … 45 hold two events of patient 0: it still scores one item, tying with 1 and 2.
    expect(scoreAt(10, 45).eccentricity[0]).toBe(0);
  });
});

describe('sparse linkage on the mini cohort fixture (through the linkage attack)', () => {
  const trialPath = join(ROOT, 'test/fixtures/cohort-mini/trial.yaml');

  it('runs as method `sparse`, writes per-target outcomes and states the attacker model', async () => {
    const ctx = await context(trialPath, { sparseItems: 3, sparsePhi: 1 });
    const o = await linkage.run(ctx);
    const methods = o.details!.methods as Record<string, Record<string, unknown>>;
    expect(methods.sparse).toBeDefined();
    expect(methods.sparse.knownItems).toBe(3);
    expect(o.perTarget!.columns.sparseLinked).toHaveLength(6);
    expect(o.perTarget!.columns.sparseCorrect).toHaveLength(6);
    expect(o.method).toContain('Narayanan–Shmatikov');
    expect(o.metrics.coverage.value).toBeGreaterThanOrEqual(0);
    expect(o.series!.some((s) => s.id === 'sparse-precision-coverage')).toBe(true);
  });

  it('the leak case (release = original) re-identifies every patient of the fixture by its dated events', async () => {
    const dir = tmp('reidgate-sparse-mini-');
    const fx = join(ROOT, 'test/fixtures/cohort-mini/original');
    const table = (name: string, code: string) =>
      `  - {name: ${name}, release: ${fx}/${name}.csv, original: ${fx}/${name}.csv, code: ${code}, date: date, datePrecision: day}`;
    const leak = join(dir, 'leak.yaml');
    writeFileSync(
      leak,
      [
        `release: ${fx}/patients.csv`,
        `original: ${fx}/patients.csv`,
        'key: pid',
        'qi: [sex, {name: birth_ym, kind: date}, pref]',
        'events:',
        table('diagnoses', 'icd10'),
        table('prescriptions', 'drug'),
      ].join('\n'),
    );
    // One known dated event is unique here: one patient scores w > 0, five score 0, so the
    // eccentricity is w/σ = 1/√(1/6 − 1/36) ≈ 2.68 ≥ 1.5 for every target.
    const { s, r } = await sparse(leak, { sparseItems: 1, sparseDates: true, sparseQi: false });
    expect(s.prosecutor!.targets).toBe(6);
    expect(s.prosecutor!.reidentified).toBe(6);
    for (let t = 0; t < 6; t++) expect(r.confidence[t]).toBeCloseTo(1 / Math.sqrt(1 / 6 - 1 / 36), 9);
  });

  it('rejects a share outside [0, 1] naming the option', async () => {
    const ctx = await context(trialPath, { sparseWrong: 1.5 });
    const err = await sparseLinkage(ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReidgateError);
    expect((err as ReidgateError).code).toBe('USAGE');
    expect((err as Error).message).toContain('linkage.sparseWrong');
  });
});

describe('sparse linkage on a generated cohort (2,000 patients)', () => {
  const trials = writeSparseCohort(tmp('reidgate-sparse-'), 2000);

  it('leak: release = original, 3 known codes re-identify almost everyone, precisely', async () => {
    const { s } = await sparse(trials.leak, { sparseItems: 3 });
    const x = s.prosecutor!;
    expect(x.targets).toBe(2000);
    expect(x.rate.value).toBeGreaterThan(0.9);
    expect(x.precision!.value).toBeGreaterThan(0.99);
  });

  it('leak with dated events: 2 known events at day precision re-identify almost everyone', async () => {
    const { s } = await sparse(trials.leak, { sparseItems: 2, sparseDates: true, sparseQi: false });
    expect(s.prosecutor!.rate.value).toBeGreaterThan(0.9);
  });

  it('robust: 5 known codes of which 1 wrong and some forgotten still re-identify most of the weak release', async () => {
    const { s, r } = await sparse(trials.weak, { sparseItems: 5, sparseWrong: 0.2, sparseMissing: 0.1 });
    expect(r.details!.wrongItems).toBeGreaterThan(1900);
    expect(r.details!.forgottenItems).toBeGreaterThan(0);
    expect(s.prosecutor!.rate.value).toBeGreaterThan(0.6);
    expect(s.prosecutor!.precision!.value).toBeGreaterThan(0.95);
  });

  it('strong: truncated codes, suppressed rare codes and coarse demographics re-identify clearly fewer', async () => {
    const opts = { sparseItems: 4 };
    const weak = (await sparse(trials.weak, opts)).s.prosecutor!;
    const strong = (await sparse(trials.strong, opts)).s.prosecutor!;
    expect(strong.rate.value).toBeLessThan(weak.rate.value - 0.3);
    expect(strong.rate.ci[1]).toBeLessThan(weak.rate.ci[0]);
  });

  it('no leak: against a disjoint release every claim is wrong; eccentricity keeps claims rarer, and rare at a strict φ', async () => {
    const { s } = await sparse(trials.disjoint, { sparseItems: 4 });
    expect(s.prosecutor).toBeUndefined();
    const j = s.journalist!;
    expect(j.reidentified).toBe(0);
    expect(j.precision!.value).toBe(0);
    const leak = (await sparse(trials.weak, { sparseItems: 4 })).s.prosecutor!;
    // At φ = 1.5 a coincidental match on one rare code still stands out (measured: 681 of 2,000
    // targets claimed, all wrong); the weak release has every target claimed.
    expect(leak.claims).toBe(2000);
    expect(j.claims).toBeLessThan(leak.claims / 2);
    // A stricter φ separates the two: with demographics the true record stands out far more.
    const strict = { sparseItems: 4, sparsePhi: 10 };
    const jStrict = (await sparse(trials.disjoint, strict)).s.journalist!;
    const leakStrict = (await sparse(trials.weak, strict)).s.prosecutor!;
    expect(jStrict.claims / jStrict.targets).toBeLessThan(0.1);
    expect(leakStrict.rate.value).toBeGreaterThan(0.9);
  });

  it('is deterministic and independent of sharding', async () => {
    const a = await sparse(trials.weak, { sparseItems: 4, sparseWrong: 0.25 });
    const b = await sparse(trials.weak, { sparseItems: 4, sparseWrong: 0.25 }, pool1);
    expect(Array.from(a.r.claimed)).toEqual(Array.from(b.r.claimed));
  });
});

describe('sparse linkage on the bundled synthetic cohort (datasets/cohort, 5,000 patients)', () => {
  const trialsDir = join(ROOT, 'datasets/trials');

  it('re-identifies nearly everyone in the weak release and almost no one in the strong (km-anonymous) one', async () => {
    const opts = { sparseItems: 4 };
    const weak = (await sparse(join(trialsDir, 'cohort-weak.yaml'), opts)).s.prosecutor!;
    const strong = (await sparse(join(trialsDir, 'cohort-strong.yaml'), opts)).s.prosecutor!;
    // Measured: weak 0.994 (precision 1.0), strong 0.006.
    expect(weak.targets).toBe(5000);
    expect(weak.rate.value).toBeGreaterThan(0.95);
    expect(weak.precision!.value).toBeGreaterThan(0.99);
    expect(strong.rate.ci[1]).toBeLessThan(0.05);
  });
});
