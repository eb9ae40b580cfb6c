import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateCohort } from '../../datasets/cohort/generate.js';
import { readReference } from '../../datasets/cohort/population.js';
import { corr, holders, mean, readCsv } from './cohort-helpers.js';

const FILES = ['patients.csv', 'diagnoses.csv', 'prescriptions.csv', 'checkups.csv'];
const tmp = () => mkdtempSync(join(tmpdir(), 'cohort-gen-'));

describe('cohort generator', () => {
  let dir: string;
  let patients: Array<Record<string, string>>;
  let dx: Array<Record<string, string>>;
  let rx: Array<Record<string, string>>;
  let ck: Array<Record<string, string>>;
  beforeAll(async () => {
    dir = tmp();
    await generateCohort({ patients: 4000, seed: 7, out: dir });
    patients = readCsv(dir, 'patients.csv');
    dx = readCsv(dir, 'diagnoses.csv');
    rx = readCsv(dir, 'prescriptions.csv');
    ck = readCsv(dir, 'checkups.csv');
  });

  it('is deterministic: the same seed gives the same bytes, another seed other bytes', async () => {
    const a = tmp();
    const b = tmp();
    const c = tmp();
    await generateCohort({ patients: 300, seed: 3, out: a });
    await generateCohort({ patients: 300, seed: 3, out: b });
    await generateCohort({ patients: 300, seed: 4, out: c });
    for (const f of FILES) {
      expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f).toBe(true);
      expect(readFileSync(join(a, f)).equals(readFileSync(join(c, f))), f).toBe(false);
    }
  });

  it('writes the contract schema (FORMAT.md) with valid values', () => {
    const headers = FILES.map((f) => readFileSync(join(dir, f), 'utf8').split('\n')[0]);
    expect(headers).toEqual([
      'pid,sex,birth_ym,pref,muni',
      'pid,date,icd10',
      'pid,date,drug',
      'pid,date,bmi,sbp,dbp,hba1c',
    ]);
    expect(patients).toHaveLength(4000);
    const munis = new Set(readReference('muni_sex_age5_2015.csv').rows.map((r) => r[0]));
    const bad = (rows: Array<Record<string, string>>, ok: (r: Record<string, string>) => boolean) =>
      rows.filter((r) => !ok(r)).slice(0, 3);
    expect(
      bad(
        patients,
        (p) =>
          /^P\d{7}$/.test(p.pid) &&
          /^[MF]$/.test(p.sex) &&
          /^(18|19|20)\d\d-(0[1-9]|1[0-2])$/.test(p.birth_ym) &&
          /^(0[1-9]|[1-3]\d|4[0-7])$/.test(p.pref) &&
          p.muni.slice(0, 2) === p.pref &&
          munis.has(p.muni),
      ),
    ).toEqual([]);
    const pids = new Set(patients.map((p) => p.pid));
    const dated = (r: Record<string, string>) =>
      pids.has(r.pid) && /^\d{4}-\d\d-\d\d$/.test(r.date) && r.date >= '2019-01-01' && r.date <= '2023-12-31';
    expect(bad(dx, (r) => dated(r) && /^[A-Z]\d\d(\.\d{1,2})?$/.test(r.icd10))).toEqual([]);
    expect(bad(rx, (r) => dated(r) && /^[A-Z]\d\d[A-Z]{1,2}(\d\d)?$/.test(r.drug))).toEqual([]);
    expect(
      bad(
        ck,
        (r) =>
          dated(r) &&
          ['bmi', 'sbp', 'dbp', 'hba1c'].every((c) => /^\d+(\.\d)?$/.test(r[c])) &&
          Number(r.dbp) < Number(r.sbp),
      ),
    ).toEqual([]);
    // every patient of a medical database has at least one diagnosis
    expect(holders(dx, 'pid').size).toBe(4000);
    // events per patient near the benchmark's ~20
    const perPatient = (dx.length + rx.length + ck.length) / 4000;
    expect(perPatient).toBeGreaterThan(15);
    expect(perPatient).toBeLessThan(25);
  });

  it('draws demographics from the census: Tokyo the largest prefecture, women the majority, about 28% aged 65+', () => {
    const byPref = holders(patients, 'pref');
    const top = [...byPref].sort((a, b) => b[1].size - a[1].size)[0][0];
    expect(top).toBe('13');
    const women = patients.filter((p) => p.sex === 'F').length / patients.length;
    expect(women).toBeGreaterThan(0.49);
    expect(women).toBeLessThan(0.54);
    const old = patients.filter((p) => 2019 - Number(p.birth_ym.slice(0, 4)) >= 66).length / patients.length;
    expect(old).toBeGreaterThan(0.22);
    expect(old).toBeLessThan(0.32);
  });

  it('has a skewed prevalence: a few common codes and a long tail of rare DPC codes', () => {
    const h = [...holders(dx, 'icd10')].map(([c, s]) => [c, s.size] as const).sort((a, b) => b[1] - a[1]);
    const total = h.reduce((a, [, n]) => a + n, 0);
    const top10 = h.slice(0, 10).reduce((a, [, n]) => a + n, 0);
    expect(top10 / total).toBeGreaterThan(0.4);
    const codes = new Set(h.map(([c]) => c));
    for (const c of ['I10', 'J06.9', 'E78.5']) expect(codes.has(c)).toBe(true);
    expect(h[0][1] / 4000).toBeGreaterThan(0.2);
    const rare = h.filter(([, n]) => n === 1);
    expect(rare.length).toBeGreaterThan(200);
    const dpc = new Set(readReference('icd10_dpc_codes.csv').rows.map((r) => r[0].slice(0, 5)));
    for (const [c] of rare) expect(dpc.has(c), c).toBe(true);
  });

  it('makes chronic prevalence rise with age (hypertension, type 2 diabetes)', () => {
    const byPid = holders(dx, 'pid');
    const codesOf = new Map<string, Set<string>>();
    for (const r of dx) {
      if (!codesOf.has(r.pid)) codesOf.set(r.pid, new Set());
      codesOf.get(r.pid)!.add(r.icd10.slice(0, 3));
    }
    expect(byPid.size).toBe(4000);
    const share = (code: string, lo: number, hi: number) => {
      const ps = patients.filter((p) => {
        const a = 2019 - Number(p.birth_ym.slice(0, 4));
        return a >= lo && a < hi;
      });
      return ps.filter((p) => codesOf.get(p.pid)?.has(code)).length / ps.length;
    };
    expect(share('I10', 0, 40)).toBeLessThan(0.05);
    expect(share('I10', 65, 120)).toBeGreaterThan(share('I10', 40, 65));
    expect(share('E11', 65, 120)).toBeGreaterThan(2 * share('E11', 0, 50));
  });

  it('links prescriptions to diagnoses: A10 drugs only for diabetics, most diabetics on A10', () => {
    const dxOf = new Map<string, Set<string>>();
    for (const r of dx) {
      if (!dxOf.has(r.pid)) dxOf.set(r.pid, new Set());
      dxOf.get(r.pid)!.add(r.icd10.slice(0, 3));
    }
    const a10 = new Set(rx.filter((r) => r.drug.startsWith('A10')).map((r) => r.pid));
    expect(a10.size).toBeGreaterThan(0);
    for (const p of a10) expect(dxOf.get(p)?.has('E11')).toBe(true);
    const diabetics = [...dxOf].filter(([, s]) => s.has('E11')).map(([p]) => p);
    expect(diabetics.filter((p) => a10.has(p)).length / diabetics.length).toBeGreaterThan(0.7);
    // a prescription's date is a visit's date: every drug row shares its date with a diagnosis row
    const visits = new Set(dx.map((r) => `${r.pid}|${r.date}`));
    expect(rx.every((r) => visits.has(`${r.pid}|${r.date}`))).toBe(true);
  });

  it('correlates checkup values with age, BMI and diagnoses in the expected directions', () => {
    const birth = new Map(patients.map((p) => [p.pid, Number(p.birth_ym.slice(0, 4))]));
    const dm = new Set(dx.filter((r) => r.icd10.startsWith('E11')).map((r) => r.pid));
    const ht = new Set(dx.filter((r) => r.icd10 === 'I10').map((r) => r.pid));
    const age = ck.map((r) => Number(r.date.slice(0, 4)) - birth.get(r.pid)!);
    const num = (c: string) => ck.map((r) => Number(r[c]));
    const [bmi, sbp, dbp, a1c] = ['bmi', 'sbp', 'dbp', 'hba1c'].map(num);
    expect(corr(age, sbp)).toBeGreaterThan(0.3);
    expect(corr(bmi, sbp)).toBeGreaterThan(0.15);
    expect(corr(sbp, dbp)).toBeGreaterThan(0.5);
    expect(corr(bmi, a1c)).toBeGreaterThan(0.1);
    const split = (v: number[], set: Set<string>) => [
      mean(v.filter((_, i) => set.has(ck[i].pid))),
      mean(v.filter((_, i) => !set.has(ck[i].pid))),
    ];
    const [a1cDm, a1cOther] = split(a1c, dm);
    expect(a1cDm - a1cOther).toBeGreaterThan(1);
    const [sbpHt, sbpOther] = split(sbp, ht);
    expect(sbpHt - sbpOther).toBeGreaterThan(10);
    const male = ck.filter((r) => patients[Number(r.pid.slice(1)) - 1].sex === 'M').map((r) => Number(r.bmi));
    const female = ck
      .filter((r) => patients[Number(r.pid.slice(1)) - 1].sex === 'F')
      .map((r) => Number(r.bmi));
    expect(mean(male)).toBeGreaterThan(mean(female));
  });

  it('draws a regional cohort from the given prefectures only, and rejects an unknown prefecture', async () => {
    const d = tmp();
    await generateCohort({ patients: 200, seed: 1, out: d, prefs: ['20', '47'] });
    const prefs = new Set(readCsv(d, 'patients.csv').map((p) => p.pref));
    expect([...prefs].sort()).toEqual(['20', '47']);
    await expect(generateCohort({ patients: 10, seed: 1, out: d, prefs: ['48'] })).rejects.toThrow(
      /unknown prefecture/,
    );
  });
});
