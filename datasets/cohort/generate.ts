/**
 * @module datasets/cohort/generate — a seeded generator of a synthetic Japanese-style medical cohort:
 * `patients.csv`, `diagnoses.csv`, `prescriptions.csv` and `checkups.csv` (format: FORMAT.md; assumptions:
 * README.md).
 *
 * Each person is drawn independently from one seeded stream (mulberry32 from src/stats), so the output is a pure
 * function of (patients, seed). Rows are written patient by patient through buffered streams, so memory stays
 * bounded whatever the size (1M patients × ~20 events is a benchmark size).
 *
 * Usage: `npm run cohort -- --patients 10000 --seed 1 --out DIR` (or `npx tsx datasets/cohort/generate.ts …`).
 */
import { once } from 'node:events';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { deriveSeed, rng } from '../../src/stats/random.js';
import { ACUTE, AGE_KNOTS, CHRONIC, TAIL_DRUGS } from './conditions.js';
import {
  Categorical,
  type Demography,
  hashString,
  interpolate,
  loadDemography,
  normal,
  pickMuni,
  poisson,
  readReference,
} from './population.js';

/** First day of the observation window (UTC) and its length in days (2019-01-01 … 2023-12-31). */
export const WINDOW_START = Date.UTC(2019, 0, 1);
export const WINDOW_DAYS = 1826;
/** Ages are those on the window's first day; the age structure is the 2015 Census's (see README). */
const BIRTH_REFERENCE_YEAR = 2018;

/** Options of one generation run. */
export interface CohortOptions {
  patients: number;
  seed: number;
  out: string;
  /** Prefecture codes of a regional cohort (default: all of Japan). */
  prefs?: string[];
}

/** Row counts written per file. */
export interface CohortCounts {
  patients: number;
  diagnoses: number;
  prescriptions: number;
  checkups: number;
}

/** File names and headers (the contract of FORMAT.md). */
export const COHORT_FILES = {
  patients: 'pid,sex,birth_ym,pref,muni',
  diagnoses: 'pid,date,icd10',
  prescriptions: 'pid,date,drug',
  checkups: 'pid,date,bmi,sbp,dbp,hba1c',
} as const;

/** A write stream with a string buffer and back-pressure (also used by claims.ts). */
export class Sink {
  private buf = '';
  rows = 0;
  private readonly stream: WriteStream;
  constructor(
    readonly path: string,
    header: string,
  ) {
    this.stream = createWriteStream(path);
    this.buf = `${header}\n`;
  }
  /** Appends `n` lines of text; returns a promise only when the stream must drain. */
  add(text: string, n: number): Promise<unknown> | null {
    this.buf += text;
    this.rows += n;
    if (this.buf.length < 1 << 20) return null;
    const ok = this.stream.write(this.buf);
    this.buf = '';
    return ok ? null : once(this.stream, 'drain');
  }
  async close(): Promise<void> {
    this.stream.end(this.buf);
    this.buf = '';
    await once(this.stream, 'finish');
  }
}

/** Formats a patient's sorted, de-duplicated [day, text] rows as CSV lines. */
function lines(pid: string, rows: Array<[number, string]>): [string, number] {
  let text = '';
  const sorted = sortedUnique(rows);
  for (const [d, c] of sorted) text += `${pid},${DATES[d]},${c}\n`;
  return [text, sorted.length];
}

/** ISO dates of the window's days (index = day since WINDOW_START). */
export const DATES: string[] = Array.from({ length: WINDOW_DAYS }, (_, d) =>
  new Date(WINDOW_START + d * 86_400_000).toISOString().slice(0, 10),
);
const monthOf = (day: number) => Number(DATES[day].slice(5, 7));

/** The rarer-diagnosis tail: DPC ICD-10 codes (4-character level) outside the common categories. */
function loadTail(): Categorical<string> {
  const common = new Set<string>();
  for (const c of CHRONIC) for (const [code] of c.codes) common.add(code.slice(0, 3));
  for (const a of ACUTE) common.add(a.code.slice(0, 3));
  const codes = new Set<string>();
  for (const [code] of readReference('icd10_dpc_codes.csv').rows) {
    if (!common.has(code.slice(0, 3))) codes.add(code.slice(0, 5));
  }
  // A fixed (seed-free) ranking by hash, then Zipf-like weights 1/(rank+2): the same codes are rare in every cohort.
  const ranked = [...codes].sort((a, b) => hashString(a) - hashString(b) || (a < b ? -1 : 1));
  return new Categorical(
    ranked,
    ranked.map((_, r) => 1 / (r + 2)),
  );
}

/** Whether a tail code fits a person's sex and age (pregnancy, perinatal and sex-specific organs). */
function eligible(code: string, sex: 'M' | 'F', age: number): boolean {
  const ch = code[0];
  const n = Number(code.slice(1, 3));
  if (ch === 'O') return sex === 'F' && age >= 15 && age < 50;
  if (ch === 'P') return age < 2;
  const female =
    (ch === 'C' && n >= 51 && n <= 58) || (ch === 'N' && n >= 70) || (ch === 'D' && n >= 25 && n <= 28);
  const male = (ch === 'C' && n >= 60 && n <= 63) || (ch === 'N' && n >= 40 && n <= 51);
  if (female) return sex === 'F';
  if (male) return sex === 'M';
  return true;
}

const BMI_MALE = [16, 22, 23.5, 24, 24, 23.8, 23.4, 22.8, 22];
const BMI_FEMALE = [16, 20.8, 21.3, 22, 22.6, 22.8, 23, 22.6, 21.8];
const CHECKUP_MONTHS = new Categorical(
  [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
  [0.3, 0.3, 0.3, 0.5, 1, 1.5, 1.5, 1, 1.5, 1.5, 1.5, 0.7],
);

/** Acute samplers per sex and age group (child, adult, 65+). */
function acuteSamplers(): Categorical<number>[] {
  const out: Categorical<number>[] = [];
  for (const sex of ['M', 'F'])
    for (let g = 0; g < 3; g++) {
      out.push(
        new Categorical(
          ACUTE.map((_, i) => i),
          ACUTE.map((a) => a.weights[g] * (sex === 'F' ? (a.female ?? 1) : 1)),
        ),
      );
    }
  return out;
}

const logit = (p: number) => Math.log(p / (1 - p));
const logistic = (x: number) => 1 / (1 + Math.exp(-x));
const round1 = (x: number) => (Math.round(x * 10) / 10).toFixed(1);
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** Shared, read-only samplers. */
export interface Model {
  demography: Demography;
  tail: Categorical<string>;
  acute: Categorical<number>[];
  chronicCodes: Categorical<string>[];
  chronicDrugs: Categorical<string>[];
  acuteDrugs: Categorical<string>[];
}

/** The samplers of a cohort (all of Japan, or the given prefectures). */
export function loadModel(prefs?: string[]): Model {
  return {
    demography: loadDemography(prefs),
    tail: loadTail(),
    acute: acuteSamplers(),
    chronicCodes: CHRONIC.map(
      (c) =>
        new Categorical(
          c.codes.map((x) => x[0]),
          c.codes.map((x) => x[1]),
        ),
    ),
    chronicDrugs: CHRONIC.map(
      (c) =>
        new Categorical(
          c.drugs.map((x) => x[0]),
          c.drugs.map((x) => x[1]),
        ),
    ),
    acuteDrugs: ACUTE.map(
      (a) =>
        new Categorical(
          a.drugs.map((x) => x[0]),
          a.drugs.map((x) => x[1]),
        ),
    ),
  };
}

/** One patient's rows before formatting: [day, code] events and checkups. */
export interface PatientRows {
  line: string;
  dx: Array<[number, string]>;
  rx: Array<[number, string]>;
  ck: Array<[number, string]>;
}

/** Draws one patient (demographics, conditions, visits, prescriptions, checkups). */
export function drawPatient(pid: string, m: Model, random: () => number): PatientRows {
  const cell = m.demography.cells.pick(random());
  const muni = pickMuni(m.demography, cell, random());
  const age0 =
    cell.band < 20
      ? cell.band * 5 + Math.floor(random() * 5)
      : 100 + Math.min(10, Math.floor(-Math.log(1 - random()) * 2.5));
  const birthMonth = 1 + Math.floor(random() * 12);
  const line = `${pid},${cell.sex},${BIRTH_REFERENCE_YEAR - age0}-${String(birthMonth).padStart(2, '0')},${cell.pref},${muni}\n`;
  const male = cell.sex === 'M';
  const midAge = age0 + 2.5;
  const z = normal(random); // latent metabolic risk
  const dx: Array<[number, string]> = [];
  const rx: Array<[number, string]> = [];
  const uniformDay = () => Math.floor(random() * WINDOW_DAYS);

  // Chronic conditions: prevalence by sex and age, shifted by the metabolic factor.
  const active: Array<{ i: number; code: string; onset: number; drugs: string[] }> = [];
  for (let i = 0; i < CHRONIC.length; i++) {
    const c = CHRONIC[i];
    const p = interpolate(AGE_KNOTS, male ? c.male : c.female, midAge);
    if (p <= 0) continue;
    const q =
      c.metabolic === 0
        ? p
        : logistic(logit(Math.min(p, 0.999)) + c.metabolic * z - (c.metabolic * c.metabolic) / 2);
    if (random() >= q) continue;
    const onset = random() < 0.75 ? 0 : uniformDay();
    const drugs: string[] = [];
    if (random() < c.treated) {
      drugs.push(m.chronicDrugs[i].pick(random()));
      if (random() < 0.3) {
        const second = m.chronicDrugs[i].pick(random());
        if (second !== drugs[0]) drugs.push(second);
      }
    }
    active.push({ i, code: m.chronicCodes[i].pick(random()), onset, drugs });
  }
  const regular = active.filter((a) => !CHRONIC[a.i].season);
  if (regular.length > 0) {
    const first = Math.min(...regular.map((a) => a.onset));
    const days = new Set<number>(regular.filter((a) => a.onset > 0).map((a) => a.onset));
    const nVisits = 1 + poisson(2.8 + 1.5 * (regular.length - 1), random);
    for (let v = 0; v < nVisits; v++) days.add(first + Math.floor(random() * (WINDOW_DAYS - first)));
    for (const day of days) {
      const here = regular.filter((a) => a.onset <= day);
      let recorded = here.filter((a) => a.onset === day || random() < 0.85);
      if (recorded.length === 0) recorded = here.slice(0, 1);
      for (const a of recorded) {
        // A diabetic with a complication code is sometimes recorded as E11.9 on a visit.
        dx.push([day, a.code.startsWith('E11.') && a.code !== 'E11.9' && random() < 0.3 ? 'E11.9' : a.code]);
        for (const d of a.drugs) if (random() < 0.95) rx.push([day, d]);
      }
    }
  }
  // Seasonal chronic conditions (pollinosis): a visit in some seasons, in one of the season's months.
  for (const a of active.filter((x) => CHRONIC[x.i].season)) {
    const months = CHRONIC[a.i].season!;
    let any = false;
    for (let y = 0; y < 5; y++) {
      if (random() >= 0.5 && !(y === 4 && !any)) continue;
      any = true;
      const month = months[Math.floor(random() * months.length)];
      const day = Math.round(
        (Date.UTC(2019 + y, month - 1, 1 + Math.floor(random() * 28)) - WINDOW_START) / 86_400_000,
      );
      dx.push([day, a.code]);
      for (const d of a.drugs) rx.push([day, d]);
    }
  }
  // Acute episodes: one visit each.
  const group = age0 < 15 ? 0 : age0 < 65 ? 1 : 2;
  const lambdaAcute = age0 < 6 ? 6 : age0 < 15 ? 4 : age0 < 65 ? 1.8 : 2.2;
  let nAcute = poisson(lambdaAcute, random);
  // Every patient of a medical database has at least one record.
  if (nAcute === 0 && active.length === 0) nAcute = 1;
  for (let e = 0; e < nAcute; e++) {
    const a = ACUTE[m.acute[(male ? 0 : 3) + group].pick(random())];
    let day = (a.fromDay ?? 0) + Math.floor(random() * (WINDOW_DAYS - (a.fromDay ?? 0)));
    for (let t = 0; t < 20 && a.season && !a.season.includes(monthOf(day)); t++) day = uniformDay();
    dx.push([day, a.code]);
    if (random() < a.treated) {
      const idx = ACUTE.indexOf(a);
      rx.push([day, m.acuteDrugs[idx].pick(random())]);
      if (random() < 0.3) rx.push([day, m.acuteDrugs[idx].pick(random())]);
    }
  }
  // The long tail: rarer diagnoses from the DPC code list, each with a few visits and a code-specific drug.
  const nRare = poisson(0.08 + (0.5 * Math.min(midAge, 90)) / 90, random);
  for (let r = 0; r < nRare; r++) {
    let code = m.tail.pick(random());
    for (let t = 0; t < 10 && !eligible(code, cell.sex, age0); t++) code = m.tail.pick(random());
    if (!eligible(code, cell.sex, age0)) continue;
    const h = hashString(code);
    const list = TAIL_DRUGS[code[0]] ?? [];
    const drug = h % 10 < 5 && list.length > 0 ? list[(h >>> 4) % list.length] : null;
    const nv = 1 + poisson(1.5, random);
    const start = uniformDay();
    for (let v = 0; v < nv; v++) {
      const day = v === 0 ? start : start + Math.floor(random() * (WINDOW_DAYS - start));
      dx.push([day, code]);
      if (drug) rx.push([day, drug]);
    }
  }
  return { line, dx, rx, ck: drawCheckups(cell.sex, age0, z, active, random) };
}

/** Annual checkups (ages 20+): BMI, blood pressure and HbA1c correlated with age, sex and conditions. */
function drawCheckups(
  sex: 'M' | 'F',
  age0: number,
  z: number,
  active: Array<{ i: number; onset: number }>,
  random: () => number,
): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  const male = sex === 'M';
  const bmiBase =
    interpolate(AGE_KNOTS, male ? BMI_MALE : BMI_FEMALE, age0) + 3 * (0.7 * z + 0.71 * normal(random));
  const onsetOf = (name: string) => {
    const i = CHRONIC.findIndex((c) => c.name === name);
    const a = active.find((x) => x.i === i);
    return a ? a.onset : Number.POSITIVE_INFINITY;
  };
  const htOnset = onsetOf('hypertension');
  const dmOnset = onsetOf('type 2 diabetes');
  const base = age0 >= 40 && age0 < 75 ? 0.55 : age0 >= 75 ? 0.3 : 0.45;
  const propensity = clamp(base + 0.35 * normal(random), 0, 1);
  for (let y = 0; y < 5; y++) {
    const age = age0 + y;
    if (age < 20 || random() >= propensity) continue;
    const month = CHECKUP_MONTHS.pick(random());
    const day = Math.round(
      (Date.UTC(2019 + y, month - 1, 1 + Math.floor(random() * 28)) - WINDOW_START) / 86_400_000,
    );
    const bmi = clamp(bmiBase + 0.3 * normal(random), 13, 60);
    const ht = day >= htOnset;
    const dm = day >= dmOnset;
    const sbp = clamp(
      Math.round(98 + 0.45 * age + (male ? 5 : 0) + 1.2 * (bmi - 22) + (ht ? 10 : 0) + 11 * normal(random)),
      80,
      230,
    );
    const dbp = clamp(
      Math.round(
        0.5 * sbp + 8 + (male ? 4 : 0) - 0.1 * Math.max(0, age - 60) + 0.3 * (bmi - 22) + 6 * normal(random),
      ),
      40,
      sbp - 15,
    );
    const hba1c = dm
      ? clamp(7.0 + 0.9 * normal(random), 5.8, 15)
      : clamp(5.3 + 0.006 * (age - 40) + 0.05 * (bmi - 22) + 0.12 * z + 0.25 * normal(random), 4, 7.5);
    out.push([day, `${round1(bmi)},${sbp},${dbp},${round1(hba1c)}`]);
  }
  return out;
}

/** Sorts [day, text] rows by day then text and drops exact duplicates. */
export function sortedUnique<T extends [number, string]>(rows: T[]): T[] {
  rows.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return rows.filter((r, i) => i === 0 || r[0] !== rows[i - 1][0] || r[1] !== rows[i - 1][1]);
}

/**
 * Generates a cohort into `opts.out` (created if missing): the four CSV files of FORMAT.md.
 * @returns the number of rows written per file
 */
export async function generateCohort(opts: CohortOptions): Promise<CohortCounts> {
  if (!Number.isInteger(opts.patients) || opts.patients < 1)
    throw new Error(`--patients: expected a positive integer, got ${opts.patients}`);
  mkdirSync(opts.out, { recursive: true });
  const model = loadModel(opts.prefs);
  const random = rng(deriveSeed(opts.seed, 'cohort'));
  const sinks = {
    patients: new Sink(join(opts.out, 'patients.csv'), COHORT_FILES.patients),
    diagnoses: new Sink(join(opts.out, 'diagnoses.csv'), COHORT_FILES.diagnoses),
    prescriptions: new Sink(join(opts.out, 'prescriptions.csv'), COHORT_FILES.prescriptions),
    checkups: new Sink(join(opts.out, 'checkups.csv'), COHORT_FILES.checkups),
  };
  const width = Math.max(7, String(opts.patients).length);
  for (let i = 0; i < opts.patients; i++) {
    const pid = `P${String(i + 1).padStart(width, '0')}`;
    const p = drawPatient(pid, model, random);
    const waits = [
      sinks.patients.add(p.line, 1),
      sinks.diagnoses.add(...lines(pid, p.dx)),
      sinks.prescriptions.add(...lines(pid, p.rx)),
      sinks.checkups.add(...lines(pid, p.ck)),
    ];
    for (const w of waits) if (w) await w;
  }
  for (const s of Object.values(sinks)) await s.close();
  return {
    patients: sinks.patients.rows,
    diagnoses: sinks.diagnoses.rows,
    prescriptions: sinks.prescriptions.rows,
    checkups: sinks.checkups.rows,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      patients: { type: 'string', default: '10000' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string', default: 'cohort-out' },
      prefs: { type: 'string' },
    },
  });
  const counts = await generateCohort({
    patients: Number(values.patients),
    seed: Number(values.seed),
    out: values.out!,
    prefs: values.prefs?.split(',').map((p) => p.trim().padStart(2, '0')),
  });
  console.log(JSON.stringify(counts));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(2);
  });
}
