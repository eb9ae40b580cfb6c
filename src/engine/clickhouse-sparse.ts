/**
 * @module engine/clickhouse-sparse — linkage's sparse method (Narayanan–Shmatikov scoreboard) as SQL
 * on the ClickHouse coordinator (`sparseSources`, `sparseScores`), answering what
 * duckdb-sparse.ts answers on DuckDB and attacks/linkage/sparse-kernels.ts computes locally.
 *
 * Tables: each side's code sets (p, code) and dated events (p, code, lo, hi), coded by the embedded
 * DuckDB that reads the event files and uploaded to the coordinator at load (clickhouse-codesets.ts
 * loadChEvents); with known QIs each release person's class and each target's compatible classes
 * (clickhouse-codesets.ts `chClasses`: exact linkage's strict relation).
 * Scoring, in the 18.16 dialect (USING joins, the right side the hash table): the attacker's items
 * (target, bit, code, window, dated) are the hash table; the release's code sets (dated items: its
 * dated events, kept when their window overlaps the item's) stream through it, and each (target,
 * person) pair gets the bit mask of the items it matches (groupBitOr). Those pairs are grouped by
 * (target, mask, demographic compatibility) with a count and the lowest person row; only the groups
 * come back, with each item's support, each target's number of compatible persons and, where exactly
 * one compatible person matches no item, that person. The attack runs the eccentricity test on them
 * (attacks/linkage/sparse-board.ts). Targets are scored in batches of at most SPARSE_BATCH_PAIRS
 * (target, person) pairs (duckdb-sparse.ts); a batch's pairs stream from the join into the
 * aggregations and are never written to a table.
 */
import { ReidgateError } from '../errors.js';
import type { ClickHouseEngine } from './clickhouse.js';
import { chScratch, chTargetClasses, relationalOf } from './clickhouse-codesets.js';
import {
  type GroupRow,
  groupArrays,
  itemColumns,
  loneTargets,
  sparseBatchPairs,
  targetBatches,
} from './duckdb-sparse.js';
import type { SparseScoreQuery, SparseScores, SparseSources, SparseSourcesQuery } from './types.js';

/** The code sets and (when uploaded) dated events of a side, or an INTERNAL error. */
function tablesOf(engine: ClickHouseEngine, side: 'release' | 'original') {
  const { rel, sets } = relationalOf(engine, side);
  return { rel, sets, seq: rel.sequences[side] };
}

/**
 * The side's distinct codes (or dated events) with the patients holding each (see SparseSources).
 * @throws ReidgateError('ENGINE') on engine failure
 */
export async function chSparseSources(
  engine: ClickHouseEngine,
  q: SparseSourcesQuery,
): Promise<SparseSources> {
  const { sets, seq } = tablesOf(engine, q.side);
  const doing = `counting the ${q.side} patients' codes`;
  const rows =
    q.dated && seq
      ? await engine.coordinator.numbers(
          `SELECT code, lo, hi, count() FROM ${seq} GROUP BY code, lo, hi`,
          doing,
        )
      : q.dated
        ? []
        : await engine.coordinator.numbers(`SELECT code, 0, 0, count() FROM ${sets} GROUP BY code`, doing);
  return {
    code: Int32Array.from(rows, (r) => r[0]),
    lo: Int32Array.from(rows, (r) => r[1]),
    hi: Int32Array.from(rows, (r) => r[2]),
    count: Float64Array.from(rows, (r) => r[3]),
  };
}

/**
 * Sparse linkage's grouped scoreboard (see SparseScoreQuery and the module comment).
 * @throws ReidgateError('ENGINE') on engine failure; ('COLUMN') when a hierarchy misses a value
 */
export async function chSparseScores(
  engine: ClickHouseEngine,
  q: SparseScoreQuery,
  wildcard: readonly string[],
): Promise<SparseScores> {
  const { sets, seq } = tablesOf(engine, 'release');
  const rel = engine.tables.get('release');
  if (!rel?.direct) throw new ReidgateError('INTERNAL', 'clickhouse engine: no loaded release table');
  const server = rel.server;
  const T = q.targetRows.length;
  const doing = `scoring sparse linkage of ${T} targets`;
  const s = chScratch(engine, doing);
  const { put, make } = s;
  try {
    const n = q.itemOffsets[q.itemOffsets.length - 1];
    const items = await put(
      'spi',
      itemColumns(q, (k) => (k === 'tid' ? 'UInt64' : k === 'small' ? 'UInt32' : 'Int32'), ['ilo', 'ihi']),
    );
    const holders = new Map<number, number>();
    for (const [c, k] of await server.numbers(
      `SELECT code, count() FROM ${sets} WHERE code IN (SELECT code FROM ${items}) GROUP BY code`,
      doing,
    ))
      holders.set(c, k);
    const support = Float64Array.from(q.items.subarray(0, n), (c) => holders.get(c) ?? 0);
    const compatibleTotal = new Float64Array(T);
    const loneCompatible = new Int32Array(T).fill(-1);
    let pairs = '';
    let pcls = '';
    if (q.knownQi.length > 0) {
      const classes = await chTargetClasses(engine, { ...q, side: 'original' }, wildcard, s);
      pcls = classes.pcls;
      pairs = await make('spq', `SELECT DISTINCT tid, cid FROM ${classes.pairs}`);
      for (const [t, k] of await server.numbers(
        `SELECT tid, sum(n) FROM ${pairs} ALL INNER JOIN (SELECT cid, count() AS n FROM ${pcls} GROUP BY cid) USING cid GROUP BY tid`,
        doing,
      ))
        compatibleTotal[t] = k;
    }
    const rows: GroupRow[] = [];
    const dated = seq !== undefined && q.itemDated.some((d) => d === 1);
    const drop = async (name: string) => {
      await server.exec(`DROP TABLE IF EXISTS ${name}`, 'dropping a scratch table').catch(() => {});
    };
    // Batches of targets whose (target, person) pairs fit under the memory limit together.
    for (const [t0, t1] of targetBatches(q.itemOffsets, support, sparseBatchPairs())) {
      // (target, person, item) for every item a person matches (once per item), then the masks:
      // streamed into the aggregation, never written to a table.
      const hitsSql = (which: string) =>
        `SELECT tid, p, bit FROM ${sets} ALL INNER JOIN (SELECT tid, bit, code FROM ${items} WHERE dated = 0 AND ${which}) USING code` +
        (dated
          ? ` UNION ALL SELECT DISTINCT tid, p, bit FROM (SELECT p, code, lo, hi FROM ${seq}) ` +
            `ALL INNER JOIN (SELECT tid, bit, code, ilo, ihi FROM ${items} WHERE dated = 1 AND ${which}) USING code ` +
            'WHERE lo <= ihi AND hi >= ilo'
          : '');
      const masks =
        `SELECT tid, p, groupBitOr(bitShiftLeft(toUInt64(1), bit)) AS mask ` +
        `FROM (${hitsSql(`tid >= ${t0} AND tid < ${t1}`)}) GROUP BY tid, p`;
      const groupSql =
        q.knownQi.length > 0
          ? `SELECT tid, toString(mask), compat, count(), min(p) FROM ` +
            `(SELECT tid, p, mask, cid FROM (${masks}) ANY INNER JOIN ${pcls} USING p) ` +
            `ANY LEFT JOIN (SELECT tid, cid, toUInt8(1) AS compat FROM ${pairs}) USING tid, cid ` +
            'GROUP BY tid, mask, compat ORDER BY tid'
          : `SELECT tid, toString(mask), 0, count(), min(p) FROM (${masks}) GROUP BY tid, mask ORDER BY tid`;
      const batch = (await server.rows(groupSql, doing)).map(
        (r) => [Number(r[0]), BigInt(r[1]), Number(r[2]), Number(r[3]), Number(r[4])] as const,
      );
      for (const r of batch) rows.push(r);
      const lone =
        q.knownQi.length > 0
          ? loneTargets(groupArrays(T, batch), compatibleTotal).filter((t) => t >= t0 && t < t1)
          : [];
      if (lone.length > 0) {
        const need = await put('spl', [['tid', 'UInt64', lone]]);
        const mine = `tid IN (SELECT tid FROM ${need})`;
        for (const [t, p] of await server.numbers(
          `SELECT tid, min(p) FROM (SELECT tid, cid FROM ${pairs} WHERE ${mine}) ` +
            `ALL INNER JOIN ${pcls} USING cid WHERE (tid, p) NOT IN (SELECT tid, p FROM (${hitsSql(mine)})) GROUP BY tid`,
          doing,
        ))
          loneCompatible[t] = p;
        await drop(need);
      }
    }
    const groups = groupArrays(T, rows);
    return {
      support,
      ...groups,
      compatibleTotal,
      loneCompatible,
      persons: engine.rows('release'),
      details: {},
    };
  } finally {
    await s.drop();
  }
}
