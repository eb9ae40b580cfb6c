/**
 * @module encode/joint — several tables (release, original, control, auxiliary) encoded with one
 * dictionary per column, so equal values have equal codes across tables, plus the compatibility
 * relation that lets linkage understand generalized releases.
 *
 * Compatibility: a target value v is compatible with a released value g when g = v, or g is a
 * generalization of v — a fully suppressed `*`; a numeric interval containing v (`30-39`, `[30,40)`,
 * `90+`, `<20`, `20未満` …); a date at coarser precision (`1980`, `1980-05`, `FY2020`, `1980-**-**`);
 * a masked string (`123**`); or an ancestor of v in a declared ARX-style hierarchy. The relation is
 * computed once on distinct values here (the main thread, which holds the strings) and handed to
 * workers as CSR arrays of codes.
 */
import type { Table } from 'apache-arrow';
import { q, ReidgateError } from '../errors.js';
import { type Dict, encodeVector, newDict, numbersFrom, numericValue, sharedInt32 } from './encode.js';
import {
  isSuppressed,
  maskMatcher,
  overlaps,
  parseDateRange,
  parseNumericRange,
  type Range,
} from './generalized.js';
import { type Column, type ColumnKind, type EncodedTable, MISSING } from './types.js';

/** A column to encode jointly. */
export interface JointSpec {
  name: string;
  kind: ColumnKind;
  /** value → its generalizations (from an ARX hierarchy file). */
  hierarchy?: Map<string, Set<string>>;
  /** Label of the hierarchy's source, for messages. */
  hierarchySource?: string;
  /** Tokens that become WILDCARD codes (uniqueness's wildcard model). */
  wildcards?: ReadonlySet<string>;
}

/** For each code c, the other codes of released values compatible with c (CSR). */
export interface Compat {
  offsets: Int32Array;
  codes: Int32Array;
  /** Codes that are generalized values (intervals, masks, suppression, hierarchy nodes). */
  generalized: Int32Array;
}

export interface JointEncoding {
  tables: Map<string, EncodedTable>;
  /** Per column: the compatibility relation (only for columns present in the release). */
  compat: Map<string, Compat>;
  /**
   * The same, but reading released values that the targets' side never holds (e.g. "Technical" for
   * occupations, when no hierarchy says what it covers) as generalizations of unknown extent: they
   * match any value. An unseen number is no generalization (a perturbed or differently spelt value):
   * it matches only the same number spelt otherwise (`2.0` for `2`). Linear in the distinct values. This is how an attacker without the hierarchy reads a generalized release; the strict
   * relation makes such values match nothing.
   */
  compatUnknownAsGeneralized: Map<string, Compat>;
  /** Per column: code → string (main thread only). */
  dictionaries: Map<string, readonly string[]>;
}

function rangeOf(s: string, kind: ColumnKind): Range | null {
  return kind === 'date' ? parseDateRange(s) : kind === 'numeric' ? parseNumericRange(s) : null;
}

/** Is a released value a generalization (rather than a plain value)? */
function generalization(s: string, spec: JointSpec, ancestors: ReadonlySet<string>): boolean {
  if (isSuppressed(s) || ancestors.has(s) || maskMatcher(s)) return true;
  const r = rangeOf(s, spec.kind);
  return !!r && r.lo !== r.hi && !(spec.kind === 'date' && r.hi - r.lo <= 86_400_000);
}

/**
 * Whether target value v is compatible with a generalized released value g.
 * @param rv - v's range (rangeOf, parsed once per value by the caller)
 * @param rg - g's range
 */
function compatible(
  v: string,
  g: string,
  spec: JointSpec,
  rv: Range | null,
  rg: Range | null,
  mask: ((s: string) => boolean) | null,
): boolean {
  if (isSuppressed(g)) return true;
  if (spec.hierarchy?.get(v)?.has(g)) return true;
  if (mask?.(v)) return true;
  return !!rg && !!rv && overlaps(rv, rg);
}

/**
 * Encodes tables jointly.
 * @param tables - role → { table, label } (label names the input in messages, e.g. "--original a.csv")
 * @param specs - columns; each must exist in the release; other roles may lack some (they are skipped there)
 * @throws ReidgateError('COLUMN') when a hierarchy does not cover a target-side value
 */
export function encodeJoint(
  tables: ReadonlyMap<string, { table: Table; label: string }>,
  specs: readonly JointSpec[],
): JointEncoding {
  const out = new Map<string, EncodedTable>();
  for (const role of tables.keys()) {
    out.set(role, { rows: tables.get(role)!.table.numRows, columns: new Map(), dictionaries: new Map() });
  }
  const compat = new Map<string, Compat>();
  const compatLoose = new Map<string, Compat>();
  const dictionaries = new Map<string, readonly string[]>();
  for (const spec of specs) {
    const dict: Dict = newDict();
    const encodedCodes = new Map<string, Int32Array>();
    for (const [role, { table }] of tables) {
      const vec = table.getChild(spec.name);
      if (!vec) continue;
      const wild = role === 'release' ? (spec.wildcards ?? new Set<string>()) : new Set<string>();
      encodedCodes.set(role, encodeVector(vec, table.numRows, wild, dict).codes);
    }
    const values = dict.dictionary;
    dictionaries.set(spec.name, values);
    // Hierarchy coverage: every target-side value must be a leaf of the hierarchy.
    if (spec.hierarchy) {
      for (const [role, codes] of encodedCodes) {
        if (role === 'release') continue;
        const seen = new Uint8Array(values.length);
        for (const c of codes) if (c >= 0) seen[c] = 1;
        for (let c = 0; c < values.length; c++) {
          if (seen[c] && !spec.hierarchy.has(values[c])) {
            throw new ReidgateError(
              'COLUMN',
              `hierarchy ${spec.hierarchySource ?? ''} for column ${q(spec.name)} does not cover the value ${q(values[c])} found in ${tables.get(role)!.label}`,
            );
          }
        }
      }
    }
    const ancestors = new Set<string>();
    for (const set of spec.hierarchy?.values() ?? []) for (const a of set) ancestors.add(a);
    const releaseCodes = encodedCodes.get('release');
    const isGen = new Uint8Array(values.length);
    const inRelease = new Uint8Array(values.length);
    if (releaseCodes) {
      for (const c of releaseCodes) if (c >= 0) inRelease[c] = 1;
      for (let c = 0; c < values.length; c++)
        if (inRelease[c] && generalization(values[c], spec, ancestors)) isGen[c] = 1;
    }
    const generalized = Int32Array.from(Array.from(isGen, (g, c) => (g ? c : -1)).filter((c) => c >= 0));
    // Ranges and mask matchers parsed once per value, not once per (value, generalization) pair.
    const ranges = values.map((v) => rangeOf(v, spec.kind));
    const masks = new Map<number, ((s: string) => boolean) | null>();
    for (const g of generalized) masks.set(g, maskMatcher(values[g]!) ?? null);
    const lists: number[][] = values.map((v, c) =>
      Array.from(generalized).filter(
        (g) => g !== c && compatible(v, values[g]!, spec, ranges[c]!, ranges[g]!, masks.get(g)!),
      ),
    );
    const loose = unknownAsGeneralized(values, encodedCodes, inRelease, isGen, lists);
    compat.set(spec.name, toCsr(lists, generalized));
    compatLoose.set(spec.name, loose ? toCsr(loose.lists, loose.generalized) : compat.get(spec.name)!);

    const perCode = new Float64Array(values.length);
    if (spec.kind !== 'categorical')
      for (let c = 0; c < values.length; c++) perCode[c] = numericValue(values[c], spec.kind);
    for (const [role, codes] of encodedCodes) {
      const col: Column = {
        name: spec.name,
        kind: spec.kind,
        length: codes.length,
        cardinality: values.length,
        codes,
        numbers: spec.kind === 'categorical' ? undefined : numbersFrom(codes, perCode),
      };
      const t = out.get(role)!;
      t.columns.set(spec.name, col);
      t.dictionaries.set(spec.name, values);
    }
  }
  return { tables: out, compat, compatUnknownAsGeneralized: compatLoose, dictionaries };
}

/** Packs per-code lists into CSR arrays on shared memory. */
function toCsr(lists: readonly number[][], generalized: Int32Array): Compat {
  const offsets = sharedInt32(lists.length + 1);
  let total = 0;
  for (let c = 0; c < lists.length; c++) {
    offsets[c] = total;
    total += lists[c].length;
  }
  offsets[lists.length] = total;
  const codes = sharedInt32(total);
  for (let c = 0; c < lists.length; c++) codes.set(lists[c], offsets[c]);
  return { offsets, codes, generalized };
}

/**
 * The unknown-as-generalized relation (see JointEncoding.compatUnknownAsGeneralized), or null when
 * no released value is unknown to the targets' side (then it equals the strict one).
 */
function unknownAsGeneralized(
  values: readonly string[],
  encodedCodes: ReadonlyMap<string, Int32Array>,
  inRelease: Uint8Array,
  isGen: Uint8Array,
  strict: readonly number[][],
): { lists: number[][]; generalized: Int32Array } | null {
  const onTargetSide = new Uint8Array(values.length);
  let hasTargets = false;
  for (const [role, codes] of encodedCodes) {
    if (role === 'release') continue;
    hasTargets = true;
    for (const c of codes) if (c >= 0) onTargetSide[c] = 1;
  }
  if (!hasTargets) return null;
  const numberOf = (c: number) => (values[c].trim() === '' ? Number.NaN : Number(values[c].trim()));
  const byNumber = new Map<number, number[]>();
  for (let c = 0; c < values.length; c++) {
    const x = numberOf(c);
    if (onTargetSide[c] && Number.isFinite(x)) byNumber.set(x, [...(byNumber.get(x) ?? []), c]);
  }
  // An unseen label matches any target value; an unseen number is a perturbed or differently spelt
  // value, not a generalization: it matches only the same number spelt otherwise (`2.0` for `2`).
  const anyOf: number[] = [];
  const twinsOf = new Map<number, number[]>();
  const extra = new Set<number>();
  for (let c = 0; c < values.length; c++) {
    if (onTargetSide[c] || isGen[c] || !inRelease[c]) continue;
    const x = numberOf(c);
    if (Number.isFinite(x)) {
      const twins = byNumber.get(x);
      if (!twins) continue;
      for (const t of twins) twinsOf.set(t, [...(twinsOf.get(t) ?? []), c]);
    } else {
      anyOf.push(c);
    }
    extra.add(c);
  }
  if (extra.size === 0) return null;
  const lists = strict.map((l, c) => {
    if (!onTargetSide[c]) return [...l];
    return [...l, ...anyOf.filter((g) => g !== c), ...(twinsOf.get(c) ?? [])];
  });
  const generalized = Int32Array.from(
    Array.from(isGen, (g, c) => (g || extra.has(c) ? c : -1)).filter((c) => c >= 0),
  );
  return { lists, generalized };
}

/** True when release code `g` is compatible with target code `c` under `compat` (equal codes always are). */
export function isCompatible(compat: Compat, c: number, g: number): boolean {
  if (c === g) return c !== MISSING;
  if (c < 0) return false;
  for (let k = compat.offsets[c]; k < compat.offsets[c + 1]; k++) if (compat.codes[k] === g) return true;
  return false;
}
