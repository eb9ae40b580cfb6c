/**
 * @module engine/suda-sql — minimal sample uniques (SUDA's `subsetUniques`) counted in SQL, level by
 * level, the plan the DuckDB and ClickHouse engines share (each supplies its dialect).
 *
 * A record unique on a set S of QIs is unique on every superset of S, so its minimal sample uniques
 * (MSUs) are its minimal unique subsets. Over the table's distinct rows (each with its first row and
 * its count n), for every subset S of size k = 1 … maxSize in turn:
 *
 *   INSERT INTO msu SELECT o, mask(S), k FROM
 *     (SELECT min(r) AS o FROM distinct WHERE every column of S is present GROUP BY S HAVING sum(n) = 1)
 *   WHERE o NOT IN (SELECT r FROM msu WHERE mask & mask(S) = mask)
 *
 * — the rows alone on S (a missing value is never part of an MSU and matches nothing, so rows missing
 * a column of S neither own nor witness a group), less those that already own an MSU inside S (found
 * at a lower level: a row unique on a proper subset of S owns an MSU there). What is left is exactly
 * the MSUs of size k, the same set the SUDA2 search finds (ClickHouse sends a level's subsets 16 to a
 * statement, joined by UNION ALL: one level's subsets never contain each other). The work is one GROUP BY per subset:
 * Σ_{k ≤ maxSize} C(m, k) of them (2^m − 1 for a full search), each over the distinct rows; only
 * aggregates come back (MSUs per column mask, rows per score), and each row's score when asked.
 *
 * Under --wildcard (a wildcard matches every value of its column and, like a missing value, is never
 * part of an MSU: attacks/suda/prepare.ts), a row is unique on S when it has a value on every column
 * of S, its exact group on S has one record, and no row with wildcards on some nonempty W ⊆ S (and
 * values on S \ W) equals it on S \ W. Since a match on S is a match on every subset of S, uniqueness
 * still only grows with S and the level-by-level plan stands; a level's subsets take two statements:
 *
 *   INSERT INTO cand  (the rows alone on S over exact values, less those owning an MSU inside S: above)
 *   INSERT INTO msu SELECT … FROM cand WHERE mask = mask(S) AND r NOT IN
 *     (SELECT r FROM distinct × {W ∩ S : W a wildcard pattern of the table, W ∩ S ≠ ∅}
 *      WHERE r IN cand(S) AND keys on S with W's keys the wildcard IN (wildcard rows' keys on S))
 *
 * — the wildcard rows that match a candidate, found by one semi-join per subset over the candidates
 * paired with the table's distinct wildcard patterns (at most 2^|S| − 1 of them). The sample uniques
 * and classes of two (DIS-SUDA's U and D) and the classes count exact values, a wildcard being one
 * value, as the local engine counts them.
 */

import { ReidgateError } from '../errors.js';

/** Most QI subsets an engine counts (one GROUP BY each): beyond this, --suda-max-size must bound the search. */
export const MAX_SUBSETS = 65_536;

/** Number of subsets of m columns with 1 … maxSize members (Σ C(m, k)). */
export function subsetCount(m: number, maxSize: number): number {
  let total = 0;
  let c = 1;
  for (let k = 1; k <= maxSize; k++) {
    c = (c * (m - k + 1)) / k;
    total += c;
  }
  return total;
}

/**
 * Refuses a search the engine would not finish: more than MAX_SUBSETS QI subsets to count.
 * @throws ReidgateError('USAGE') naming --suda-max-size
 */
export function checkSubsetCount(engine: string, m: number, maxSize: number): void {
  const n = subsetCount(m, maxSize);
  if (n > MAX_SUBSETS) {
    throw new ReidgateError(
      'USAGE',
      `suda on --engine ${engine}: ${m} QIs with MSUs up to size ${maxSize} make ${n} QI subsets to count, one GROUP BY each (at most ${MAX_SUBSETS}): bound the search with --suda-max-size, or run suda with --engine local`,
    );
  }
}

/** Column bit masks of the subsets of m (≤ 30) columns with 1 … maxSize members, by size then mask. */
export function subsetMasksBySize(m: number, maxSize: number): number[][] {
  const levels: number[][] = [];
  for (let k = 1; k <= Math.min(maxSize, m); k++) {
    const level: number[] = [];
    // Gosper's hack: the next larger number with the same number of bits set.
    for (let x = 2 ** k - 1; x < 2 ** m; ) {
      level.push(x);
      const low = x & -x;
      const up = x + low;
      x = up + (((x ^ up) / low) >> 2);
    }
    levels.push(level);
  }
  return levels;
}

/** How one SQL dialect writes the parts of the plan. */
export interface SudaDialect {
  /** The GROUP BY list for the key columns `cols` of the distinct-rows table. */
  groupBy(cols: readonly number[]): string;
  /** Whether key column j holds a value (neither missing nor, under --wildcard, the wildcard). */
  present(j: number): string;
  /** `a & b` on integers. */
  bitAnd(a: string, b: string): string;
  /** A DOUBLE (Float64) constant from its decimal text. */
  double(text: string): string;
}

/** What the wildcard model adds to a dialect (the distinct-rows table then has a pattern column `w`). */
export interface SudaWildDialect extends SudaDialect {
  /** One comparable value (a packed number or a tuple) of the columns `cols`, from each one's key expression. */
  tuple(cols: readonly number[], key: (j: number) => string): string;
  /** Key column j's name. */
  key(j: number): string;
  /** Key column j, or the wildcard key where bit j of the integer expression `p` is set. */
  masked(j: number, p: string): string;
  /** Whether key column j is not missing (a value or the wildcard). */
  notMissing(j: number): string;
  /** The FROM-clause suffix pairing each row with each pattern `p` of the list. */
  patterns(list: readonly number[]): string;
}

/**
 * The statement adding the MSUs of some subsets of one size to the MSU table (no subset of the list
 * contains another, so each reads only MSUs of lower levels).
 * @param distinct - the distinct-rows table (columns r, n and the keys)
 * @param msu - the MSU table (r, mask, k)
 * @param m - number of columns
 * @param masks - the subsets, all of the same size
 */
export function subsetMsusSql(
  d: SudaDialect,
  distinct: string,
  msu: string,
  m: number,
  masks: readonly number[],
  into = msu,
): string {
  const arms = masks.map((mask) => {
    const cols = columnsOf(m, mask);
    const where = cols.map((j) => d.present(j)).join(' AND ');
    // (`o`, not `r`: ClickHouse refuses an alias that names the column it aggregates.)
    const alone = `SELECT min(r) AS o FROM ${distinct} WHERE ${where} GROUP BY ${d.groupBy(cols)} HAVING sum(n) = 1`;
    const lower =
      cols.length === 1
        ? ''
        : ` WHERE o NOT IN (SELECT r FROM ${msu} WHERE ${d.bitAnd('mask', String(mask))} = mask)`;
    return `SELECT o, ${mask}, ${cols.length} FROM (${alone})${lower}`;
  });
  return `INSERT INTO ${into} (r, mask, k) ${arms.join(' UNION ALL ')}`;
}

/** The columns (bit numbers) of a mask over m columns, ascending. */
function columnsOf(m: number, mask: number): number[] {
  const cols: number[] = [];
  for (let j = 0; j < m; j++) if (mask & (1 << j)) cols.push(j);
  return cols;
}

/**
 * Under --wildcard, the statement moving the candidates of some subsets (rows alone on S over exact
 * values, without an MSU inside S: subsetMsusSql into `cand`) that no wildcard row matches into the
 * MSU table. A row with wildcards on exactly W ⊆ S (W ≠ ∅, a pattern of `patterns` cut to S) and
 * values elsewhere on S matches a candidate when it equals it on S \ W: each candidate is paired with
 * each pattern W, its keys on W replaced by the wildcard key, and looked up among the wildcard rows'
 * keys on S (a row missing a value on S matches nothing and is left out). One semi-join per subset.
 * @param patterns - the distinct nonzero wildcard patterns of the distinct rows (column bit masks)
 */
export function wildMsusSql(
  d: SudaWildDialect,
  distinct: string,
  cand: string,
  msu: string,
  m: number,
  masks: readonly number[],
  patterns: readonly number[],
): string {
  const arms = masks.map((mask) => {
    const cols = columnsOf(m, mask);
    const mine = `SELECT r, mask, k FROM ${cand} WHERE mask = ${mask}`;
    const cut = [...new Set(patterns.map((w) => w & mask).filter((w) => w !== 0))].sort((a, b) => a - b);
    if (cut.length === 0) return mine;
    const wildKeys =
      `SELECT ${d.tuple(cols, (j) => d.key(j))} FROM ${distinct} ` +
      `WHERE ${d.bitAnd('w', String(mask))} != 0 AND ${cols.map((j) => d.notMissing(j)).join(' AND ')}`;
    const matched =
      `SELECT r FROM ${distinct}${d.patterns(cut)} WHERE r IN (SELECT r FROM ${cand} WHERE mask = ${mask}) ` +
      `AND ${d.tuple(cols, (j) => d.masked(j, 'p'))} IN (${wildKeys})`;
    return `${mine} AND r NOT IN (${matched})`;
  });
  return `INSERT INTO ${msu} (r, mask, k) ${arms.join(' UNION ALL ')}`;
}

/**
 * The subsets of each level in chunks of `perStatement`, level by level (one level's subsets are
 * independent, so a chunk is one statement: fewer round trips).
 */
export function subsetBatches(m: number, maxSize: number, perStatement: number): number[][] {
  const out: number[][] = [];
  for (const level of subsetMasksBySize(m, maxSize))
    for (let i = 0; i < level.length; i += perStatement) out.push(level.slice(i, i + perStatement));
  return out;
}

/** The scratch tables of the plan and how the candidates table is emptied. */
export interface SudaTables {
  /** The distinct-rows table (r, n, the keys and, under --wildcard, w). */
  distinct: string;
  /** The MSU table (r, mask, k). */
  msu: string;
  /** The candidates table (r, mask, k), under --wildcard only. */
  cand: string;
  /** The statement emptying `cand`. */
  clearCand: string;
}

/**
 * Counts the MSUs of every subset up to `maxSize`, level by level, `perStatement` subsets to a
 * statement: straight into the MSU table, or, when the table holds wildcard patterns, through the
 * candidates table (subsetMsusSql, then wildMsusSql; emptied after each batch).
 * @param exec - runs one statement
 * @param exact - the dialect without wildcards
 * @param wild - the dialect under --wildcard
 * @param patterns - the table's distinct nonzero wildcard patterns (none: no wildcard matching)
 */
export async function countMsus(
  exec: (sql: string) => Promise<unknown>,
  exact: SudaDialect,
  wild: SudaWildDialect,
  t: SudaTables,
  m: number,
  maxSize: number,
  perStatement: number,
  patterns: readonly number[],
): Promise<void> {
  for (const masks of subsetBatches(m, maxSize, perStatement)) {
    if (patterns.length === 0) {
      await exec(subsetMsusSql(exact, t.distinct, t.msu, m, masks));
      continue;
    }
    await exec(subsetMsusSql(wild, t.distinct, t.msu, m, masks, t.cand));
    await exec(wildMsusSql(wild, t.distinct, t.cand, t.msu, m, masks, patterns));
    await exec(t.clearCand);
  }
}

/** A row's score: the sum of its MSUs' weights, as an SQL expression over the MSU table's `k`. */
export function scoreSql(d: SudaDialect, weights: Float64Array): string {
  const cases: string[] = [];
  // String(x) round-trips a double exactly; whole-number weights below 2^53 sum exactly in any order.
  for (let k = 1; k < weights.length; k++) cases.push(`WHEN k = ${k} THEN ${d.double(String(weights[k]))}`);
  return `sum(CASE ${cases.join(' ')} ELSE ${d.double('0')} END)`;
}
