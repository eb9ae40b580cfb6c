/**
 * @module engine/duckdb-rare — the rare-values attack's aggregates of a relational release on DuckDB
 * (`rareValueCounts`), from the release's code sets (duckdb-codesets.ts) and its event files:
 * - holders per code: one GROUP BY over the code sets;
 * - patients holding a rare code, per table and in all: the rare codes (chosen in JS from the holders)
 *   uploaded and joined;
 * - rare pairs: a self-join of the code sets on the patient over the codes each held by ≥ N patients,
 *   grouped by pair, the pairs held by 1 … N − 1 tallied by table pair (the local kernel's cost: the
 *   sum over patients of C(codes, 2));
 * - value columns: each distinct raw value read as the local loader reads it (relational/load.ts
 *   `eventValue`, in JS) and uploaded; per number, its events and distinct patients (a histogram);
 * - the birth column's distinct released values with their holders; the latest event year from the
 *   distinct dates of events with a (non-suppressed) code.
 * Only these aggregates come back, never a patient's values.
 */
import { ReidgateError } from '../errors.js';
import { coarsen, parseEventDate } from '../relational/dates.js';
import { eventValue } from '../relational/load.js';
import type { DuckDbEngine } from './duckdb.js';
import { codeSetsOf, keyed, relationalOf } from './duckdb-codesets.js';
import type { DuckRelational } from './duckdb-events.js';
import { scratchTables, upload } from './duckdb-linkage.js';
import { ident } from './duckdb-sql.js';
import type { RareValueCounts, RareValuesQuery } from './types.js';

/** The year of an index at a precision (as attacks/rare-values reads the person view's dates). */
function yearOf(d: number, precision: 'day' | 'month' | 'year'): number {
  return precision === 'year'
    ? d
    : precision === 'month'
      ? Math.floor(d / 12)
      : new Date(d * 86_400_000).getUTCFullYear();
}

/**
 * The rare-values aggregates (see RareValueCounts).
 * @throws ReidgateError('ENGINE') on engine failure
 */
export async function duckRareValueCounts(
  engine: DuckDbEngine,
  q: RareValuesQuery,
  wildcard: readonly string[],
): Promise<RareValueCounts> {
  const rel = relationalOf(engine);
  const release = engine.tables.get('release');
  if (!release) throw new ReidgateError('INTERNAL', 'duckdb engine: no release table');
  const doing = 'counting rare values';
  const sets = await codeSetsOf(engine, 'release');
  const s = scratchTables(engine, 'rv', doing);
  const T = rel.tables.length;
  const tableOfCode = new Int32Array(rel.labels.length);
  for (const [i, t] of rel.tables.entries()) tableOfCode.fill(i, t.base, t.suppressed + 1);
  try {
    const holders = new Float64Array(rel.labels.length);
    for (const [c, n] of await engine.all(`SELECT code, count(*)::DOUBLE FROM ${sets} GROUP BY code`, doing))
      holders[c as number] = n as number;
    const isSuppressed = (c: number) => rel.tables[tableOfCode[c]].suppressed === c;
    const codesWhere = (keep: (c: number) => boolean) => {
      const codes: number[] = [];
      for (let c = 0; c < holders.length; c++) if (keep(c)) codes.push(c);
      return codes;
    };
    const listTable = async (name: string, codes: number[]) => {
      const t = s.table(name);
      try {
        await upload(engine.conn, t, [
          ['code', 'INTEGER', codes],
          ['t', 'INTEGER', codes.map((c) => tableOfCode[c])],
        ]);
      } catch (e) {
        throw engine.failure(e, doing);
      }
      return t;
    };
    // Rare codes and the patients holding one.
    const rare = await listTable(
      'rare',
      codesWhere((c) => !isSuppressed(c) && holders[c] > 0 && holders[c] < q.n),
    );
    const patientsWithRareCode = new Array<number>(T).fill(0);
    for (const [t, n] of await engine.all(
      `SELECT r.t, count(DISTINCT c.p)::DOUBLE FROM ${sets} AS c JOIN ${rare} AS r ON r.code = c.code GROUP BY r.t`,
      doing,
    ))
      patientsWithRareCode[t as number] = n as number;
    const [[withRareCode]] = await engine.all(
      `SELECT count(DISTINCT c.p)::DOUBLE FROM ${sets} AS c JOIN ${rare} AS r ON r.code = c.code`,
      doing,
    );
    // Rare pairs of common codes.
    let pairs: number[] | null = null;
    if (q.pairs) {
      pairs = new Array<number>(T * T).fill(0);
      const common = await listTable(
        'common',
        codesWhere((c) => !isSuppressed(c) && holders[c] >= q.n),
      );
      const held = s.table('held');
      await s.run(
        `CREATE TEMP TABLE ${held} AS SELECT c.p, c.code, e.t FROM ${sets} AS c JOIN ${common} AS e ON e.code = c.code`,
      );
      for (const [ta, tb, n] of await engine.all(
        `SELECT ta, tb, count(*)::DOUBLE FROM (SELECT a.t AS ta, b.t AS tb, a.code, b.code, count(*) AS n ` +
          `FROM ${held} AS a JOIN ${held} AS b ON b.p = a.p AND b.code > a.code GROUP BY ALL) ` +
          `WHERE n < ${q.n} GROUP BY ALL`,
        `${doing} (code pairs)`,
      ))
        pairs[(ta as number) * T + (tb as number)] = n as number;
    }
    // Birth values and their holders.
    let birth: Array<[string, number]> | null = null;
    if (q.birth !== undefined) {
      const col = `CAST(t.${ident(q.birth)} AS VARCHAR)`;
      const tokens = wildcard.map((w) => `'${w.replaceAll("'", "''")}'`).join(', ');
      birth = (
        await engine.all(
          `SELECT ${col}, count(*)::DOUBLE FROM ${release.relation} AS t WHERE ${col} IS NOT NULL` +
            (tokens ? ` AND ${col} NOT IN (${tokens})` : '') +
            ' GROUP BY 1',
          doing,
        )
      ).map(([v, n]) => [String(v), n as number]);
    }
    const { values, latestEventYear } = await duckEventAggregates(engine, rel, s);
    return {
      holders,
      patientsWithRareCode,
      withRareCode: withRareCode as number,
      pairs,
      values,
      birth,
      latestEventYear,
    };
  } finally {
    await s.drop();
  }
}

/**
 * The aggregates of a release's event files that the rare-values attack needs besides the code sets:
 * a histogram of each value column, and the latest event year (see RareValueCounts). Shared with
 * the ClickHouse engine, which does not hold the event rows (clickhouse-codesets.ts).
 * @throws ReidgateError('ENGINE') on engine failure
 */
export async function duckEventAggregates(
  engine: DuckDbEngine,
  rel: DuckRelational,
  s: ReturnType<typeof scratchTables>,
): Promise<Pick<RareValueCounts, 'values' | 'latestEventYear'>> {
  const doing = 'counting rare values';
  const release = engine.tables.get('release');
  if (!release) throw new ReidgateError('INTERNAL', 'duckdb engine: no release table');
  // Value columns: a histogram of each.
  const values: RareValueCounts['values'] = [];
  const persons = keyed(release, rel.key);
  for (const e of rel.events) {
    const side = e.sides.release;
    if (!side) continue;
    for (const v of e.values) {
      const t = side.table;
      const raws = await engine.all(
        `SELECT DISTINCT CAST(t.${ident(v.name)} AS VARCHAR) FROM ${t.relation} AS t WHERE t.${ident(v.name)} IS NOT NULL`,
        doing,
      );
      const map: Array<[string, number]> = [];
      for (const [raw] of raws) {
        // Validated when loading: a value here is a number, blank or suppressed.
        const x = eventValue(String(raw), rel.suppressed, () => 0, v.name, e.info.name);
        if (!Number.isNaN(x)) map.push([String(raw), x]);
      }
      const mt = s.table('vmap');
      try {
        await upload(engine.conn, mt, [
          ['raw', 'VARCHAR', map.map((m) => m[0])],
          ['x', 'DOUBLE', map.map((m) => m[1])],
        ]);
      } catch (err) {
        throw engine.failure(err, doing);
      }
      const histogram = (await engine.all(
        `SELECT m.x, count(*)::DOUBLE, count(DISTINCT p.p)::DOUBLE FROM ${t.relation} AS t ` +
          `JOIN ${mt} AS m ON m.raw = CAST(t.${ident(v.name)} AS VARCHAR) ` +
          `JOIN ${persons} AS p ON p.k = CAST(t.${ident(e.key)} AS VARCHAR) GROUP BY m.x ORDER BY m.x`,
        doing,
      )) as Array<[number, number, number]>;
      values.push({ table: e.info.name, column: v.name, min: v.min, max: v.max, histogram });
    }
  }
  // The latest year of a dated event with a code.
  let latestEventYear: number | null = null;
  for (const e of rel.events) {
    const side = e.sides.release;
    if (!side?.codeMap || !e.code || !e.date || !e.info.dated) continue;
    const t = side.table;
    for (const [raw] of await engine.all(
      `SELECT DISTINCT CAST(t.${ident(e.date)} AS VARCHAR) FROM ${t.relation} AS t ` +
        `JOIN ${side.codeMap} AS m ON m.raw = CAST(t.${ident(e.code)} AS VARCHAR) ` +
        `WHERE m.code <> ${e.info.suppressed} AND t.${ident(e.date)} IS NOT NULL`,
      doing,
    )) {
      const text = String(raw);
      if (rel.suppressed.has(text.trim()) || text.trim() === '') continue;
      const d = parseEventDate(text);
      if (!d) continue;
      const y = yearOf(coarsen(d.first, e.precision), e.precision);
      if (latestEventYear === null || y > latestEventYear) latestEventYear = y;
    }
  }
  return { values, latestEventYear };
}
