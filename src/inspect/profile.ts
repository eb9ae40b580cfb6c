/**
 * @module inspect/profile — a column profile to help a reviewer choose quasi-identifiers.
 *
 * Per column: a type guess, distinct values, missing share and the share of records unique on that
 * column alone; then the pairs of columns that make the most records unique. Only names and counts
 * are reported, never values.
 */
import { encodeTable } from '../encode/encode.js';
import { CODE_OFFSET, type Column, MISSING, shareColumn } from '../encode/types.js';
import type { LoadedTable } from '../io/types.js';
import { WorkerPool } from '../pool/pool.js';

export interface ColumnProfile {
  name: string;
  type: 'numeric' | 'date' | 'categorical' | 'identifier-like' | 'empty';
  distinct: number;
  missingFraction: number;
  /** Share of records whose value in this column is held by no other record. */
  uniqueFraction: number;
}

export interface PairProfile {
  columns: [string, string];
  uniques: number;
  uniqueFraction: number;
}

export interface Profile {
  path: string;
  rows: number;
  columns: ColumnProfile[];
  /** Pairs of columns ranked by records unique on the pair. */
  pairs: PairProfile[];
  /** Pairs left out (when more than `maxColumns` columns). */
  note?: string;
}

const DATE = /^\d{4}([-/.])\d{1,2}(\1\d{1,2})?([ T]\d{1,2}:\d{2}(:\d{2})?)?$/;

/** Guesses a column's type from its distinct values (share ≥ 95% decides). */
export function guessType(values: readonly string[], rows: number, distinct: number): ColumnProfile['type'] {
  if (values.length === 0) return 'empty';
  let num = 0;
  let date = 0;
  for (const v of values) {
    const t = v.trim();
    if (t !== '' && Number.isFinite(Number(t))) num++;
    else if (DATE.test(t)) date++;
  }
  if (rows >= 20 && distinct / rows > 0.95 && num < values.length * 0.95) return 'identifier-like';
  if (num >= values.length * 0.95) return 'numeric';
  if (date >= values.length * 0.95) return 'date';
  return rows >= 20 && distinct / rows > 0.95 ? 'identifier-like' : 'categorical';
}

function singleUniques(c: Column): number {
  const counts = new Int32Array(c.cardinality + 1);
  for (let i = 0; i < c.length; i++) counts[c.codes[i] - MISSING]++;
  let u = 0;
  for (let k = 0; k < counts.length; k++) if (counts[k] === 1) u++;
  return u;
}

/**
 * Profiles a loaded table.
 * @param t - the table
 * @param workers - threads for the pairwise counts
 * @param maxColumns - pairs are counted among at most this many columns (the most diverse ones)
 * @param topPairs - how many pairs to return
 */
export async function profileTable(
  t: LoadedTable,
  workers: number,
  maxColumns = 40,
  topPairs = 10,
): Promise<Profile> {
  const names = t.table.schema.fields.map((f) => f.name);
  const enc = encodeTable(
    t.table,
    names.map((name) => ({ name, kind: 'categorical' as const })),
    t.path,
  );
  const rows = enc.rows;
  const columns: ColumnProfile[] = names.map((name) => {
    const c = enc.columns.get(name)!;
    let missing = 0;
    for (let i = 0; i < c.length; i++) if (c.codes[i] === MISSING) missing++;
    return {
      name,
      type: guessType(enc.dictionaries.get(name)!, rows, c.cardinality),
      distinct: c.cardinality,
      missingFraction: rows ? missing / rows : 0,
      uniqueFraction: rows ? singleUniques(c) / rows : 0,
    };
  });
  // Pairs among candidate QIs: skip identifier-like columns (already unique alone) and constant ones.
  const candidates = columns
    .filter((c) => c.type !== 'identifier-like' && c.distinct > 1)
    .sort((a, b) => b.distinct - a.distinct)
    .slice(0, maxColumns);
  const note =
    columns.filter((c) => c.type !== 'identifier-like' && c.distinct > 1).length > maxColumns
      ? `pairs counted among the ${maxColumns} most diverse columns only`
      : undefined;
  const shared = candidates.map((c) => {
    const col = enc.columns.get(c.name)!;
    return { codes: shareColumn(col).codes, radix: col.cardinality + CODE_OFFSET };
  });
  const pairs: Array<[number, number]> = [];
  for (let a = 0; a < candidates.length; a++)
    for (let b = a + 1; b < candidates.length; b++) pairs.push([a, b]);
  let counts: number[] = [];
  if (pairs.length > 0) {
    const pool = new WorkerPool(workers);
    try {
      const shards = Array.from({ length: workers }, (_, w) => pairs.filter((_, i) => i % workers === w));
      const res = await pool.map(
        'uniqueness.pairUniques',
        shards.map((s) => ({ columns: shared, pairs: s })),
      );
      counts = new Array(pairs.length);
      shards.forEach((s, w) => {
        s.forEach((_, k) => {
          counts[w + k * workers] = res[w][k];
        });
      });
    } finally {
      await pool.close();
    }
  }
  const ranked = pairs
    .map(([a, b], i) => ({
      columns: [candidates[a].name, candidates[b].name] as [string, string],
      uniques: counts[i],
      uniqueFraction: rows ? counts[i] / rows : 0,
    }))
    .sort((x, y) => y.uniques - x.uniques || x.columns.join().localeCompare(y.columns.join()))
    .slice(0, topPairs);
  return { path: t.path, rows, columns, pairs: ranked, note };
}
