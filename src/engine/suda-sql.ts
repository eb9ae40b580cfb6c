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
  /** Whether key column j holds a value (not missing). */
  present(j: number): string;
  /** `a & b` on integers. */
  bitAnd(a: string, b: string): string;
  /** A DOUBLE (Float64) constant from its decimal text. */
  double(text: string): string;
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
): string {
  const arms = masks.map((mask) => {
    const cols: number[] = [];
    for (let j = 0; j < m; j++) if (mask & (1 << j)) cols.push(j);
    const where = cols.map((j) => d.present(j)).join(' AND ');
    // (`o`, not `r`: ClickHouse refuses an alias that names the column it aggregates.)
    const alone = `SELECT min(r) AS o FROM ${distinct} WHERE ${where} GROUP BY ${d.groupBy(cols)} HAVING sum(n) = 1`;
    const lower =
      cols.length === 1
        ? ''
        : ` WHERE o NOT IN (SELECT r FROM ${msu} WHERE ${d.bitAnd('mask', String(mask))} = mask)`;
    return `SELECT o, ${mask}, ${cols.length} FROM (${alone})${lower}`;
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

/** A row's score: the sum of its MSUs' weights, as an SQL expression over the MSU table's `k`. */
export function scoreSql(d: SudaDialect, weights: Float64Array): string {
  const cases: string[] = [];
  // String(x) round-trips a double exactly; whole-number weights below 2^53 sum exactly in any order.
  for (let k = 1; k < weights.length; k++) cases.push(`WHEN k = ${k} THEN ${d.double(String(weights[k]))}`);
  return `sum(CASE ${cases.join(' ')} ELSE ${d.double('0')} END)`;
}
