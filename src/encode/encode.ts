/**
 * @module encode/encode — Arrow table → shared dictionary-coded columns.
 */
import { makeVector, type Table, Type, type Vector } from 'apache-arrow';
import { listNames, q, ReidgateError } from '../errors.js';
import { parseDateRange, parseNumericRange } from './generalized.js';
import { type Column, type ColumnKind, type EncodedTable, MISSING, WILDCARD } from './types.js';

/** Allocates an Int32Array on shared memory. */
export function sharedInt32(n: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Math.max(1, n) * 4), 0, n);
}

/** Allocates a Float64Array on shared memory. */
export function sharedFloat64(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(Math.max(1, n) * 8), 0, n);
}

/** Renders a cell as the string that identifies its value (null stays null). */
function cellKey(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

/**
 * Dictionary-codes one Arrow column into a shared Int32Array. Dictionary-typed chunks are recoded
 * per dictionary entry (cost ∝ distinct values + rows); other types go value by value.
 */
/** A growing dictionary: code → string and string → code. Shared across tables for joint encoding. */
export interface Dict {
  dictionary: string[];
  index: Map<string, number>;
}

/** A fresh, empty dictionary. */
export function newDict(): Dict {
  return { dictionary: [], index: new Map() };
}

export function encodeVector(
  vec: Vector,
  rows: number,
  wildcards: ReadonlySet<string>,
  dict: Dict = newDict(),
): { codes: Int32Array; dictionary: string[] } {
  const codes = sharedInt32(rows);
  const { dictionary, index } = dict;
  const codeOf = (s: string | null): number => {
    if (s === null) return MISSING;
    if (wildcards.size > 0 && wildcards.has(s)) return WILDCARD;
    let c = index.get(s);
    if (c === undefined) {
      c = dictionary.length;
      dictionary.push(s);
      index.set(s, c);
    }
    return c;
  };
  let offset = 0;
  for (const chunk of vec.data) {
    const n = chunk.length;
    if (chunk.typeId === Type.Dictionary && chunk.dictionary) {
      const dict = chunk.dictionary;
      const remap = new Int32Array(dict.length);
      for (let j = 0; j < dict.length; j++) remap[j] = codeOf(cellKey(dict.get(j)));
      // Arrow slices fixed-width value buffers with the chunk, so index i is the chunk's row i.
      const idx = chunk.values as ArrayLike<number>;
      const hasNulls = chunk.nullCount > 0;
      for (let i = 0; i < n; i++) {
        codes[offset + i] = hasNulls && !chunk.getValid(i) ? MISSING : remap[idx[i]];
      }
    } else {
      const sub = makeVector(chunk);
      for (let i = 0; i < n; i++) codes[offset + i] = codeOf(cellKey(sub.get(i)));
    }
    offset += n;
  }
  return { codes, dictionary };
}

/**
 * The number a dictionary entry stands for in a numeric or date column: the value itself, or the
 * midpoint of an interval (`30-39` → 34.5; a half-open `90+` → 90, `<20` → 20; a day → its start);
 * NaN when it is neither (or fully suppressed).
 */
export function numericValue(s: string, kind: ColumnKind): number {
  const r = kind === 'date' ? parseDateRange(s) : parseNumericRange(s);
  if (!r) return Number.NaN;
  if (r.lo === r.hi) return r.lo;
  if (kind === 'date' && r.hi - r.lo <= 86_400_000) return r.lo;
  if (Number.isFinite(r.lo) && Number.isFinite(r.hi)) return (r.lo + r.hi) / 2;
  if (Number.isFinite(r.lo)) return r.lo;
  if (Number.isFinite(r.hi)) return r.hi;
  return Number.NaN;
}

/** Per-row Float64 values from codes and a per-code value table. */
export function numbersFrom(codes: Int32Array, perCode: Float64Array): Float64Array {
  const out = sharedFloat64(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    out[i] = c < 0 ? Number.NaN : perCode[c];
  }
  return out;
}

/** A column to encode and how it is compared. */
export interface ColumnSpec {
  name: string;
  kind: ColumnKind;
  /** Tokens that become WILDCARD (match any value) in this column; none by default. */
  wildcards?: ReadonlySet<string>;
}

const NO_WILDCARDS: ReadonlySet<string> = new Set();

/**
 * Encodes the named columns of a table onto shared memory.
 * @param table - the loaded Arrow table
 * @param specs - which columns, and their kinds
 * @param role - the input's label for messages, e.g. "--release data.csv"
 * @returns the encoded table (dictionaries stay in the calling thread)
 * @throws ReidgateError('COLUMN') when a named column is absent (the message lists the columns)
 */
export function encodeTable(table: Table, specs: readonly ColumnSpec[], role: string): EncodedTable {
  const names = table.schema.fields.map((f) => f.name);
  const columns = new Map<string, Column>();
  const dictionaries = new Map<string, readonly string[]>();
  for (const spec of specs) {
    if (columns.has(spec.name)) continue;
    const vec = table.getChild(spec.name);
    if (!vec) {
      throw new ReidgateError(
        'COLUMN',
        `${role}: column ${q(spec.name)} not found (columns: ${listNames(names)})`,
      );
    }
    const { codes, dictionary } = encodeVector(vec, table.numRows, spec.wildcards ?? NO_WILDCARDS);
    let numbers: Float64Array | undefined;
    if (spec.kind !== 'categorical') {
      const perCode = new Float64Array(dictionary.length);
      for (let c = 0; c < dictionary.length; c++) perCode[c] = numericValue(dictionary[c], spec.kind);
      numbers = numbersFrom(codes, perCode);
    }
    columns.set(spec.name, {
      name: spec.name,
      kind: spec.kind,
      length: table.numRows,
      cardinality: dictionary.length,
      codes,
      numbers,
    });
    dictionaries.set(spec.name, dictionary);
  }
  return { rows: table.numRows, columns, dictionaries };
}
