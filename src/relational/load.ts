/**
 * @module relational/load — a relational trial's event tables loaded, validated and turned into the
 * person view (person-view.ts).
 *
 * Validation happens here, before anything is written, so every problem is an input error (exit 2)
 * with a one-line message naming the event table, the file, and the row and column where it applies:
 * a key matching no patient (with the count), a date that does not parse, a code outside the declared
 * system, or a declared truncation, date precision or date shift that the data contradict.
 *
 * Semantics: a missing code drops the event; a suppressed code (`*` or a --wildcard token) becomes
 * the table's reserved "suppressed" code (some code the release does not show); a suppressed or
 * missing date keeps the event in the code set but not in the dated sequence. Original
 * codes are truncated and original dates coarsened exactly as the release declares, so both sides
 * speak one vocabulary. With a declared date shift S (days), an original date d becomes the window
 * [coarsen(first(d) − S), coarsen(last(d) + S)] a release date may fall in.
 */
import type { Vector } from 'apache-arrow';
import { encodeVector, sharedFloat64, sharedInt32 } from '../encode/encode.js';
import { listNames, q, ReidgateError } from '../errors.js';
import { loadTable } from '../io/index.js';
import type { LoadedTable, LoadOptions } from '../io/types.js';
import { type CodeSystem, inSystem, normalizeCode } from './codes.js';
import { agreesWith, coarsen, finer, formatIndex, type ParsedDate, parseEventDate } from './dates.js';
import {
  buildPersonSide,
  type DatePrecision,
  type EventTableInfo,
  type EventValues,
  NO_DATE,
  type PersonView,
  type SideEvents,
} from './person-view.js';

/** An event table as a resolved trial declares it (paths absolute). */
export interface EventTableSpec {
  name: string;
  release: string;
  original?: string;
  /** The person key column of this table when it differs from the person tables' key. */
  key?: string;
  code?: string;
  date?: string;
  codeSystem: CodeSystem;
  codeTruncation?: number;
  /** Declared precision of the release's dates; inferred from the release when absent. */
  datePrecision?: DatePrecision;
  /** Declared maximum date shift in days (0 = not shifted). */
  dateShift: number;
  /** Numeric value columns (e.g. checkup results) with optional plausible bounds. */
  values: Array<{ name: string; min?: number; max?: number }>;
}

export type Side = 'release' | 'original';

/** What loading produced: the view and every event file (for the report's inputs). */
export interface LoadedEvents {
  view: PersonView;
  loaded: Record<string, LoadedTable>;
}

const NONE: ReadonlySet<string> = new Set();

/** The column of `t` or a COLUMN error naming the table, side and file. */
function column(t: LoadedTable, name: string, what: string): Vector {
  const v = t.table.getChild(name);
  if (!v) {
    const cols = t.table.schema.fields.map((f) => f.name);
    throw new ReidgateError(
      'COLUMN',
      `${what}: column ${q(name)} not in ${t.path} (columns: ${listNames(cols)})`,
    );
  }
  return v;
}

/** Dictionary-codes a column (raw strings; nulls −1). */
function codesOf(t: LoadedTable, name: string, what: string) {
  return encodeVector(column(t, name, what), t.table.numRows, NONE);
}

/** The first row (1-based) whose code is `code`. */
function firstRow(codes: Int32Array, code: number): number {
  return codes.indexOf(code) + 1;
}

/**
 * Person key → person row of a person table.
 * @throws ReidgateError('INPUT_PARSE') for a missing or duplicated key
 */
function personIndex(t: LoadedTable, key: string, side: Side): Map<string, number> {
  const what = `--key ${q(key)} (${side} person table)`;
  const { codes, dictionary } = codesOf(t, key, what);
  const rowOf = new Int32Array(dictionary.length).fill(-1);
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c < 0) throw new ReidgateError('INPUT_PARSE', `${what}: row ${i + 1} of ${t.path} has no key`);
    if (rowOf[c] >= 0) {
      throw new ReidgateError(
        'INPUT_PARSE',
        `${what}: rows ${rowOf[c] + 1} and ${i + 1} of ${t.path} share a key; a person table has one row per patient`,
      );
    }
    rowOf[c] = i;
  }
  return new Map(dictionary.map((k, c) => [k, rowOf[c]]));
}

/** Per event row, its person row; every key must match a patient. */
function eventPersons(t: LoadedTable, key: string, persons: Map<string, number>, what: string): Int32Array {
  const { codes, dictionary } = codesOf(t, key, what);
  const rowOf = Int32Array.from(dictionary, (k) => persons.get(k) ?? -1);
  const out = sharedInt32(codes.length);
  let bad = 0;
  let first = -1;
  for (let i = 0; i < codes.length; i++) {
    const p = codes[i] < 0 ? -1 : rowOf[codes[i]];
    if (p < 0 && bad++ === 0) first = i;
    out[i] = p;
  }
  if (bad > 0) {
    throw new ReidgateError(
      'INPUT_PARSE',
      `${what}: ${bad} of ${codes.length} rows have a key ${q(key)} matching no patient of the person table (first: row ${first + 1}, key ${q(codes[first] < 0 ? '(missing)' : dictionary[codes[first]])})`,
    );
  }
  return out;
}

/** Marks a suppressed code until the table's reserved code (after its real codes) is known. */
export const SUPPRESSED_LOCAL = -3;

/** Shared per-table code dictionary (normalized, truncated code → table code). */
export interface TableCodes {
  index: Map<string, number>;
  labels: string[];
}

/**
 * One raw code of an event table as a table code: −1 when blank, SUPPRESSED_LOCAL when a suppressed
 * token, else the normalized (and truncated) code's index in `dict` (added when new).
 * @param where - the location for messages ("events `x` (side file): row N, column `c`")
 * @throws ReidgateError('INPUT_PARSE') for a code outside the declared system or a release code
 *   longer than the declared truncation
 */
export function tableCode(
  raw: string,
  spec: EventTableSpec,
  side: Side,
  dict: TableCodes,
  suppressed: ReadonlySet<string>,
  where: () => string,
): number {
  if (raw.trim() === '') return -1;
  if (suppressed.has(raw.trim())) return SUPPRESSED_LOCAL;
  let code = normalizeCode(raw, spec.codeSystem);
  if (!inSystem(code, spec.codeSystem)) {
    throw new ReidgateError(
      'INPUT_PARSE',
      `${where()}: ${q(raw)} is not a${spec.codeSystem === 'icd10' ? 'n ICD-10' : 'n ATC'} code (declared codeSystem: ${spec.codeSystem})`,
    );
  }
  const N = spec.codeTruncation;
  if (N !== undefined) {
    if (side === 'release' && code.length > N) {
      throw new ReidgateError(
        'INPUT_PARSE',
        `${where()}: ${q(raw)} has ${code.length} characters but the release is declared truncated to ${N} (codeTruncation: ${N})`,
      );
    }
    code = code.slice(0, N);
  }
  let k = dict.index.get(code);
  if (k === undefined) {
    k = dict.labels.length;
    dict.labels.push(code);
    dict.index.set(code, k);
  }
  return k;
}

/** Per event row, the table code (−1 when suppressed or missing), validating system and truncation. */
function eventCodes(
  t: LoadedTable,
  spec: EventTableSpec,
  side: Side,
  dict: TableCodes,
  suppressed: ReadonlySet<string>,
  what: string,
): Int32Array {
  const col = spec.code!;
  const { codes, dictionary } = codesOf(t, col, what);
  const map = new Int32Array(dictionary.length);
  for (let c = 0; c < dictionary.length; c++) {
    map[c] = tableCode(
      dictionary[c],
      spec,
      side,
      dict,
      suppressed,
      () => `${what}: row ${firstRow(codes, c)}, column ${q(col)}`,
    );
  }
  const out = sharedInt32(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = codes[i] < 0 ? -1 : map[codes[i]];
  return out;
}

/** A date column's distinct values: each parsed (null when blank or suppressed), and its first row (1-based). */
export interface DateEntries {
  dictionary: readonly string[];
  parsed: Array<ParsedDate | null>;
  first: (c: number) => number;
}

/**
 * Parses a date column's distinct values.
 * @throws ReidgateError('INPUT_PARSE') naming the first row of a value that is not a date
 */
export function parseDateEntries(
  dictionary: readonly string[],
  first: (c: number) => number,
  spec: EventTableSpec,
  suppressed: ReadonlySet<string>,
  what: string,
): DateEntries {
  const parsed: Array<ParsedDate | null> = dictionary.map((raw, c) => {
    if (suppressed.has(raw.trim()) || raw.trim() === '') return null;
    const d = parseEventDate(raw);
    if (!d) {
      throw new ReidgateError(
        'INPUT_PARSE',
        `${what}: row ${first(c)}, column ${q(spec.date)}: ${q(raw)} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)`,
      );
    }
    return d;
  });
  return { dictionary, parsed, first };
}

/** Parsed dates of one column: per row the parsed date's dictionary entry (or −1), and the entries. */
function parseDates(t: LoadedTable, spec: EventTableSpec, suppressed: ReadonlySet<string>, what: string) {
  const { codes, dictionary } = codesOf(t, spec.date!, what);
  return {
    codes,
    ...parseDateEntries(dictionary, (c) => firstRow(codes, c), spec, suppressed, what),
  };
}

/** The release's date precision: declared (and checked against every date) or inferred. */
export function releasePrecision(spec: EventTableSpec, dates: DateEntries, what: string): DatePrecision {
  const present = dates.parsed.map((d, c) => [d, c] as const).filter(([d]) => d !== null) as Array<
    [ParsedDate, number]
  >;
  const declared = spec.datePrecision;
  if (declared) {
    for (const [d, c] of present) {
      if (!agreesWith(d, declared)) {
        const how = finer(d.precision, declared) ? 'finer than' : 'coarser than';
        throw new ReidgateError(
          'INPUT_PARSE',
          `${what}: row ${dates.first(c)}, column ${q(spec.date)}: ${q(dates.dictionary[c])} is ${how} the declared datePrecision ${q(declared)}`,
        );
      }
    }
    return declared;
  }
  const kinds = new Set(present.map(([d]) => d.precision));
  if (kinds.size > 1) {
    throw new ReidgateError(
      'INPUT_PARSE',
      `${what}: column ${q(spec.date)} mixes date precisions (${[...kinds].join(', ')}); declare datePrecision for table ${q(spec.name)}`,
    );
  }
  return [...kinds][0] ?? 'day';
}

/**
 * Per distinct date, its window at `precision` (entries without a date are left 0), and the range of
 * the dates (coarsened), checking that an original date is not coarser than the release's precision.
 * @throws ReidgateError('INPUT_PARSE') naming the first row of an original date coarser than `precision`
 */
export function dateEntryWindows(
  dates: DateEntries,
  precision: DatePrecision,
  shift: number,
  side: Side,
  spec: EventTableSpec,
  what: string,
): { perLo: Int32Array; perHi: Int32Array; min: number; max: number } {
  const perLo = new Int32Array(dates.parsed.length);
  const perHi = new Int32Array(dates.parsed.length);
  let min = Infinity;
  let max = -Infinity;
  dates.parsed.forEach((d, c) => {
    if (!d) return;
    if (side === 'original' && finer(precision, d.precision)) {
      throw new ReidgateError(
        'INPUT_PARSE',
        `${what}: row ${dates.first(c)}, column ${q(spec.date)}: ${q(dates.dictionary[c])} is coarser than the release's date precision ${q(precision)}; the original cannot be matched at that precision`,
      );
    }
    const s = side === 'original' ? shift : 0;
    perLo[c] = coarsen(d.first - s, precision);
    perHi[c] = coarsen(side === 'original' ? d.last + s : d.first, precision);
    min = Math.min(min, coarsen(d.first, precision));
    max = Math.max(max, coarsen(d.first, precision));
  });
  return { perLo, perHi, min, max };
}

/** Per event row, the date window at `precision` (lo = NO_DATE without a date). */
function dateWindows(
  dates: ReturnType<typeof parseDates>,
  precision: DatePrecision,
  shift: number,
  side: Side,
  spec: EventTableSpec,
  what: string,
): { lo: Int32Array; hi: Int32Array; min: number; max: number } {
  const { perLo, perHi, min, max } = dateEntryWindows(dates, precision, shift, side, spec, what);
  const n = dates.codes.length;
  const lo = sharedInt32(n);
  const hi = sharedInt32(n);
  for (let i = 0; i < n; i++) {
    const c = dates.codes[i];
    if (c < 0 || !dates.parsed[c]) {
      lo[i] = NO_DATE;
      hi[i] = NO_DATE;
    } else {
      lo[i] = perLo[c];
      hi[i] = perHi[c];
    }
  }
  return { lo, hi, min, max };
}

/**
 * One value of a numeric event column: NaN when blank or suppressed.
 * @throws ReidgateError('INPUT_PARSE') naming the first row of a value that is not a number
 */
export function eventValue(
  raw: string,
  suppressed: ReadonlySet<string>,
  first: () => number,
  column: string,
  what: string,
): number {
  const s = raw.trim();
  if (s === '' || suppressed.has(s)) return Number.NaN;
  const x = Number(s);
  if (!Number.isFinite(x)) {
    throw new ReidgateError(
      'INPUT_PARSE',
      `${what}: row ${first()}, column ${q(column)}: ${q(raw)} is not a number`,
    );
  }
  return x;
}

/** A numeric value column of a release event table. */
function valueColumn(
  t: LoadedTable,
  spec: EventTableSpec,
  v: EventTableSpec['values'][number],
  person: Int32Array,
  suppressed: ReadonlySet<string>,
  what: string,
): EventValues {
  const { codes, dictionary } = codesOf(t, v.name, what);
  const per = dictionary.map((raw, c) => eventValue(raw, suppressed, () => firstRow(codes, c), v.name, what));
  const values = sharedFloat64(codes.length);
  for (let i = 0; i < codes.length; i++) values[i] = codes[i] < 0 ? Number.NaN : per[codes[i]];
  return { table: spec.name, column: v.name, person, values, min: v.min, max: v.max };
}

/**
 * Loads every event table of a relational trial and builds the person view.
 * @param key - the person key column (in the person tables, and in every event table without its own `key`)
 * @param specs - the event tables
 * @param persons - the loaded person tables (release, and original when the trial has one)
 * @param opts - CSV options; `suppressed` tokens (default `*`) that drop a code or a date
 * @throws ReidgateError (exit 2) for any input problem, naming table, file, row and column
 */
export async function loadPersonView(
  key: string,
  specs: readonly EventTableSpec[],
  persons: { release: LoadedTable; original?: LoadedTable },
  opts: LoadOptions & { suppressed?: ReadonlySet<string>; progress?: (detail: string) => void },
): Promise<LoadedEvents> {
  const suppressed = opts.suppressed ?? new Set(['*']);
  const index = {
    release: personIndex(persons.release, key, 'release'),
    original: persons.original ? personIndex(persons.original, key, 'original') : undefined,
  };
  const loaded: Record<string, LoadedTable> = {};
  const tables: EventTableInfo[] = [];
  const sides: Record<Side, SideEvents[]> = { release: [], original: [] };
  const values: EventValues[] = [];
  const labels: string[] = [];
  let base = 0;
  for (const spec of specs) {
    if (spec.original && !persons.original) {
      throw new ReidgateError(
        'USAGE',
        `events ${q(spec.name)}: has an original file but the trial has no original person table (original:)`,
      );
    }
    const dict: TableCodes = { index: new Map(), labels: [] };
    const perSide: Partial<
      Record<Side, { person: Int32Array; code: Int32Array; lo?: Int32Array; hi?: Int32Array }>
    > = {};
    let precision: DatePrecision = spec.datePrecision ?? 'day';
    let releaseRange: [number, number] | undefined;
    for (const side of ['release', 'original'] as const) {
      const path = spec[side];
      const people = index[side];
      if (!path || !people) continue;
      opts.progress?.(path);
      const what = `events ${q(spec.name)} (${side} ${path})`;
      const t = await loadTable(path, {
        missing: opts.missing,
        delimiter: opts.delimiter,
        role: `events ${spec.name} (${side})`,
      });
      loaded[`events.${spec.name}.${side}`] = t;
      const person = eventPersons(t, spec.key ?? key, people, what);
      const code = spec.code
        ? eventCodes(t, spec, side, dict, suppressed, what)
        : sharedInt32(person.length).fill(-1);
      let lo: Int32Array | undefined;
      let hi: Int32Array | undefined;
      if (spec.date) {
        const dates = parseDates(t, spec, suppressed, what);
        if (side === 'release') precision = releasePrecision(spec, dates, what);
        const w = dateWindows(dates, precision, spec.dateShift, side, spec, what);
        lo = w.lo;
        hi = w.hi;
        if (side === 'release') releaseRange = [w.min, w.max];
        else if (releaseRange && Number.isFinite(w.min))
          checkShift(spec, releaseRange, dates, precision, what);
      }
      perSide[side] = { person, code, lo, hi };
      if (side === 'release')
        for (const v of spec.values) values.push(valueColumn(t, spec, v, person, suppressed, what));
    }
    for (const side of ['release', 'original'] as const) {
      const s = perSide[side];
      if (!s) continue;
      const supp = base + dict.labels.length;
      for (let i = 0; i < s.code.length; i++) {
        if (s.code[i] >= 0) s.code[i] += base;
        else if (s.code[i] === SUPPRESSED_LOCAL) s.code[i] = supp;
      }
      sides[side].push(s);
    }
    tables.push({
      name: spec.name,
      base,
      codes: dict.labels.length,
      suppressed: base + dict.labels.length,
      dated: spec.date !== undefined && spec.code !== undefined,
      precision,
      shiftDays: spec.dateShift,
      truncation: spec.codeTruncation,
    });
    for (const l of dict.labels) labels.push(`${spec.name}:${l}`);
    labels.push(`${spec.name}:(suppressed)`);
    base += dict.labels.length + 1;
  }
  const release = buildPersonSide(persons.release.table.numRows, sides.release);
  const withOriginal = persons.original && specs.some((s) => s.original);
  let truth: Int32Array | undefined;
  if (withOriginal && index.original) {
    truth = sharedInt32(persons.original!.table.numRows).fill(-1);
    for (const [k, row] of index.original) truth[row] = index.release.get(k) ?? -1;
  }
  const view: PersonView = {
    tables,
    codes: base,
    release,
    original: withOriginal ? buildPersonSide(persons.original!.table.numRows, sides.original) : undefined,
    truth,
    values,
    codeLabels: labels,
  };
  return { view, loaded };
}

/**
 * A necessary condition of a declared shift: release dates lie within the original's date range
 * widened by the shift (both at the release's precision).
 */
export function checkShift(
  spec: EventTableSpec,
  releaseRange: [number, number],
  dates: DateEntries,
  precision: DatePrecision,
  what: string,
): void {
  let first = Infinity;
  let last = -Infinity;
  for (const d of dates.parsed) {
    if (!d) continue;
    first = Math.min(first, d.first);
    last = Math.max(last, d.last);
  }
  const lo = coarsen(first - spec.dateShift, precision);
  const hi = coarsen(last + spec.dateShift, precision);
  const [rMin, rMax] = releaseRange;
  if (rMin < lo || rMax > hi) {
    const bad = rMin < lo ? rMin : rMax;
    throw new ReidgateError(
      'INPUT_PARSE',
      `${what}: release dates reach ${formatIndex(bad, precision)}, outside the original's dates ${formatIndex(lo, precision)} … ${formatIndex(hi, precision)} widened by the declared dateShift of ${spec.dateShift} days; declare the shift the release used`,
    );
  }
}
