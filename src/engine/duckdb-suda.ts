/**
 * @module engine/duckdb-suda — the DuckDB engine's `subsetUniques` (minimal sample uniques for SUDA):
 * the level-by-level plan of suda-sql.ts on a scratch table of the release's distinct rows.
 */
import { ReidgateError } from '../errors.js';
import type { DuckDbEngine, DuckTable } from './duckdb.js';
import { ident, keyName, lit } from './duckdb-sql.js';
import { type SudaDialect, scoreSql, subsetMasksBySize, subsetMsusSql } from './suda-sql.js';
import type { SubsetUniques, SubsetUniquesQuery } from './types.js';

/** DuckDB's spelling of the plan (missing is NULL). */
const DUCK: SudaDialect = {
  key: (j) => keyName(j),
  present: (j) => `${keyName(j)} IS NOT NULL`,
  bitAnd: (a, b) => `(${a} & ${b})`,
  double: (text) => `CAST(${lit(text)} AS DOUBLE)`,
};

/**
 * Minimal sample uniques of a DuckDB table (see SubsetUniquesQuery; `maxMsus` does not apply: every
 * MSU is found).
 * @param engine - the engine (its connection, failures, row streaming)
 * @param t - the table
 * @param q - the question
 * @param scratch - a number making the scratch tables' names unique
 */
export async function duckSubsetUniques(
  engine: DuckDbEngine,
  t: DuckTable,
  q: SubsetUniquesQuery,
  scratch: number,
): Promise<SubsetUniques> {
  if (q.wildcard)
    throw new ReidgateError('INTERNAL', 'duckdb engine: SUDA under --wildcard runs on the local engine only');
  const m = q.columns.length;
  const doing = `counting minimal sample uniques over ${q.columns.join(', ')}`;
  const d = `rg_suda_rows${scratch}`;
  const msu = `rg_suda_msu${scratch}`;
  const keys = q.columns.map((c, j) => `t.${ident(c)} AS ${keyName(j)}`).join(', ');
  try {
    await engine.all(
      `CREATE TEMP TABLE ${d} AS SELECT ${keys}, min(${t.row})::INTEGER AS r, count(*) AS n ` +
        `FROM ${t.relation} AS t GROUP BY ALL`,
      doing,
    );
    const missing = q.columns.map((_, j) => `bool_or(${keyName(j)} IS NULL)`).join(', ');
    const [stats] = await engine.all(
      `SELECT count(*)::DOUBLE, count(*) FILTER (WHERE n = 1)::DOUBLE, ` +
        `(2 * count(*) FILTER (WHERE n = 2))::DOUBLE, ${missing} FROM ${d}`,
      doing,
    );
    await engine.all(`CREATE TEMP TABLE ${msu} (r INTEGER, mask INTEGER, k INTEGER)`, doing);
    for (const level of subsetMasksBySize(m, q.maxSize))
      for (const mask of level) await engine.all(subsetMsusSql(DUCK, d, msu, m, mask), doing);
    const byMask = await engine.all(
      `SELECT mask, count(*)::DOUBLE FROM ${msu} GROUP BY mask ORDER BY mask`,
      doing,
    );
    const score = scoreSql(DUCK, q.weights);
    const scores = await engine.all(
      `SELECT s, count(*)::DOUBLE FROM (SELECT ${score} AS s FROM ${msu} GROUP BY r) GROUP BY s ORDER BY s`,
      doing,
    );
    const perRecord = q.perRecord
      ? await engine.streamInto(
          `SELECT r, ${score} FROM ${msu} GROUP BY r`,
          new Float64Array(t.rows),
          `${doing} (per-record scores)`,
        )
      : undefined;
    return {
      records: t.rows,
      classes: stats[0] as number,
      sampleUniques: stats[1] as number,
      pairRecords: stats[2] as number,
      byMask: byMask.map(([mask, msus]) => ({ mask: mask as number, msus: msus as number })),
      scores: scores.map(([s, records]) => ({ score: s as number, records: records as number })),
      perRecord,
      truncated: false,
      missingIn: q.columns.filter((_, j) => stats[3 + j] === true),
    };
  } finally {
    for (const x of [d, msu]) await engine.conn.run(`DROP TABLE IF EXISTS ${x}`).catch(() => {});
  }
}
