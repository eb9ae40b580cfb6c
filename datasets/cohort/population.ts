/**
 * @module datasets/cohort/population — the cohort's demographics from the 2015 Japanese Census extracts in
 * `reference/` (see reference/SOURCE.md), and the seeded sampling helpers the generator uses.
 *
 * A person is drawn as (prefecture, sex, 5-year age band) with probability proportional to the census count
 * (21 bands, 100+ included), then a municipality within (prefecture, sex, band) proportional to its count
 * (the municipality table stops at 90+, so 90-94, 95-99 and 100+ share the 90+ municipality weights).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The reference directory: beside this file when run from source (tsx), or the source tree's when run
 * compiled from `dist/datasets/cohort/`.
 * @throws Error when neither exists
 */
export function referenceDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  for (const dir of [join(here, 'reference'), join(here, '../../../datasets/cohort/reference')]) {
    if (existsSync(join(dir, 'pref_sex_age5_2015.csv'))) return dir;
  }
  throw new Error(`cohort reference tables not found beside ${here}`);
}

/** Reads a small reference CSV (no quoted fields) into header and rows. */
export function readReference(name: string): { header: string[]; rows: string[][] } {
  const lines = readFileSync(join(referenceDir(), name), 'utf8').trim().split('\n');
  return { header: lines[0].split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

/** A categorical distribution sampled by binary search over cumulative weights. */
export class Categorical<T> {
  private readonly cum: Float64Array;
  constructor(
    readonly items: T[],
    weights: ArrayLike<number>,
  ) {
    if (items.length === 0 || items.length !== weights.length) throw new Error('Categorical: bad weights');
    this.cum = new Float64Array(items.length);
    let s = 0;
    for (let i = 0; i < items.length; i++) {
      s += weights[i];
      this.cum[i] = s;
    }
    if (!(s > 0)) throw new Error('Categorical: weights sum to 0');
  }
  /** Draws one item using a uniform number u in [0, 1). */
  pick(u: number): T {
    const x = u * this.cum[this.cum.length - 1];
    let lo = 0;
    let hi = this.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cum[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo];
  }
}

/** A demographic cell of the census: prefecture, sex and 5-year band index (0 = 0-4, …, 20 = 100+). */
export interface Cell {
  pref: string;
  sex: 'M' | 'F';
  band: number;
}

/** Samplers for (prefecture, sex, age band) and for the municipality within a cell. */
export interface Demography {
  cells: Categorical<Cell>;
  muni: Map<string, Categorical<string>>;
}

/**
 * Builds the demographic samplers from the reference extracts.
 * @param prefs - prefecture codes to draw from (default: all 47); a regional cohort keeps the census
 *   proportions within its prefectures
 * @throws Error on an unknown prefecture code
 */
export function loadDemography(prefs?: readonly string[]): Demography {
  const pref = readReference('pref_sex_age5_2015.csv');
  const known = new Set(pref.rows.map((r) => r[0]));
  for (const p of prefs ?? [])
    if (!known.has(p)) throw new Error(`--prefs: unknown prefecture code ${p} (01..47)`);
  const keep = prefs && prefs.length > 0 ? new Set(prefs) : known;
  const items: Cell[] = [];
  const weights: number[] = [];
  for (const r of pref.rows) {
    if (!keep.has(r[0])) continue;
    for (let b = 0; b < 21; b++) {
      items.push({ pref: r[0], sex: r[1] as 'M' | 'F', band: b });
      weights.push(Number(r[2 + b]));
    }
  }
  const muniRows = readReference('muni_sex_age5_2015.csv').rows;
  const groups = new Map<string, { codes: string[]; w: number[] }>();
  for (const r of muniRows) {
    for (let b = 0; b < 19; b++) {
      const key = `${r[0].slice(0, 2)}${r[1]}${b}`;
      let g = groups.get(key);
      if (!g) {
        g = { codes: [], w: [] };
        groups.set(key, g);
      }
      g.codes.push(r[0]);
      g.w.push(Number(r[2 + b]));
    }
  }
  const muni = new Map<string, Categorical<string>>();
  for (const [k, g] of groups) if (g.w.some((x) => x > 0)) muni.set(k, new Categorical(g.codes, g.w));
  return { cells: new Categorical(items, weights), muni };
}

/**
 * Draws a municipality for a cell (bands 18–20, i.e. 90+, use the 90+ weights).
 * @throws Error when the census has nobody in that prefecture × sex × band (cannot happen for a drawn cell)
 */
export function pickMuni(d: Demography, c: Cell, u: number): string {
  const m = d.muni.get(`${c.pref}${c.sex}${Math.min(c.band, 18)}`);
  if (!m) throw new Error(`no municipality for ${c.pref}/${c.sex}/${c.band}`);
  return m.pick(u);
}

/** A standard normal draw (Box–Muller, one of the pair). */
export function normal(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** A Poisson draw (Knuth's product method; fine for the small means used here). */
export function poisson(lambda: number, random: () => number): number {
  if (lambda <= 0) return 0;
  const L = Math.exp(-lambda);
  let k = 0;
  let p = random();
  while (p > L) {
    k++;
    p *= random();
  }
  return k;
}

/** Linear interpolation of a knot table at x (flat beyond the ends). */
export function interpolate(knots: readonly number[], values: readonly number[], x: number): number {
  if (x <= knots[0]) return values[0];
  for (let i = 1; i < knots.length; i++) {
    if (x <= knots[i]) {
      const t = (x - knots[i - 1]) / (knots[i] - knots[i - 1]);
      return values[i - 1] + t * (values[i] - values[i - 1]);
    }
  }
  return values[values.length - 1];
}

/** FNV-1a hash of a string (a stable, seed-free choice such as a rare code's drug). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
