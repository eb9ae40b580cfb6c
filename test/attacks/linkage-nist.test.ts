/**
 * Real-data cases on the NIST CRC releases of the ACS `national2019` excerpt (test/fixtures/nist), with the
 * 10 demographic QIs:
 * - k_anonymity_k_6.csv (sdcMicro local suppression; suppressed records dropped): ground truth by an id
 *   column derived from the in-order copy (see k6SourceRows). Exact linkage's expected success must equal
 *   the mean over targets of 1/|class|, the class being the release rows with the target's values,
 *   computed here independently from the raw strings.
 * - pram_default.csv (sdcMicro PRAM on MSP, RAC1P, OWN_RENT, EDU; row-aligned): probabilistic linkage must
 *   re-identify clearly more than exact linkage (its Wilson interval lies wholly above exact's).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttackOutcome } from '../../attacks/types.js';
import { WorkerPool } from '../../src/pool/pool.js';
import { tmp } from '../cli/helpers.js';
import { readDelimited } from '../fixtures/classes.js';
import {
  k6SourceRows,
  methodFigures,
  NIST,
  NIST_QI,
  NIST_SPECS,
  normalizeNumber,
  runLinkage,
  trial,
  writeCsv,
} from './linkage-helpers.js';

const pool = new WorkerPool(2);
/** Every method's prosecutor rate with its interval, for the log. */
const rates = (o: AttackOutcome) =>
  Object.keys(o.details!.methods as object)
    .map((m) => {
      const r = methodFigures(o, m).reidentificationRate;
      return `${m} ${r.value.toFixed(4)} [${r.ci95.map((x) => x.toFixed(4)).join(', ')}]`;
    })
    .join('; ');
afterAll(() => pool.close());

describe('NIST k=6 release, ground truth by id (all 27,253 national2019 records as targets)', () => {
  let out: AttackOutcome;
  const expected = new Float64Array(27253);
  const classSize = new Float64Array(27253);
  let truthRows: Int32Array;

  beforeAll(async () => {
    const dir = tmp('reidgate-k6-');
    const nat = readDelimited(join(NIST, 'national2019.csv'), ',');
    const k6 = readDelimited(join(NIST, 'k_anonymity_k_6.csv'), ',');
    const source = k6SourceRows();
    const original = writeCsv(
      join(dir, 'original.csv'),
      ['pid', ...nat.header],
      nat.rows.map((r, i) => [`p${i}`, ...r]),
    );
    const release = writeCsv(
      join(dir, 'release.csv'),
      ['pid', ...k6.header],
      k6.rows.map((r, j) => [`p${source[j]}`, ...r]),
    );
    // Independent reference: classes of the release on normalized raw strings.
    const keyOf = (header: string[], row: string[]) =>
      NIST_QI.map((c) => normalizeNumber(row[header.indexOf(c)])).join('|');
    const sizes = new Map<string, number>();
    for (const r of k6.rows) sizes.set(keyOf(k6.header, r), (sizes.get(keyOf(k6.header, r)) ?? 0) + 1);
    const inRelease = new Uint8Array(nat.rows.length);
    for (const i of source) inRelease[i] = 1;
    nat.rows.forEach((r, i) => {
      classSize[i] = sizes.get(keyOf(nat.header, r)) ?? 0;
      expected[i] = inRelease[i] ? 1 / classSize[i] : 0;
    });
    const res = await runLinkage(
      trial({ release, original, qi: NIST_SPECS, id: 'pid', targets: nat.rows.length }),
      pool,
    );
    out = res.outcome;
    truthRows = res.inputs.linkage!.truth;
  }, 180_000);

  it('derives the key: 18,720 release rows, each a distinct national2019 row', () => {
    expect(new Set(k6SourceRows()).size).toBe(18720);
    expect(truthRows.filter((r) => r >= 0).length).toBe(18720);
  });

  it('exact: expected success = mean over targets of 1/|class| (prosecutor), per target and on average', () => {
    const pt = out.perTarget!;
    expect(pt.rows.length).toBe(27253);
    const got = pt.columns.exactExpectedSuccess;
    for (let t = 0; t < pt.rows.length; t++) expect(got[t]).toBeCloseTo(expected[pt.rows[t]], 12);
    let sum = 0;
    for (const i of source()) sum += expected[i];
    const exact = methodFigures(out, 'exact');
    expect(exact.targets).toBe(18720);
    expect(exact.expectedReidentificationRate).toBeCloseTo(sum / 18720, 12);
    expect(out.metrics.expectedReidentificationRate.value).toBeCloseTo(sum / 18720, 12);
    // Confidence is 1/|compatible set|, for members and non-members alike (NaN for an empty set).
    const conf = pt.columns.exactConfidence;
    for (let t = 0; t < pt.rows.length; t += 97) {
      const s = classSize[pt.rows[t]];
      if (s === 0) expect(conf[t]).toBeNaN();
      else expect(conf[t]).toBeCloseTo(1 / s, 12);
    }
  });

  it('reports both settings: 18,720 prosecutor targets, 27,253 journalist targets', () => {
    expect(out.metrics.targets.value).toBe(18720);
    expect(out.metrics.journalistTargets.value).toBe(27253);
    expect(out.metrics.baselineRate.value).toBeCloseTo(1 / 18720, 15);
    expect(out.metrics.journalistBaselineRate.value).toBeCloseTo(18720 / 27253 / 18720, 15);
    const j = methodFigures(out, 'exact', 'journalist');
    const p = methodFigures(out, 'exact');
    expect(j.reidentified).toBe(p.reidentified);
    expect(j.claims).toBeGreaterThanOrEqual(p.claims);
    console.log('NIST k=6:', rates(out));
  });

  function source(): Int32Array {
    return k6SourceRows();
  }
});

describe('NIST PRAM release, row-aligned (10,000 seeded targets)', () => {
  let out: AttackOutcome;
  beforeAll(async () => {
    const release = join(NIST, 'pram_default.csv');
    const original = join(NIST, 'national2019.csv');
    out = (await runLinkage(trial({ release, original, qi: NIST_SPECS, aligned: true }), pool)).outcome;
  }, 180_000);

  it('probabilistic linkage re-identifies clearly more than exact linkage', () => {
    const exact = methodFigures(out, 'exact').reidentificationRate;
    const prob = methodFigures(out, 'probabilistic').reidentificationRate;
    console.log('NIST PRAM:', rates(out));
    expect(prob.ci95[0]).toBeGreaterThan(exact.ci95[1]);
    expect(prob.value - exact.value).toBeGreaterThan(0.05);
  });

  it('the strongest method drives the headline metrics', () => {
    const best = out.details!.strongestMethod as string;
    expect(best).not.toBe('exact');
    const f = methodFigures(out, best);
    expect(out.metrics.reidentificationRate.value).toBe(f.reidentificationRate.value);
    expect(out.metrics.reidentificationRate.ci95).toEqual(f.reidentificationRate.ci95);
    expect(out.metrics.targets.value).toBe(10000);
    expect(out.metrics.journalistTargets).toBeUndefined();
  });
});
