/**
 * @module datasets/cohort/anonymize — makes a candidate release of a cohort (FORMAT.md) by declared rules,
 * and writes the rules it applied, with what they suppressed, to `rules.yaml` beside the release.
 *
 * Two rule sets are built in: `strong` (5-year birth-year bands with top-coding, prefecture only, local
 * suppression to k = 5 on (sex, birth band, prefecture), ICD-10 at 3 characters, drugs at ATC level 4, dates to
 * the month, codes held by fewer than 10 patients suppressed, duplicates removed, checkup values rounded and
 * top/bottom-coded) and `weak` (everything exact: birth year-month, municipality, full codes, exact dates; only
 * the rows are shuffled). Every release's rows are shuffled with a seeded uniform shuffle; the person key `pid`
 * is kept (it is the trial's ground truth).
 *
 * Event rows must be grouped by pid (as the generator writes them): patients per code are counted by runs.
 *
 * Usage: `npx tsx datasets/cohort/anonymize.ts --original DIR --out DIR --rules strong|strong-year|weak|FILE [--seed 1]`.
 */
import { createReadStream, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse, stringify } from 'yaml';
import { deriveSeed, rng } from '../../src/stats/random.js';
import { COHORT_FILES } from './generate.js';
import { kmSuppress } from './km.js';
import { LineShuffler } from './shuffle.js';

/** The suppression token. */
export const SUPPRESSED = '*';

/** Rounding and top/bottom coding of one numeric column. */
export interface ValueRule {
  /** Round to a multiple of this step (e.g. 1, 5, 0.5). */
  step: number;
  /** Values below min become min, above max become max (applied before rounding). */
  min: number;
  max: number;
}

/** Rules of one event table. */
export interface EventRules {
  /** Date precision kept: `day` (YYYY-MM-DD), `month` (YYYY-MM) or `year` (YYYY). */
  date: 'day' | 'month' | 'year';
  /** For code tables: characters kept of the code (dot excluded; null = full code). */
  codeLength?: number | null;
  /** Codes (after truncation) held by fewer patients than this become `*` (0 = none). */
  minPatients?: number;
  /**
   * km-anonymity by local suppression (Terrovitis et al., VLDB 2008): within each released demographic class
   * (sex, birth_ym, pref), every single code and every pair of codes of a patient must be held by at least k
   * patients of the class; otherwise the patient's rarer code is suppressed (`*`), repeated until no violation
   * remains; `minPatients` is re-enforced in the same loop. Null = not applied.
   */
  km?: { k: number; m: 1 | 2 } | null;
  /** Remove rows identical after generalization (within a patient). */
  deduplicate: boolean;
  /** For checkups: numeric columns' rounding and coding (absent = exact). */
  values?: Record<string, ValueRule>;
}

/** A full rule set. */
export interface ReleaseRules {
  name: string;
  description: string;
  patients: {
    /** `month`: YYYY-MM as is; `year`: YYYY; `band5`: 5-year birth-year band `1950-1954`. */
    birth: 'month' | 'year' | 'band5';
    /** Birth years up to this one are released as `<=YEAR` (null = no top-coding). */
    birthTopCode: number | null;
    /** `muni`: municipality kept; `pref`: muni column kept with every value `*`. */
    geography: 'muni' | 'pref';
    /** Local suppression so that every (sex, birth_ym, pref) class has >= k patients (0 = none). */
    k: number;
  };
  diagnoses: EventRules;
  prescriptions: EventRules;
  checkups: EventRules;
}

/** The strong rule set (see the module comment and README.md). */
export const STRONG: ReleaseRules = {
  name: 'strong',
  description:
    'Birth year in 5-year bands (<=1934 top-coded), prefecture only, k=5 local suppression on (sex, birth band, ' +
    'prefecture), ICD-10 at 3 characters, ATC at level 4 (5 characters), dates to the month, codes held by fewer ' +
    'than 10 patients suppressed, duplicate rows removed, checkup values rounded and top/bottom-coded.',
  patients: { birth: 'band5', birthTopCode: 1934, geography: 'pref', k: 5 },
  diagnoses: { date: 'month', codeLength: 3, minPatients: 10, km: { k: 5, m: 2 }, deduplicate: true },
  prescriptions: { date: 'month', codeLength: 5, minPatients: 10, km: { k: 5, m: 2 }, deduplicate: true },
  checkups: {
    date: 'month',
    deduplicate: false,
    values: {
      bmi: { step: 1, min: 16, max: 35 },
      sbp: { step: 5, min: 90, max: 180 },
      dbp: { step: 5, min: 50, max: 110 },
      hba1c: { step: 0.5, min: 4.5, max: 9 },
    },
  },
};

/**
 * The strong rule set with every date at year precision: a trajectory attack (de Montjoye et al. 2013) that knows
 * two dated events singles out far fewer patients than at month precision (see README.md). Not bundled.
 */
export const STRONG_YEAR: ReleaseRules = {
  ...STRONG,
  name: 'strong-year',
  description: `${STRONG.description} Dates to the year instead of the month.`,
  diagnoses: { ...STRONG.diagnoses, date: 'year' },
  prescriptions: { ...STRONG.prescriptions, date: 'year' },
  checkups: { ...STRONG.checkups, date: 'year' },
};

/** The deliberately weak rule set: only the row order changes. */
export const WEAK: ReleaseRules = {
  name: 'weak',
  description:
    'Deliberately weak: birth year-month, municipality, full ICD-10 and ATC codes, exact dates and exact checkup ' +
    'values; rows shuffled.',
  patients: { birth: 'month', birthTopCode: null, geography: 'muni', k: 0 },
  diagnoses: { date: 'day', codeLength: null, minPatients: 0, deduplicate: false },
  prescriptions: { date: 'day', codeLength: null, minPatients: 0, deduplicate: false },
  checkups: { date: 'day', deduplicate: false },
};

/** What a release run suppressed or removed (written into rules.yaml). */
export interface ReleaseSummary {
  rows: Record<string, number>;
  suppressed: Record<string, number>;
  duplicatesRemoved: Record<string, number>;
}

const dateAt = (d: string, p: EventRules['date']) =>
  p === 'day' ? d : p === 'month' ? d.slice(0, 7) : d.slice(0, 4);

/** Truncates a code to n characters not counting its dot (`E11.9`, 3 → `E11`; `A10BA02`, 5 → `A10BA`). */
export function truncateCode(code: string, n: number | null | undefined): string {
  if (n == null) return code;
  const plain = code.replace('.', '');
  if (plain.length <= n) return code;
  const cut = plain.slice(0, n);
  return code.includes('.') && n > 3 ? `${cut.slice(0, 3)}.${cut.slice(3)}` : cut;
}

/** Rounds and codes one numeric value by a rule; the text keeps the step's decimals. */
export function codeValue(text: string, r: ValueRule): string {
  const v = Math.min(r.max, Math.max(r.min, Number(text)));
  const decimals = r.step < 1 ? String(r.step).split('.')[1].length : 0;
  return (Math.round(v / r.step) * r.step).toFixed(decimals);
}

/** Generalizes a birth year-month. */
function birthAt(ym: string, rules: ReleaseRules['patients']): string {
  const y = Number(ym.slice(0, 4));
  if (rules.birthTopCode != null && y <= rules.birthTopCode) return `<=${rules.birthTopCode}`;
  if (rules.birth === 'month') return ym;
  if (rules.birth === 'year') return String(y);
  const lo = Math.floor(y / 5) * 5;
  return `${lo}-${lo + 4}`;
}

/** Reads lines of a CSV after its header; checks the header. */
async function* csvLines(path: string, header: string): AsyncGenerator<string[]> {
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  let first = true;
  for await (const line of rl) {
    if (first) {
      if (line !== header) throw new Error(`${path}: expected header "${header}", got "${line}"`);
      first = false;
      continue;
    }
    if (line !== '') yield line.split(',');
  }
}

const bucketsFor = (path: string) => Math.max(1, Math.ceil(statSync(path).size / 2 ** 27));

/** Applies k-anonymity local suppression on (sex, birth, pref): pref, then birth, then sex become `*`. */
function localSuppression(rows: string[][], k: number): number {
  if (k <= 1) return 0;
  let suppressed = 0;
  for (const col of [3, 2, 1]) {
    const counts = new Map<string, number>();
    const key = (r: string[]) => `${r[1]}|${r[2]}|${r[3]}`;
    for (const r of rows) counts.set(key(r), (counts.get(key(r)) ?? 0) + 1);
    for (const r of rows) {
      if ((counts.get(key(r)) ?? 0) < k && r[col] !== SUPPRESSED) {
        r[col] = SUPPRESSED;
        suppressed++;
      }
    }
  }
  return suppressed;
}

/** Patients per generalized code, counted over pid runs (rows must be grouped by pid). */
async function patientsPerCode(
  path: string,
  header: string,
  col: number,
  rules: EventRules,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const last = new Map<string, string>();
  const done = new Set<string>();
  let current = '';
  for await (const r of csvLines(path, header)) {
    if (r[0] !== current) {
      if (done.has(r[0])) throw new Error(`${path}: rows are not grouped by pid (${r[0]} reappears)`);
      done.add(current);
      current = r[0];
    }
    const code = truncateCode(r[col], rules.codeLength);
    if (last.get(code) !== r[0]) {
      last.set(code, r[0]);
      counts.set(code, (counts.get(code) ?? 0) + 1);
    }
  }
  return counts;
}

/**
 * Runs km-anonymity over a code table's generalized codes (after the minPatients suppression).
 * @returns per pid the set of codes to suppress
 */
async function kmPlan(
  path: string,
  header: string,
  rules: EventRules,
  counts: Map<string, number> | null,
  classOf: Map<string, number>,
): Promise<Map<string, Set<string>>> {
  const pids: string[] = [];
  const index = new Map<string, number>();
  const codeIds = new Map<string, number>();
  const sets: Set<number>[] = [];
  for await (const r of csvLines(path, header)) {
    const code = truncateCode(r[2], rules.codeLength);
    if (counts && (counts.get(code) ?? 0) < rules.minPatients!) continue;
    let p = index.get(r[0]);
    if (p === undefined) {
      p = pids.length;
      index.set(r[0], p);
      pids.push(r[0]);
      sets.push(new Set());
    }
    let c = codeIds.get(code);
    if (c === undefined) {
      c = codeIds.size;
      codeIds.set(code, c);
    }
    sets[p].add(c);
  }
  const classes = Int32Array.from(pids, (pid) => {
    const c = classOf.get(pid);
    if (c === undefined) throw new Error(`${path}: pid ${pid} is not in patients.csv`);
    return c;
  });
  const codes = [...codeIds.keys()];
  const removed = kmSuppress(
    classes,
    sets.map((s) => Int32Array.from(s)),
    codes.length,
    rules.km!.k,
    rules.km!.m,
    rules.minPatients ?? 0,
  );
  const plan = new Map<string, Set<string>>();
  removed.forEach((s, p) => {
    if (s.size > 0) plan.set(pids[p], new Set([...s].map((c) => codes[c])));
  });
  return plan;
}

/** Writes one generalized event table; returns rows written, values suppressed and duplicates removed. */
async function releaseEvents(
  table: 'diagnoses' | 'prescriptions' | 'checkups',
  original: string,
  out: string,
  rules: EventRules,
  random: () => number,
  classOf: Map<string, number>,
): Promise<[number, number, number]> {
  const header = COHORT_FILES[table];
  const path = join(original, `${table}.csv`);
  const codeCol = table === 'checkups' ? -1 : 2;
  const counts =
    codeCol > 0 && (rules.minPatients ?? 0) > 0 ? await patientsPerCode(path, header, codeCol, rules) : null;
  const km = codeCol > 0 && rules.km ? await kmPlan(path, header, rules, counts, classOf) : null;
  const names = header.split(',');
  const shuffler = new LineShuffler(bucketsFor(path), random);
  let suppressed = 0;
  let duplicates = 0;
  let current = '';
  let seen = new Set<string>();
  for await (const r of csvLines(path, header)) {
    r[1] = dateAt(r[1], rules.date);
    if (codeCol > 0) {
      r[codeCol] = truncateCode(r[codeCol], rules.codeLength);
      if ((counts && (counts.get(r[codeCol]) ?? 0) < rules.minPatients!) || km?.get(r[0])?.has(r[codeCol])) {
        r[codeCol] = SUPPRESSED;
        suppressed++;
      }
    }
    if (rules.values) {
      for (let c = 2; c < r.length; c++) {
        const vr = rules.values[names[c]];
        if (vr) r[c] = codeValue(r[c], vr);
      }
    }
    const line = r.join(',');
    if (rules.deduplicate) {
      if (r[0] !== current) {
        current = r[0];
        seen = new Set();
      }
      if (seen.has(line)) {
        duplicates++;
        continue;
      }
      seen.add(line);
    }
    await shuffler.add(line);
  }
  const n = await shuffler.write(join(out, `${table}.csv`), header);
  return [n, suppressed, duplicates];
}

/**
 * Makes a release of the cohort in `original` into `out` by `rules`; writes `out/rules.yaml`.
 * @returns what was written and suppressed
 */
export async function anonymizeCohort(
  original: string,
  out: string,
  rules: ReleaseRules,
  seed: number,
): Promise<ReleaseSummary> {
  mkdirSync(out, { recursive: true });
  const random = rng(deriveSeed(seed, `release:${rules.name}`));
  const summary: ReleaseSummary = { rows: {}, suppressed: {}, duplicatesRemoved: {} };

  const patients: string[][] = [];
  for await (const r of csvLines(join(original, 'patients.csv'), COHORT_FILES.patients)) {
    r[2] = birthAt(r[2], rules.patients);
    if (rules.patients.geography === 'pref') r[4] = SUPPRESSED;
    patients.push(r);
  }
  summary.suppressed.patients = localSuppression(patients, rules.patients.k);
  const classIds = new Map<string, number>();
  const classOf = new Map<string, number>();
  for (const r of patients) {
    const key = `${r[1]}|${r[2]}|${r[3]}`;
    if (!classIds.has(key)) classIds.set(key, classIds.size);
    classOf.set(r[0], classIds.get(key)!);
  }
  const ps = new LineShuffler(1, random);
  for (const r of patients) await ps.add(r.join(','));
  summary.rows.patients = await ps.write(join(out, 'patients.csv'), COHORT_FILES.patients);

  for (const table of ['diagnoses', 'prescriptions', 'checkups'] as const) {
    const [n, s, d] = await releaseEvents(table, original, out, rules[table], random, classOf);
    summary.rows[table] = n;
    summary.suppressed[table] = s;
    summary.duplicatesRemoved[table] = d;
  }
  const doc = {
    release: rules.name,
    description: rules.description,
    seed,
    personKey: 'pid',
    suppressedToken: SUPPRESSED,
    shuffled: true,
    patients: rules.patients,
    diagnoses: { codeColumn: 'icd10', codeSystem: 'ICD-10', ...rules.diagnoses },
    prescriptions: { codeColumn: 'drug', codeSystem: 'ATC', ...rules.prescriptions },
    checkups: rules.checkups,
    summary,
  };
  writeFileSync(
    join(out, 'rules.yaml'),
    `# Rules applied to make this release (datasets/cohort/anonymize.ts); field meanings: datasets/cohort/FORMAT.md.\n${stringify(doc)}`,
  );
  return summary;
}

/** Reads a rule set: `strong`, `strong-year`, `weak`, or a YAML/JSON file with the ReleaseRules fields. */
export function loadRules(name: string): ReleaseRules {
  if (name === 'strong') return STRONG;
  if (name === 'strong-year') return STRONG_YEAR;
  if (name === 'weak') return WEAK;
  return parse(readFileSync(name, 'utf8')) as ReleaseRules;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      original: { type: 'string' },
      out: { type: 'string' },
      rules: { type: 'string', default: 'strong' },
      seed: { type: 'string', default: '1' },
    },
  });
  if (!values.original || !values.out)
    throw new Error(
      'usage: anonymize --original DIR --out DIR --rules strong|strong-year|weak|FILE [--seed N]',
    );
  const summary = await anonymizeCohort(
    values.original,
    values.out,
    loadRules(values.rules!),
    Number(values.seed),
  );
  console.log(JSON.stringify(summary));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(2);
  });
}
