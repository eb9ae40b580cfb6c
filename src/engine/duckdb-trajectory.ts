/**
 * @module engine/duckdb-trajectory — the trajectory attack's counting pushed down to DuckDB
 * (`personEvents`, `trajectoryCounts`), answering what attacks/person-match's kernels answer locally
 * over the person view's dated sequences.
 *
 * Tables (duckdb-events.ts loads the event files and uploads, per side, the raw → combined code and
 * raw date → window mappings, computed in JS by relational/load.ts's own functions):
 * - each side's dated events `(p, code, lo, hi)`: per person row its distinct (code, date window)
 *   pairs from every event table with a code and a date column (suppressed codes included, events
 *   without a code or a date left out), joined to the person table by the key; materialized on first
 *   use. On the release lo = hi (its date at the table's precision); on the original, a declared date
 *   shift widens it to the window a release date may fall in — as relational/person-view.ts.
 * - the targets' truth and compatible classes: duckdb-codesets.ts `targetClasses` (code-sets' own).
 * Counting: the known points are uploaded as (target, item, code, window) with a second row per item
 * for its table's suppressed code; level 1 is the demographically compatible release persons with an
 * event of item 1's code (or the suppressed code) dated within its window; level m keeps those of
 * level m − 1 with such an event for item m (a join of the level's persons with their own events).
 * Per (target, level) the persons and whether the true person is among them come back — at most
 * targets × K rows, never events of persons other than the sampled targets (personEvents).
 *
 * Level 1 is materialized as (target, person) pairs: a known point held by many patients (a common
 * code in a coarse period, no demographics) costs its holders per target, spilled to disk under the
 * memory limit rather than held in memory.
 */
import { ReidgateError } from '../errors.js';
import type { DuckDbEngine } from './duckdb.js';
import {
  keyed,
  levelArrays,
  readLevel,
  relationalOf,
  suppressedOf,
  targetClasses,
  uploadAs,
} from './duckdb-codesets.js';
import { type DuckLinkageOptions, scratchTables } from './duckdb-linkage.js';
import { ident } from './duckdb-sql.js';
import type { CodeSetCounts, PersonCodesQuery, PersonEvents, TrajectoryQuery } from './types.js';

/** Per engine and side, the materialized dated-events table (built once). */
const sequences = new WeakMap<object, Map<string, Promise<string>>>();

/** The side's dated events table (p, code, lo, hi), materialized on first use. */
export function sequencesOf(engine: DuckDbEngine, side: 'release' | 'original'): Promise<string> {
  const rel = relationalOf(engine);
  let bySide = sequences.get(rel);
  if (!bySide) {
    bySide = new Map();
    sequences.set(rel, bySide);
  }
  const hit = bySide.get(side);
  if (hit) return hit;
  const made = (async () => {
    const persons = engine.tables.get(side);
    if (!persons) throw new ReidgateError('INTERNAL', `duckdb engine: no ${side} person table`);
    const name = `rg_sequences_${side}`;
    const parts = rel.events.flatMap((e) => {
      const s = e.sides[side];
      if (!s?.codeMap || !s.dateMap || !e.code || !e.date) return [];
      return [
        `SELECT CAST(t.${ident(e.key)} AS VARCHAR) AS k, m.code, d.lo, d.hi FROM ${s.table.relation} AS t ` +
          `JOIN ${s.codeMap} AS m ON m.raw = CAST(t.${ident(e.code)} AS VARCHAR) ` +
          `JOIN ${s.dateMap} AS d ON d.raw = CAST(t.${ident(e.date)} AS VARCHAR)`,
      ];
    });
    const events =
      parts.length > 0
        ? parts.join(' UNION ALL ')
        : 'SELECT NULL::VARCHAR AS k, NULL::INTEGER AS code, NULL::INTEGER AS lo, NULL::INTEGER AS hi WHERE false';
    await engine.all(
      `CREATE TABLE ${name} AS SELECT DISTINCT p.p, x.code, x.lo, x.hi FROM (${events}) AS x ` +
        `JOIN ${keyed(persons, rel.key)} AS p ON p.k = x.k`,
      `building the ${side} patients' dated events`,
    );
    return name;
  })();
  bySide.set(side, made);
  return made;
}

/**
 * Each given person's distinct dated events, sorted by (code, lo, hi), and the release's date range
 * and distinct (code, date) points (see PersonEvents).
 * @throws ReidgateError('ENGINE') on engine failure
 */
export async function duckPersonEvents(engine: DuckDbEngine, q: PersonCodesQuery): Promise<PersonEvents> {
  const doing = `reading the sampled ${q.side} patients' dated events`;
  const seq = await sequencesOf(engine, q.side);
  const rseq = await sequencesOf(engine, 'release');
  const s = scratchTables(engine, 'pe', doing);
  try {
    const n = q.rows.length;
    const sample = await uploadAs(
      engine,
      s,
      'sample',
      [
        ['pos', 'INTEGER', Int32Array.from({ length: n }, (_, i) => i)],
        ['p', 'INTEGER', q.rows],
      ],
      doing,
    );
    const rows = await engine.all(
      `SELECT s.pos, e.code, e.lo, e.hi FROM ${sample} AS s JOIN ${seq} AS e ON e.p = s.p ORDER BY s.pos, e.code, e.lo, e.hi`,
      doing,
    );
    const offsets = new Int32Array(n + 1);
    const codes = new Int32Array(rows.length);
    const lo = new Int32Array(rows.length);
    const hi = new Int32Array(rows.length);
    rows.forEach(([pos, code, l, h], i) => {
      offsets[(pos as number) + 1]++;
      codes[i] = code as number;
      lo[i] = l as number;
      hi[i] = h as number;
    });
    for (let i = 0; i < n; i++) offsets[i + 1] += offsets[i];
    const [[min, max, points]] = await engine.all(
      `SELECT min(lo), max(lo), (SELECT count(*) FROM (SELECT DISTINCT code, lo FROM ${rseq}))::DOUBLE FROM ${rseq}`,
      `${doing} (the release's dates)`,
    );
    const releaseDates: [number, number] | null = min === null ? null : [min as number, max as number];
    return { offsets, codes, lo, hi, releaseDates, releasePoints: points as number };
  } finally {
    await s.drop();
  }
}

/**
 * Trajectory counts (see TrajectoryQuery and the module comment).
 * @throws ReidgateError('ENGINE') on engine failure; ('COLUMN') when a hierarchy misses a value
 */
export async function duckTrajectoryCounts(
  engine: DuckDbEngine,
  q: TrajectoryQuery,
  opts: DuckLinkageOptions,
): Promise<CodeSetCounts> {
  const rel = relationalOf(engine);
  const doing = `counting the trajectories of ${q.targetRows.length} targets`;
  const seq = await sequencesOf(engine, 'release');
  const s = scratchTables(engine, 'tj', doing);
  const T = q.targetRows.length;
  const M = q.levels;
  try {
    const { truth, truthT, pcls, pairs, details } = await targetClasses(engine, q, opts, s, doing);
    const tid: number[] = [];
    const item: number[] = [];
    const supp: number[] = [];
    for (let t = 0; t < T; t++) {
      for (let i = q.itemOffsets[t]; i < q.itemOffsets[t + 1]; i++) {
        tid.push(t);
        item.push(i - q.itemOffsets[t] + 1);
        supp.push(suppressedOf(rel, q.items[i]));
      }
    }
    const n = tid.length;
    const items = await uploadAs(
      engine,
      s,
      'items',
      [
        ['tid', 'INTEGER', tid],
        ['item', 'INTEGER', item],
        ['code', 'INTEGER', q.items.subarray(0, n)],
        ['supp', 'INTEGER', supp],
        ['lo', 'INTEGER', q.itemLo.subarray(0, n)],
        ['hi', 'INTEGER', q.itemHi.subarray(0, n)],
      ],
      doing,
    );
    const alts = s.table('alts');
    await s.run(
      `CREATE TEMP TABLE ${alts} AS SELECT tid, item, code, lo, hi FROM ${items} ` +
        `UNION ALL SELECT tid, item, supp, lo, hi FROM ${items}`,
    );
    const out = levelArrays(q.itemOffsets, M);
    let cur = s.table('cur');
    await s.run(
      `CREATE TEMP TABLE ${cur} AS SELECT DISTINCT a.tid, e.p FROM ${alts} AS a ` +
        `JOIN ${seq} AS e ON e.code = a.code AND e.lo BETWEEN a.lo AND a.hi ` +
        `JOIN ${pcls} AS pc ON pc.p = e.p JOIN ${pairs} AS ct ON ct.tid = a.tid AND ct.cid = pc.cid WHERE a.item = 1`,
    );
    for (let m = 1; m <= M; m++) {
      if (m > 1) {
        const next = s.table('cur');
        await s.run(
          `CREATE TEMP TABLE ${next} AS SELECT DISTINCT c.tid, c.p FROM ${cur} AS c JOIN ${seq} AS e ON e.p = c.p ` +
            `JOIN ${alts} AS a ON a.tid = c.tid AND a.item = ${m} AND a.code = e.code AND e.lo BETWEEN a.lo AND a.hi`,
        );
        cur = next;
      }
      await readLevel(engine, cur, truthT, m, M, out, doing);
    }
    return { truth, ...out, details };
  } finally {
    await s.drop();
  }
}
