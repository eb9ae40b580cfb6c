/**
 * The person-level attacks end to end on hand-made relational trials whose answers do not depend on
 * which codes the seeded attacker happens to know:
 *
 * patients (sex, birth year, pref) and codes — a F 1950 13 {A01}, b F 1950 13 {B01},
 * c F 1950 13 {C01, D01}, d F 1950 13 {C01, D01}, e M 1950 13 {A01}.
 * code-sets, m = 1: a, b and e are alone with their code in their class; c and d share both codes
 * → 3/5 unique. m = 2: only c and d have two codes, a set of 2 each → 0/2, mean 1/|S| = 0.5.
 * Without demographics (qi=false): a and e share A01 → only b is unique → 1/5.
 * trajectory (dates a A01 2021-01, b B01 2021-01, c and d C01 2021-02 + D01 2021-03, e A01 2021-05),
 * no demographics: k = 1: a, b, e unique → 3/5; k = 2: c, d share their sequences → 0/2.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTrial } from '../../src/run/run-trial.js';
import { resolveTrial } from '../../src/trial/resolve.js';
import { tmp } from '../cli/helpers.js';
import { MINI } from '../relational/helpers.js';

const PATIENTS = 'pid,sex,birth,pref\na,F,1950,13\nb,F,1950,13\nc,F,1950,13\nd,F,1950,13\ne,M,1950,13\n';
const EVENTS =
  'pid,date,icd10\na,2021-01,A01\nb,2021-01,B01\nc,2021-02,C01\nc,2021-03,D01\nd,2021-02,C01\nd,2021-03,D01\ne,2021-05,A01\n';

/**
 * Writes the hand-made trial (release = original unless `releaseOnly`; `releaseEvents` replaces the
 * release's diagnoses) and returns its path.
 */
function handTrial(releaseOnly = false, releaseEvents = EVENTS): string {
  const dir = tmp('reidgate-code-sets-');
  writeFileSync(join(dir, 'patients.csv'), PATIENTS);
  writeFileSync(join(dir, 'diagnoses.csv'), EVENTS);
  writeFileSync(join(dir, 'release-diagnoses.csv'), releaseEvents);
  const original = releaseOnly ? '' : 'original: patients.csv\n';
  const evOriginal = releaseOnly ? '' : '    original: diagnoses.csv\n';
  writeFileSync(
    join(dir, 'trial.yaml'),
    `release: patients.csv\n${original}key: pid\nqi: [sex, birth, pref]\nevents:\n  - name: diagnoses\n    release: release-diagnoses.csv\n${evOriginal}    code: icd10\n    date: date\n    codeSystem: icd10\n    datePrecision: month\nformat: [json]\n`,
  );
  return join(dir, 'trial.yaml');
}

async function run(path: string, flags: Record<string, unknown> = {}) {
  const trial = resolveTrial(path, { workers: '2', ...flags });
  const r = await runTrial(trial);
  return (id: string) => {
    const a = r.report.attacks.find((x) => x.id === id)!;
    expect(a.status, a.reason).toBe('ok');
    return a;
  };
}

describe('code-sets on the hand-made trial', () => {
  it('with demographics: 3/5 unique at m = 1, 0/2 at m = 2', async () => {
    const a = (await run(handTrial(), { attacks: 'code-sets' }))('code-sets');
    expect(a.metrics.uniqueShareM1.value).toBe(3 / 5);
    expect(a.metrics.uniqueShareM1.n).toBe(5);
    expect(a.metrics.uniqueShareM2.value).toBe(0);
    expect(a.metrics.uniqueShareM2.n).toBe(2);
    expect(a.metrics.expectedReidentificationM2.value).toBe(0.5);
    expect(a.metrics.expectedReidentificationM1.value).toBeCloseTo((3 + 0.5 + 0.5) / 5, 12);
    expect(a.metrics.uniqueShareMax.value).toBe(3 / 5);
    // Wilson interval of 3/5 (independently: center (0.6 + z²/10)/(1 + z²/5)).
    const z = 1.959963984540054;
    const center = (0.6 + (z * z) / 10) / (1 + (z * z) / 5);
    const half = (z / (1 + (z * z) / 5)) * Math.sqrt((0.6 * 0.4) / 5 + (z * z) / 100);
    expect(a.metrics.uniqueShareM1.ci95![0]).toBeCloseTo(center - half, 6);
    expect(a.metrics.uniqueShareM1.ci95![1]).toBeCloseTo(center + half, 6);
    expect(a.series[0].id).toBe('unique-by-m');
    expect(a.series[0].points.map((p) => [p.x, p.y])).toEqual([
      [1, 0.6],
      [2, 0],
    ]);
    // Sizes by m: m = 1 → three of size 1, two of size 2; m = 2 → two of size 2.
    expect(a.tables[0].rows[0].slice(0, 5)).toEqual([1, 5, 0, 3, 2]);
    expect(a.tables[0].rows[1].slice(0, 5)).toEqual([2, 2, 0, 0, 2]);
  });

  it('without demographics (qi=false): only b is unique at m = 1', async () => {
    const a = (await run(handTrial(), { attacks: 'code-sets', option: ['code-sets.qi=false'] }))('code-sets');
    expect(a.metrics.uniqueShareM1.value).toBe(1 / 5);
  });

  it('release only (no original): the attacker reads released codes; the same figures', async () => {
    const a = (await run(handTrial(true), { attacks: 'code-sets' }))('code-sets');
    expect(a.details.mode).toBe('release');
    expect(a.metrics.uniqueShareM1.value).toBe(3 / 5);
    expect(a.metrics.uniqueShareM2.value).toBe(0);
  });
});

describe('code-sets reads a suppressed code as possibly any code of its table', () => {
  it("a's A01 suppressed: a stays compatible with itself, and now with B01, C01 and D01 too", async () => {
    const a = (
      await run(handTrial(false, EVENTS.replace('a,2021-01,A01', 'a,2021-01,*')), { attacks: 'code-sets' })
    )('code-sets');
    // a: {a}; e: {e}; b: {a, b}; c and d: {a, c, d} → 2/5 unique, nobody absent.
    expect(a.metrics.uniqueShareM1.value).toBe(2 / 5);
    expect(a.tables[0].rows[0].slice(0, 6)).toEqual([1, 5, 0, 2, 1, 2]);
  });

  it('b suppressed too: a target knowing A01 (a) now has {a, b} compatible; b knowing B01 likewise', async () => {
    const rel = EVENTS.replace('a,2021-01,A01', 'a,2021-01,*').replace('b,2021-01,B01', 'b,2021-01,*');
    const a = (await run(handTrial(false, rel), { attacks: 'code-sets' }))('code-sets');
    // a: {a, b}; b: {a, b}; c, d: 2 each; e: alone in class M → 1/5.
    expect(a.metrics.uniqueShareM1.value).toBe(1 / 5);
  });
});

describe('trajectory on the hand-made trial', () => {
  it('k = 1: 3/5 unique; k = 2: 0/2 (c and d share their sequences)', async () => {
    const a = (await run(handTrial(), { attacks: 'trajectory' }))('trajectory');
    expect(a.metrics.uniqueShareK1.value).toBe(3 / 5);
    expect(a.metrics.uniqueShareK2.value).toBe(0);
    expect(a.metrics.uniqueShareK2.n).toBe(2);
    expect(a.series[0].id).toBe('unique-by-k');
  });
});

describe('rare-values on the mini cohort', () => {
  it('N = 2: three codes held by one patient (J45, C34, L01XE03), one BMI above its bound, no rare pairs', async () => {
    const get = await run(join(MINI, 'trial.yaml'), {
      attacks: 'rare-values',
      option: ['rare-values.n=2'],
      out: tmp(),
    });
    const a = get('rare-values');
    expect(a.metrics.rareCodes.value).toBe(3);
    expect(a.metrics.rareExtremeValues.value).toBe(1);
    expect(a.metrics.rareCodePairs.value).toBe(0);
    expect(a.metrics.rareAges.value).toBe(0);
    expect(a.metrics.rareValues.value).toBe(4);
    expect(a.metrics.patientsWithRareCodes.value).toBe(2);
  });

  it('reference year 2055: the three patients born in 1950 are 105, a birth value held by fewer than 10', async () => {
    const get = await run(join(MINI, 'trial.yaml'), {
      attacks: 'rare-values',
      option: ['rare-values.referenceYear=2055'],
      out: tmp(),
    });
    expect(get('rare-values').metrics.rareAges.value).toBe(1);
  });
});

describe('the jp-medical preset on the mini cohort', () => {
  it('fails: rare values exist and code-set uniqueness at m = 2 is far above 5%', async () => {
    const trial = resolveTrial(join(MINI, 'trial.yaml'), { workers: '2', preset: 'jp-medical', out: tmp() });
    const r = await runTrial(trial);
    expect(r.report.verdict).toBe('fail');
    const checks = r.report.checks.filter((c) => c.attack === 'rare-values' || c.attack === 'code-sets');
    expect(checks.map((c) => [c.attack, c.metric, c.passed]).sort()).toEqual([
      ['code-sets', 'uniqueShareM2', false],
      ['rare-values', 'rareValues', false],
    ]);
  });
});
