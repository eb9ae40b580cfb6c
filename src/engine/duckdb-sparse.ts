/**
 * @module engine/duckdb-sparse — linkage's sparse method (Narayanan–Shmatikov scoreboard) pushed down
 * to DuckDB (`sparseSources`, `sparseScores`), answering what attacks/linkage/sparse-kernels.ts
 * computes locally over the person view.
 *
 * Tables: each side's code sets (p, code) and dated events (p, code, lo, hi) as code-sets and
 * trajectory build them (duckdb-codesets.ts, duckdb-trajectory.ts), and, with known QIs, each release
 * person's class and each target's compatible classes (duckdb-codesets.ts `targetClasses`: exact
 * linkage's strict relation).
 * Scoring: the attacker's items are uploaded as (target, bit, code, window, dated). The release
 * persons matching an item — holding its code, or (dated) an event of its code whose window overlaps
 * the item's — are joined in, and each (target, person) pair gets the bit mask of the items it
 * matches; those pairs are then grouped by (target, mask, demographic compatibility) with a count and
 * the lowest person row. Only these groups come back (at most 2^items · 2 per target, in practice a
 * few dozen), with each item's support (release persons holding its code), each target's number of
 * compatible persons, and, where exactly one compatible person matches no item, that person. The
 * attack adds the weights and runs the eccentricity test on them (attacks/linkage/sparse-board.ts).
 * The (target, person) pairs cost Σ support over a target's items, as the local kernel's visits: the
 * targets are scored in batches of at most SPARSE_BATCH_PAIRS pairs, so that their aggregation stays in
 * memory (one unbatched aggregation of 3·10^8 pairs spilled and took 50 times the local kernel's time).
 * That enumeration is the method's cost on an engine; the local kernel does the same visits in memory.
 */
import type { DuckDbEngine } from './duckdb.js';
import { codeSetsOf, targetClasses, uploadAs } from './duckdb-codesets.js';
import { type DuckLinkageOptions, scratchTables } from './duckdb-linkage.js';
import { sequencesOf } from './duckdb-trajectory.js';
import type { SparseScoreQuery, SparseScores, SparseSources, SparseSourcesQuery } from './types.js';

/**
 * The side's distinct codes (or dated events) with the patients holding each (see SparseSources).
 * @throws ReidgateError('ENGINE') on engine failure
 */
export async function duckSparseSources(engine: DuckDbEngine, q: SparseSourcesQuery): Promise<SparseSources> {
  const doing = `counting the ${q.side} patients' codes`;
  const rows = q.dated
    ? await engine.all(
        `SELECT code, lo, hi, count(*)::DOUBLE FROM ${await sequencesOf(engine, q.side)} GROUP BY ALL`,
        doing,
      )
    : await engine.all(
        `SELECT code, 0, 0, count(*)::DOUBLE FROM ${await codeSetsOf(engine, q.side)} GROUP BY code`,
        doing,
      );
  return {
    code: Int32Array.from(rows, (r) => r[0] as number),
    lo: Int32Array.from(rows, (r) => r[1] as number),
    hi: Int32Array.from(rows, (r) => r[2] as number),
    count: Float64Array.from(rows, (r) => r[3] as number),
  };
}

/**
 * The items as upload columns: tid, bit (position within the target), code, lo, hi (named `lo`/`hi`
 * or as given), dated; `type` names each column's SQL type by kind.
 */
export function itemColumns<T extends string>(
  q: Pick<SparseScoreQuery, 'itemOffsets' | 'items' | 'itemLo' | 'itemHi' | 'itemDated'>,
  type: (kind: 'tid' | 'small' | 'int') => T,
  window: [string, string] = ['lo', 'hi'],
): Array<[string, T, ArrayLike<number>]> {
  const tid: number[] = [];
  const bit: number[] = [];
  const T = q.itemOffsets.length - 1;
  for (let t = 0; t < T; t++) {
    for (let i = q.itemOffsets[t]; i < q.itemOffsets[t + 1]; i++) {
      tid.push(t);
      bit.push(i - q.itemOffsets[t]);
    }
  }
  const n = tid.length;
  return [
    ['tid', type('tid'), tid],
    ['bit', type('small'), bit],
    ['code', type('int'), q.items.subarray(0, n)],
    [window[0], type('int'), q.itemLo.subarray(0, n)],
    [window[1], type('int'), q.itemHi.subarray(0, n)],
    ['dated', type('small'), q.itemDated.subarray(0, n)],
  ];
}

/**
 * Upper bound of (target, person) pairs scored together: targets are scored in batches whose items'
 * supports sum to at most this (a target alone may exceed it), so the pairs' aggregation stays in
 * memory instead of spilling (10^6 event rows, 10,000 targets: about 3·10^8 pairs in all).
 */
export const SPARSE_BATCH_PAIRS = 4_000_000;

/** The batch bound: SPARSE_BATCH_PAIRS, or `REIDGATE_SPARSE_BATCH_PAIRS` (tests make batches small). */
export function sparseBatchPairs(): number {
  const v = Number(process.env.REIDGATE_SPARSE_BATCH_PAIRS);
  return Number.isInteger(v) && v > 0 ? v : SPARSE_BATCH_PAIRS;
}

/** Consecutive target ranges [t0, t1) whose items' supports sum to at most `maxPairs` each. */
export function targetBatches(
  itemOffsets: Int32Array,
  support: Float64Array,
  maxPairs: number,
): Array<[number, number]> {
  const T = itemOffsets.length - 1;
  const out: Array<[number, number]> = [];
  let start = 0;
  let acc = 0;
  for (let t = 0; t < T; t++) {
    let pairs = 0;
    for (let i = itemOffsets[t]; i < itemOffsets[t + 1]; i++) pairs += support[i];
    if (t > start && acc + pairs > maxPairs) {
      out.push([start, t]);
      start = t;
      acc = 0;
    }
    acc += pairs;
  }
  if (T > start) out.push([start, T]);
  return out;
}

/** One group of a target's answer: target, mask, compatible, persons, lowest person row. */
export type GroupRow = readonly [number, bigint, number, number, number];

/** Arrays of a grouped answer, filled row by row from rows sorted by target. */
export function groupArrays(
  T: number,
  rows: readonly GroupRow[],
): Pick<SparseScores, 'groupOffsets' | 'mask' | 'compatible' | 'count' | 'first'> {
  const groupOffsets = new Int32Array(T + 1);
  const mask: bigint[] = [];
  const compatible = new Uint8Array(rows.length);
  const count = new Float64Array(rows.length);
  const first = new Int32Array(rows.length);
  rows.forEach(([t, m, c, n, p], g) => {
    groupOffsets[t + 1]++;
    mask.push(m);
    compatible[g] = c;
    count[g] = n;
    first[g] = p;
  });
  for (let t = 0; t < T; t++) groupOffsets[t + 1] += groupOffsets[t];
  return { groupOffsets, mask, compatible, count, first };
}

/**
 * Per target, compatible persons matching no item: the targets with exactly one (its total minus
 * the compatible persons in its groups).
 */
export function loneTargets(
  groups: Pick<SparseScores, 'groupOffsets' | 'compatible' | 'count'>,
  compatibleTotal: Float64Array,
): number[] {
  const out: number[] = [];
  for (let t = 0; t < compatibleTotal.length; t++) {
    let visited = 0;
    for (let g = groups.groupOffsets[t]; g < groups.groupOffsets[t + 1]; g++)
      if (groups.compatible[g] === 1) visited += groups.count[g];
    if (compatibleTotal[t] - visited === 1) out.push(t);
  }
  return out;
}

/**
 * Sparse linkage's grouped scoreboard (see SparseScoreQuery and the module comment).
 * @throws ReidgateError('ENGINE') on engine failure; ('COLUMN') when a hierarchy misses a value
 */
export async function duckSparseScores(
  engine: DuckDbEngine,
  q: SparseScoreQuery,
  opts: DuckLinkageOptions,
): Promise<SparseScores> {
  const T = q.targetRows.length;
  const doing = `scoring sparse linkage of ${T} targets`;
  const sets = await codeSetsOf(engine, 'release');
  const dated = q.itemDated.some((d) => d === 1);
  const seq = dated ? await sequencesOf(engine, 'release') : undefined;
  const s = scratchTables(engine, 'sp', doing);
  try {
    const n = q.itemOffsets[q.itemOffsets.length - 1];
    const items = await uploadAs(
      engine,
      s,
      'items',
      itemColumns(q, () => 'INTEGER'),
      doing,
    );
    const holders = new Map<number, number>();
    for (const [c, k] of await engine.all(
      `SELECT code, count(*)::DOUBLE FROM ${sets} WHERE code IN (SELECT code FROM ${items}) GROUP BY code`,
      doing,
    ))
      holders.set(c as number, k as number);
    const support = Float64Array.from(q.items.subarray(0, n), (c) => holders.get(c) ?? 0);
    const compatibleTotal = new Float64Array(T);
    let pairs = '';
    let pcls = '';
    let details: Record<string, unknown> = {};
    if (q.knownQi.length > 0) {
      const classes = await targetClasses(
        engine,
        { side: 'original', targetRows: q.targetRows, knownQi: q.knownQi },
        opts,
        s,
        doing,
      );
      details = classes.details;
      pcls = classes.pcls;
      pairs = s.table('pairs');
      await s.run(`CREATE TEMP TABLE ${pairs} AS SELECT DISTINCT tid, cid FROM ${classes.pairs}`);
      for (const [t, k] of await engine.all(
        `SELECT ct.tid, sum(z.n)::DOUBLE FROM ${pairs} AS ct JOIN ` +
          `(SELECT cid, count(*) AS n FROM ${pcls} GROUP BY cid) AS z ON z.cid = ct.cid GROUP BY ct.tid`,
        doing,
      ))
        compatibleTotal[t as number] = k as number;
    }
    const rows: GroupRow[] = [];
    const loneCompatible = new Int32Array(T).fill(-1);
    // Batches of targets whose (target, person) pairs fit in memory together.
    for (const [t0, t1] of targetBatches(q.itemOffsets, support, sparseBatchPairs())) {
      // (target, person, mask of the items matched): a patient counts once per item.
      const hitsSql = (which: string) =>
        `SELECT i.tid, c.p, i.bit FROM ${items} AS i JOIN ${sets} AS c ON c.code = i.code WHERE i.dated = 0 AND ${which}` +
        (seq
          ? ` UNION ALL SELECT DISTINCT i.tid, e.p, i.bit FROM ${items} AS i JOIN ${seq} AS e ON e.code = i.code ` +
            `AND e.lo <= i.hi AND e.hi >= i.lo WHERE i.dated = 1 AND ${which}`
          : '');
      const masks =
        'SELECT tid, p, bit_or(1::UBIGINT << bit::UBIGINT) AS mask ' +
        `FROM (${hitsSql(`i.tid >= ${t0} AND i.tid < ${t1}`)}) GROUP BY tid, p`;
      const groupSql =
        q.knownQi.length > 0
          ? `SELECT m.tid, CAST(m.mask AS VARCHAR), (ct.cid IS NOT NULL)::INTEGER AS compat, count(*)::DOUBLE, min(m.p) ` +
            `FROM (${masks}) AS m JOIN ${pcls} AS pc ON pc.p = m.p ` +
            `LEFT JOIN ${pairs} AS ct ON ct.tid = m.tid AND ct.cid = pc.cid GROUP BY ALL ORDER BY 1`
          : `SELECT tid, CAST(mask AS VARCHAR), 0, count(*)::DOUBLE, min(p) FROM (${masks}) GROUP BY ALL ORDER BY 1`;
      const batch = (await engine.all(groupSql, doing)).map(
        (r) =>
          [r[0] as number, BigInt(r[1] as string), r[2] as number, r[3] as number, r[4] as number] as const,
      );
      for (const r of batch) rows.push(r);
      const lone =
        q.knownQi.length > 0
          ? loneTargets(groupArrays(T, batch), compatibleTotal).filter((t) => t >= t0 && t < t1)
          : [];
      if (lone.length > 0) {
        const need = await uploadAs(engine, s, 'lone', [['tid', 'INTEGER', lone]], doing);
        const mine = `i.tid IN (SELECT tid FROM ${need})`;
        for (const [t, p] of await engine.all(
          `SELECT ct.tid, min(pc.p) FROM ${need} AS l JOIN ${pairs} AS ct ON ct.tid = l.tid ` +
            `JOIN ${pcls} AS pc ON pc.cid = ct.cid ` +
            `ANTI JOIN (${hitsSql(mine)}) AS m ON m.tid = ct.tid AND m.p = pc.p GROUP BY ct.tid`,
          doing,
        ))
          loneCompatible[t as number] = p as number;
      }
    }
    const groups = groupArrays(T, rows);
    return {
      support,
      ...groups,
      compatibleTotal,
      loneCompatible,
      persons: engine.rows('release'),
      details,
    };
  } finally {
    await s.drop();
  }
}
