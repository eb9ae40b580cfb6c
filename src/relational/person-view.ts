/**
 * @module relational/person-view — the person-level view of a relational release: per patient, the
 * set of codes held and the dated event sequence, as CSR arrays on SharedArrayBuffers.
 *
 * A relational trial has a person table (one row per patient, the demographic QIs) and event tables
 * (many rows per patient: diagnoses, prescriptions, checkups …) joined by a person key. The view is
 * built once per side (release, original) with one code dictionary shared by both sides, so equal
 * (event table, code) pairs get equal integers on both sides, and then handed to every attack and
 * worker without copies.
 *
 * API (reused by code-sets, trajectory, rare-values and, later, sparse linkage):
 * - `PersonView.tables[t]`: event table t's name, its first combined code `base` and its code count;
 *   combined code = base + the table's own code, so a combined code names (event type, code); the
 *   code `suppressed` (= base + codes) stands for a suppressed value (`*`) of that table.
 *   `tableOf(view, code)` maps back. Dates are integer indices at the table's precision
 *   (`day`: days since 1970-01-01, `month`: year·12 + month − 1, `year`: the year).
 * - `isSuppressedCode(view, code)`: whether a combined code is a table's suppressed code.
 * - `PersonSide` (one per role): `persons` = rows of that side's person table (person i is row i);
 *   code sets `setOffsets` (persons + 1) / `setCodes` (sorted, unique per person);
 *   dated events `seqOffsets` / `seqCodes` / `seqLo` / `seqHi`, sorted by (code, lo, hi), unique:
 *   an event's date lies in [seqLo, seqHi] (equal unless a declared date shift widens the original's
 *   dates to the window a release date may fall in). Events with a suppressed code are dropped;
 *   events without a date are in the code set but not in the sequence.
 * - `PersonView.truth[o]`: the release person row made from original person row o (by the person
 *   key; −1 when absent). The key is ground truth only: it is never an attack feature.
 * - Raw code strings (`codeLabels`) stay in the main thread; workers and reports see integers.
 *
 * `buildPersonSide` takes plain integer arrays (person row, table code, date window per event), so
 * benchmarks and tests can build views without files; relational/load.ts turns loaded tables into
 * those arrays with validation.
 */
import { sharedInt32 } from '../encode/encode.js';
import { ReidgateError } from '../errors.js';

/** Date precision of an event table's dates. */
export type DatePrecision = 'day' | 'month' | 'year';

/** An event table as the view describes it. */
export interface EventTableInfo {
  name: string;
  /** First combined code of this table; its codes are base … base + codes − 1. */
  base: number;
  codes: number;
  /**
   * The table's reserved code for a suppressed value (`*`: some code the release does not show),
   * base + codes. An attacker who knows a code must count a patient with a suppressed code in the
   * same table as possibly holding it.
   */
  suppressed: number;
  /** Whether the table has a date column (and so events in the sequences). */
  dated: boolean;
  precision: DatePrecision;
  /** Declared maximum date shift in days (0: dates not shifted). */
  shiftDays: number;
  /** Declared code truncation (characters), if any. */
  truncation?: number;
}

/** One side (release or original) of the view. Every array is on shared memory. */
export interface PersonSide {
  persons: number;
  /** Event rows read (before dropping suppressed codes). */
  events: number;
  setOffsets: Int32Array;
  setCodes: Int32Array;
  seqOffsets: Int32Array;
  seqCodes: Int32Array;
  seqLo: Int32Array;
  seqHi: Int32Array;
}

/** A numeric value column of a release event table (for rare extreme values). */
export interface EventValues {
  table: string;
  column: string;
  /** Per event row: the person row (shared). */
  person: Int32Array;
  /** Per event row: the value, NaN when missing or suppressed (shared). */
  values: Float64Array;
  /** Declared plausible bounds; values outside are extreme. */
  min?: number;
  max?: number;
}

/** The person-level view of a relational trial. */
export interface PersonView {
  tables: EventTableInfo[];
  /** Total number of combined codes. */
  codes: number;
  release: PersonSide;
  original?: PersonSide;
  /** Per original person row: the release person row with the same key, or −1 (shared). */
  truth?: Int32Array;
  /** Numeric value columns of the release's event tables. */
  values: EventValues[];
  /** Combined code → "table:code". Main thread only: never posted to workers or written to reports. */
  codeLabels: readonly string[];
}

/** One event table's events on one side, as integers. */
export interface SideEvents {
  /** Per event: the person row, ≥ 0. */
  person: Int32Array;
  /** Per event: the combined code, or −1 when suppressed / missing. */
  code: Int32Array;
  /** Per event: the date window at the table's precision; lo = NO_DATE when the event has no date. */
  lo?: Int32Array;
  hi?: Int32Array;
}

/** `lo` of an event without a date. */
export const NO_DATE = -2147483648;

/** The event table a combined code belongs to (index into `view.tables`). */
export function tableOf(view: { tables: ReadonlyArray<{ base: number }> }, code: number): number {
  const t = view.tables;
  let a = 0;
  let b = t.length - 1;
  while (a < b) {
    const m = (a + b + 1) >> 1;
    if (t[m].base <= code) a = m;
    else b = m - 1;
  }
  return a;
}

/** Sorts a[lo, hi) ascending (insertion sort for short runs, native sort otherwise). */
function sortRun(a: Int32Array | Float64Array, lo: number, hi: number): void {
  if (hi - lo > 32) {
    a.subarray(lo, hi).sort();
    return;
  }
  for (let i = lo + 1; i < hi; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= lo && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

/** Exclusive prefix sums of counts[0 … n) into a shared offsets array of n + 1. */
function offsetsOf(counts: Int32Array, n: number): Int32Array {
  const off = sharedInt32(n + 1);
  for (let i = 0; i < n; i++) off[i + 1] = off[i] + counts[i];
  return off;
}

/**
 * Builds one side of the person view from integer events (counting sort by person, then a sort
 * and de-duplication within each person).
 * @param persons - rows of the person table
 * @param tables - per event table its events (person rows must lie in [0, persons))
 * @returns the side's CSR arrays on shared memory
 */
export function buildPersonSide(persons: number, tables: readonly SideEvents[]): PersonSide {
  const nSet = new Int32Array(persons);
  const nSeq = new Int32Array(persons);
  let events = 0;
  for (const t of tables) {
    events += t.person.length;
    for (let i = 0; i < t.person.length; i++) {
      if (t.code[i] < 0) continue;
      nSet[t.person[i]]++;
      if (t.lo && t.lo[i] !== NO_DATE) nSeq[t.person[i]]++;
    }
  }
  const rawSet = offsetsOf(nSet, persons);
  const rawSeq = offsetsOf(nSeq, persons);
  // Dated events are sorted as one packed number per event: ((code · span) + lo − minLo) · width + hi − lo.
  let minLo = Infinity;
  let maxLo = -Infinity;
  let maxWidth = 0;
  for (const t of tables) {
    if (!t.lo) continue;
    for (let i = 0; i < t.lo.length; i++) {
      const l = t.lo[i];
      if (l === NO_DATE || t.code[i] < 0) continue;
      if (l < minLo) minLo = l;
      if (l > maxLo) maxLo = l;
      const w = (t.hi ? t.hi[i] : l) - l;
      if (w > maxWidth) maxWidth = w;
    }
  }
  const span = Number.isFinite(minLo) ? maxLo - minLo + 1 : 1;
  const width = maxWidth + 1;
  let maxCode = 0;
  for (const t of tables)
    for (let i = 0; i < t.code.length; i++) if (t.code[i] > maxCode) maxCode = t.code[i];
  if ((maxCode + 1) * span * width >= 2 ** 53) {
    throw new ReidgateError(
      'INPUT_PARSE',
      `event dates span ${span} periods with windows up to ${width}: too wide to index`,
    );
  }
  const setTmp = new Int32Array(rawSet[persons]);
  const keyTmp = new Float64Array(rawSeq[persons]);
  nSet.fill(0);
  nSeq.fill(0);
  for (const t of tables) {
    for (let i = 0; i < t.person.length; i++) {
      const c = t.code[i];
      if (c < 0) continue;
      const p = t.person[i];
      setTmp[rawSet[p] + nSet[p]++] = c;
      if (t.lo && t.lo[i] !== NO_DATE) {
        const l = t.lo[i];
        const h = t.hi ? t.hi[i] : l;
        keyTmp[rawSeq[p] + nSeq[p]++] = (c * span + (l - minLo)) * width + (h - l);
      }
    }
  }
  // Sort and de-duplicate each person's runs in place, counting what is kept.
  for (let p = 0; p < persons; p++) {
    const a = rawSet[p];
    const b = rawSet[p + 1];
    sortRun(setTmp, a, b);
    let w = a;
    for (let i = a; i < b; i++) if (i === a || setTmp[i] !== setTmp[w - 1]) setTmp[w++] = setTmp[i];
    nSet[p] = w - a;
    const x = rawSeq[p];
    const y = rawSeq[p + 1];
    sortRun(keyTmp, x, y);
    let v = x;
    for (let i = x; i < y; i++) if (i === x || keyTmp[i] !== keyTmp[v - 1]) keyTmp[v++] = keyTmp[i];
    nSeq[p] = v - x;
  }
  const setOffsets = offsetsOf(nSet, persons);
  const seqOffsets = offsetsOf(nSeq, persons);
  const setCodes = sharedInt32(setOffsets[persons]);
  const seqCodes = sharedInt32(seqOffsets[persons]);
  const seqLo = sharedInt32(seqOffsets[persons]);
  const seqHi = sharedInt32(seqOffsets[persons]);
  for (let p = 0; p < persons; p++) {
    const from = rawSet[p];
    const to = setOffsets[p];
    for (let i = 0; i < nSet[p]; i++) setCodes[to + i] = setTmp[from + i];
    const sFrom = rawSeq[p];
    const sTo = seqOffsets[p];
    for (let i = 0; i < nSeq[p]; i++) {
      const key = keyTmp[sFrom + i];
      const wd = key % width;
      const rest = (key - wd) / width;
      const off = rest % span;
      seqCodes[sTo + i] = (rest - off) / span;
      seqLo[sTo + i] = minLo + off;
      seqHi[sTo + i] = minLo + off + wd;
    }
  }
  return { persons, events, setOffsets, setCodes, seqOffsets, seqCodes, seqLo, seqHi };
}

/**
 * Inverted index of per-person token lists (code sets, or any CSR of tokens unique per person): for
 * each token, the persons holding it, ascending. Persons may be renumbered first, e.g. so that
 * persons of one demographic class are contiguous.
 * @param persons - number of persons
 * @param offsets - CSR offsets (persons + 1) into `tokens`
 * @param tokens - tokens, each in [0, nTokens), unique within a person
 * @param nTokens - the number of tokens
 * @param order - persons in the new numbering's order (order[r] = person ranked r); default identity
 * @returns CSR offsets (nTokens + 1) and postings (new person numbers, ascending), on shared memory
 */
export function invertTokens(
  persons: number,
  offsets: Int32Array,
  tokens: Int32Array,
  nTokens: number,
  order?: Int32Array,
): { offsets: Int32Array; postings: Int32Array } {
  const count = new Int32Array(nTokens);
  for (let k = 0; k < offsets[persons]; k++) count[tokens[k]]++;
  const out = offsetsOf(count, nTokens);
  const postings = sharedInt32(out[nTokens]);
  count.fill(0);
  for (let r = 0; r < persons; r++) {
    const p = order ? order[r] : r;
    for (let k = offsets[p]; k < offsets[p + 1]; k++) {
      const c = tokens[k];
      postings[out[c] + count[c]++] = r;
    }
  }
  return { offsets: out, postings };
}

/** True when a combined code is some table's reserved suppressed code. */
export function isSuppressedCode(view: Pick<PersonView, 'tables'>, code: number): boolean {
  return view.tables[tableOf(view, code)].suppressed === code;
}
