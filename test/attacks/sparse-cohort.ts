/**
 * @module test/attacks/sparse-cohort — a small seeded synthetic cohort for the sparse linkage tests
 * (datasets/cohort has not landed on this branch): patients with sex, birth month and prefecture;
 * diagnoses from 2,000 ICD-10-like codes (200 three-character categories × 10 subcodes) with a
 * skewed prevalence (code index ⌊2000·u⁴⌋: a few common chronic codes, a long tail of rare ones),
 * 2–11 per patient on days in 2020–2023; prescriptions from 300 drug codes, 0–4 per patient.
 *
 * Releases written next to the original, each with a trial file:
 *   leak      the original itself (rows shuffled), day dates
 *   weak      dates to the month, everything else kept
 *   strong    ICD-10 truncated to 3 characters, dates to the year, birth to the year, prefecture
 *             suppressed (`*`, a wildcard), codes held by fewer than 50 patients suppressed (`*`)
 *   disjoint  another population (other people, other keys) made like `weak`
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rng } from '../../src/stats/random.js';

interface Patient {
  pid: string;
  sex: string;
  birth: [number, number];
  pref: number;
  dx: Array<[string, number]>;
  rx: Array<[string, number]>;
}

const DAY0 = Date.UTC(2020, 0, 1);
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const day = (d: number) => new Date(DAY0 + d * 86_400_000).toISOString().slice(0, 10);

function icd(idx: number): string {
  const cat = Math.floor(idx / 10);
  return `${String.fromCharCode(65 + Math.floor(cat / 20))}${pad(cat % 20)}.${idx % 10}`;
}

/** Generates n patients (keys prefix + i). */
export function generatePatients(n: number, seed: number, prefix: string): Patient[] {
  const r = rng(seed);
  const out: Patient[] = [];
  for (let i = 0; i < n; i++) {
    const dx = new Map<string, number>();
    const nDx = 2 + Math.floor(r() * 10);
    while (dx.size < nDx) dx.set(icd(Math.floor(2000 * r() ** 4)), Math.floor(r() * 1461));
    const rx = new Map<string, number>();
    const nRx = Math.floor(r() * 5);
    while (rx.size < nRx) rx.set(`D${pad(Math.floor(300 * r() ** 3), 3)}`, Math.floor(r() * 1461));
    out.push({
      pid: `${prefix}${i}`,
      sex: r() < 0.5 ? 'F' : 'M',
      birth: [1930 + Math.floor(r() * 75), 1 + Math.floor(r() * 12)],
      pref: 1 + Math.floor(r() * 47),
      dx: [...dx],
      rx: [...rx],
    });
  }
  return out;
}

type Kind = 'leak' | 'weak' | 'strong' | 'disjoint';

function shuffled<T>(a: readonly T[], seed: number): T[] {
  const r = rng(seed);
  const b = [...a];
  for (let i = b.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [b[i], b[j]] = [b[j], b[i]];
  }
  return b;
}

function write(dir: string, people: readonly Patient[], kind: Kind | 'original'): void {
  mkdirSync(dir, { recursive: true });
  const strong = kind === 'strong';
  const date = (d: number) =>
    kind === 'leak' || kind === 'original' ? day(d) : strong ? day(d).slice(0, 4) : day(d).slice(0, 7);
  const dxCode = (c: string) => (strong ? c.slice(0, 3) : c);
  const support = new Map<string, number>();
  for (const p of people) {
    for (const c of new Set(p.dx.map(([c]) => dxCode(c)))) support.set(c, (support.get(c) ?? 0) + 1);
    for (const [c] of p.rx) support.set(c, (support.get(c) ?? 0) + 1);
  }
  const show = (c: string) => (strong && (support.get(c) ?? 0) < 50 ? '*' : c);
  const lines = (header: string, rows: string[]) => `${header}\n${rows.join('\n')}\n`;
  writeFileSync(
    join(dir, 'patients.csv'),
    lines(
      'pid,sex,birth_ym,pref',
      people.map(
        (p) =>
          `${p.pid},${p.sex},${strong ? p.birth[0] : `${p.birth[0]}-${pad(p.birth[1])}`},${strong ? '*' : p.pref}`,
      ),
    ),
  );
  writeFileSync(
    join(dir, 'diagnoses.csv'),
    lines(
      'pid,date,icd10',
      people.flatMap((p) => p.dx.map(([c, d]) => `${p.pid},${date(d)},${show(dxCode(c))}`)),
    ),
  );
  writeFileSync(
    join(dir, 'prescriptions.csv'),
    lines(
      'pid,date,drug',
      people.flatMap((p) => p.rx.map(([c, d]) => `${p.pid},${date(d)},${show(c)}`)),
    ),
  );
}

/**
 * Writes the original cohort and the four releases under `dir`.
 * @returns per release kind, the path of its trial file
 */
export function writeSparseCohort(dir: string, n: number, seed = 11): Record<Kind, string> {
  const people = generatePatients(n, seed, 'P');
  write(join(dir, 'original'), people, 'original');
  const others = generatePatients(n, seed + 1000, 'Q');
  const out = {} as Record<Kind, string>;
  for (const kind of ['leak', 'weak', 'strong', 'disjoint'] as const) {
    write(join(dir, kind), shuffled(kind === 'disjoint' ? others : people, seed + 1), kind);
    const precision = kind === 'leak' ? 'day' : kind === 'strong' ? 'year' : 'month';
    const trial = [
      `name: sparse cohort (${kind})`,
      `release: ${kind}/patients.csv`,
      'original: original/patients.csv',
      'key: pid',
      'qi: [sex, {name: birth_ym, kind: date}, pref]',
      'events:',
      '  - name: diagnoses',
      `    release: ${kind}/diagnoses.csv`,
      '    original: original/diagnoses.csv',
      '    code: icd10',
      '    date: date',
      `    datePrecision: ${precision}`,
      ...(kind === 'strong' ? ['    codeTruncation: 3'] : []),
      '  - name: prescriptions',
      `    release: ${kind}/prescriptions.csv`,
      '    original: original/prescriptions.csv',
      '    code: drug',
      '    date: date',
      `    datePrecision: ${precision}`,
      ...(kind === 'strong' ? ['wildcard: ["*"]'] : []),
      'seed: 1',
    ].join('\n');
    out[kind] = join(dir, `${kind}.yaml`);
    writeFileSync(out[kind], `${trial}\n`);
  }
  return out;
}
