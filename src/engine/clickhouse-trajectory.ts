/**
 * @module engine/clickhouse-trajectory — the trajectory attack's counting pushed down to ClickHouse
 * (`personEvents`, `trajectoryCounts`), with the figures attacks/trajectory gives on the local engine
 * and duckdb-trajectory.ts on DuckDB.
 *
 * Tables: each side's dated events `(p, code, lo, hi)` — per person row its distinct (combined code,
 * date window) pairs, built by the embedded DuckDB that checks and codes the event files
 * (duckdb-trajectory.ts sequencesOf: the raw → window mapping of relational/load.ts, a declared date
 * shift widening the original's windows) — are streamed to one MergeTree table per side on the
 * coordinator (not sharded) when the trial plans trajectory (clickhouse-codesets.ts loadChEvents); the
 * raw event rows never reach ClickHouse. The targets' truth and compatible classes are code-sets' own
 * (clickhouse-codesets.ts chTargetClasses).
 *
 * Counting, in the 18.16 dialect (USING joins, the right side the hash table, the window test in the
 * WHERE after the join): the known points are uploaded as (target, item, code, window) with a second
 * row per item for its table's suppressed code; level 1: the release events joined with their
 * person's class stream against each target's (item 1, compatible class) on (code, class), kept when
 * the event's date lies in the item's window; level k: the events of the persons of level k − 1
 * against their target's item k, on (person, code), the same window test. Per (target, level) the
 * persons and whether the true person is among them come back — at most targets × K rows, never
 * events of persons other than the sampled targets (personEvents).
 *
 * Memory: a level's (target, person) pairs are held by the coordinator (a GROUP BY, which spills to
 * disk under --memory-limit, then the next level's hash table, which does not), and a known point in a
 * coarse period with no demographics is held by many patients for every target that knows it. So one
 * streaming pass first counts each target's level-1 matching events (from the matched points' event
 * counts), and the targets are counted in batches of at most BATCH_EVENTS such matches (a target above
 * it alone): one pass over the release's events per batch and level, in place of memory growing with
 * targets × holders. Not bounded by the batches: at levels k ≥ 2 the join produces, before the window
 * test, every event of a level-(k − 1) patient with point k's code (at any date) — the pairs times the
 * patients' events per code, modest for claims; and a single target's own set, however large.
 */
import { ReidgateError } from '../errors.js';
import type { ClickHouseEngine } from './clickhouse.js';
import {
  chKnownItems,
  chPersonRows,
  chReadLevel,
  chScratch,
  chTargetClasses,
  relationalOf,
} from './clickhouse-codesets.js';
import { levelArrays } from './duckdb-codesets.js';
import type { CodeSetCounts, PersonCodesQuery, PersonEvents, TrajectoryQuery } from './types.js';

/**
 * Level-1 matching events (summed over a batch's targets) above which the targets are counted in a
 * further batch: a level's (target, person) pairs are a GROUP BY and the next level's hash
 * table, so about this many rows (some hundred MB) bound the coordinator's memory.
 */
const BATCH_EVENTS = 4_000_000;

/**
 * Each given person's distinct dated events, sorted by (code, lo, hi), and the release's date range
 * and distinct (code, date) points (see PersonEvents).
 * @throws ReidgateError('ENGINE') on engine failure
 */
export async function chPersonEvents(engine: ClickHouseEngine, q: PersonCodesQuery): Promise<PersonEvents> {
  const doing = `reading the sampled ${q.side} patients' dated events`;
  const { sets: seq } = relationalOf(engine, q.side, 'sequences');
  const { sets: rseq } = relationalOf(engine, 'release', 'sequences');
  const {
    offsets,
    columns: [codes, lo, hi],
  } = await chPersonRows(engine, seq, q.rows, ['code', 'lo', 'hi'], doing);
  // min/max of no rows are 0 in ClickHouse, not NULL: the count says whether there is a range. The
  // distinct points by a GROUP BY, which spills to disk under --memory-limit (uniqExact would not).
  const [[n, min, max]] = await engine.coordinator.numbers(
    `SELECT count(), min(lo), max(lo) FROM ${rseq}`,
    `${doing} (the release's dates)`,
  );
  const [[points]] = await engine.coordinator.numbers(
    `SELECT count() FROM (SELECT code, lo FROM ${rseq} GROUP BY code, lo)`,
    `${doing} (the release's points)`,
  );
  return { offsets, codes, lo, hi, releaseDates: n === 0 ? null : [min, max], releasePoints: points };
}

/**
 * Trajectory counts (see TrajectoryQuery and the module comment).
 * @throws ReidgateError('ENGINE') on engine failure; ('COLUMN') when a hierarchy misses a value
 */
export async function chTrajectoryCounts(
  engine: ClickHouseEngine,
  q: TrajectoryQuery,
  wildcard: readonly string[],
): Promise<CodeSetCounts> {
  const { rel: relational, sets: seq } = relationalOf(engine, 'release', 'sequences');
  const doing = `counting the trajectories of ${q.targetRows.length} targets`;
  const T = q.targetRows.length;
  const M = q.levels;
  const s = chScratch(engine, doing);
  try {
    const { truth, truthT, pcls, pairs } = await chTargetClasses(engine, q, wildcard, s);
    // The known points (target, item, code, window), each also with its table's suppressed code.
    const { tid, item, code, src } = chKnownItems(relational, q.itemOffsets, q.items);
    if (src.some((i) => q.itemLo[i] > q.itemHi[i]))
      throw new ReidgateError('INTERNAL', `${doing}: an empty date window`);
    const alo = src.map((i) => q.itemLo[i]);
    const ahi = src.map((i) => q.itemHi[i]);
    const items = await s.put('tji', [
      ['tid', 'UInt64', tid],
      ['item', 'UInt32', item],
      ['code', 'Int32', code],
      ['alo', 'Int32', alo],
      ['ahi', 'Int32', ahi],
    ]);
    // The first points with their windows spelled out as dates (tid, code, lo): level 1 is an
    // equality join, whose output is only the matches (a range test after a join on the code alone
    // would first pair every event of a common code with every target knowing it).
    const first = await s.make(
      'tjx',
      `SELECT tid, code, toInt32(alo + arrayJoin(range(toUInt32(ahi - alo + 1)))) AS lo FROM ${items} WHERE item = 1`,
    );
    // Level 1's matching events per target (an upper bound of its persons), from the matched points'
    // event counts; then batches of targets whose matches fit BATCH_EVENTS.
    const matches = new Float64Array(T);
    for (const [t, n] of await engine.coordinator.numbers(
      `SELECT tid, sum(n) FROM (SELECT code, lo, count() AS n FROM ${seq} ` +
        `WHERE (code, lo) IN (SELECT code, lo FROM ${first}) GROUP BY code, lo) ` +
        `ALL INNER JOIN ${first} USING code, lo GROUP BY tid`,
      `${doing} (level 1's matching events)`,
    ))
      matches[t] = n;
    const batchOf: number[] = [];
    const batchTid: number[] = [];
    let batches = 0;
    let filled = 0;
    for (let t = 0; t < T; t++) {
      // No event matches its first point: its sets are empty at every level (sizes stay 0).
      if (matches[t] === 0) continue;
      if (filled > 0 && filled + matches[t] > BATCH_EVENTS) {
        batches++;
        filled = 0;
      }
      batchTid.push(t);
      batchOf.push(batches);
      filled += matches[t];
    }
    if (filled > 0) batches++;
    const batchT = await s.put('tjb', [
      ['tid', 'UInt64', batchTid],
      ['batch', 'UInt32', batchOf],
    ]);
    const out = levelArrays(q.itemOffsets, M);
    const drop = (name: string) =>
      engine.coordinator.exec(`DROP TABLE IF EXISTS ${name}`, 'dropping a scratch table').catch(() => {});
    for (let b = 0; b < batches; b++) {
      const holders =
        `SELECT tid, p FROM (SELECT p, code, lo FROM ${seq}) ALL INNER JOIN ` +
        `(SELECT tid, code, lo FROM ${first} WHERE tid IN (SELECT tid FROM ${batchT} WHERE batch = ${b})) USING code, lo`;
      let cur = '';
      for (let m = 1; m <= M; m++) {
        const next =
          m === 1
            ? await s.make(
                'tjc',
                q.knownQi.length === 0
                  ? `SELECT tid, p FROM (${holders}) GROUP BY tid, p`
                  : // The holders with their class, kept when it is among the target's compatible classes.
                    `SELECT tid, p FROM (${holders}) ANY INNER JOIN ${pcls} USING p ` +
                      `WHERE (tid, cid) IN (SELECT tid, cid FROM ${pairs}) GROUP BY tid, p`,
              )
            : await s.make(
                'tjc',
                `SELECT tid, p FROM (SELECT p, code, lo FROM ${seq}) ALL INNER JOIN ` +
                  `(SELECT tid, p, code, alo, ahi FROM ${cur} ALL INNER JOIN ` +
                  `(SELECT tid, code, alo, ahi FROM ${items} WHERE item = ${m}) USING tid) ` +
                  'USING p, code WHERE lo >= alo AND lo <= ahi GROUP BY tid, p',
              );
        if (cur) await drop(cur);
        cur = next;
        const [[left]] = await engine.coordinator.numbers(`SELECT count() FROM ${cur}`, doing);
        if (left === 0) break; // later levels keep subsets of an empty set
        await chReadLevel(engine, cur, truthT, m, M, out, doing);
      }
      await drop(cur);
    }
    return { truth, ...out, details: {} };
  } finally {
    await s.drop();
  }
}
