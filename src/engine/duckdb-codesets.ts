/**
 * @module engine/duckdb-codesets — km-anonymity counting of relational trials pushed down to DuckDB
 * (`personCodes`, `codeSetCounts`), answering what attacks/person-match's kernels answer locally.
 *
 * Tables (duckdb-events.ts loads and codes the event files):
 * - each side's code sets `(p, code)`: per person row its distinct combined codes (suppressed codes
 *   included), from every event table with a code column, joined to the person table by the key;
 *   materialized on first use;
 * - for a question: the release classes over the known QIs and each target's compatible classes
 *   (duckdb-linkage.ts `linkClasses`: the exact-linkage join, strict relation; or the target's own
 *   class for release-side targets), and each release person's class.
 * Counting: the known items are uploaded as (target, item, code) with a second row per item for its
 * table's suppressed code. Level 1: the demographically compatible persons holding item 1, one join
 * on (class, code). Items 2 … M: a semi-join of those (target, person) pairs with the code sets. A
 * person's level is the longest prefix of items it holds (items are nested in m); per (target, level)
 * the persons and whether the true person is among them come back — at most targets × M rows, never
 * codes or values of persons other than the sampled targets' own codes (personCodes).
 */
import { ReidgateError } from '../errors.js';
import type { DuckDbEngine, DuckTable } from './duckdb.js';
import type { DuckRelational } from './duckdb-events.js';
import {
  type DuckLinkageOptions,
  linkClasses,
  type Scratch,
  scratchTables,
  upload,
  withRow,
} from './duckdb-linkage.js';
import { ident } from './duckdb-sql.js';
import type { CodeSetCounts, CodeSetQuery, PersonCodes, PersonCodesQuery } from './types.js';

/** Per engine and side, the materialized code-sets table (built once). */
const codeSets = new WeakMap<DuckRelational, Map<string, Promise<string>>>();

/** The relational tables of the engine, or an INTERNAL error (code-sets needs event tables). */
export function relationalOf(engine: DuckDbEngine): DuckRelational {
  if (!engine.relational) throw new ReidgateError('INTERNAL', 'duckdb engine: the trial has no event tables');
  return engine.relational;
}

/** The suppressed code of a combined code's event table. */
export function suppressedOf(rel: DuckRelational, c: number): number {
  const t = rel.tables.find((x) => c >= x.base && c < x.suppressed);
  if (!t) throw new ReidgateError('INTERNAL', `duckdb engine: code ${c} is no event table's code`);
  return t.suppressed;
}

/** (person row, key text) of a side's person table. */
export function keyed(t: DuckTable, key: string): string {
  return `(SELECT (${t.row})::INTEGER AS p, CAST(t.${ident(key)} AS VARCHAR) AS k FROM ${t.relation} AS t)`;
}

/** The side's code-sets table (p, code), materialized on first use. */
export function codeSetsOf(engine: DuckDbEngine, side: 'release' | 'original'): Promise<string> {
  const rel = relationalOf(engine);
  let bySide = codeSets.get(rel);
  if (!bySide) {
    bySide = new Map();
    codeSets.set(rel, bySide);
  }
  const hit = bySide.get(side);
  if (hit) return hit;
  const made = (async () => {
    const persons = engine.tables.get(side);
    const name = `rg_codesets_${side}`;
    const parts = rel.events.flatMap((e) => {
      const s = e.sides[side];
      if (!s?.codeMap || !e.code) return [];
      return [
        `SELECT CAST(t.${ident(e.key)} AS VARCHAR) AS k, m.code FROM ${s.table.relation} AS t ` +
          `JOIN ${s.codeMap} AS m ON m.raw = CAST(t.${ident(e.code)} AS VARCHAR)`,
      ];
    });
    const events =
      parts.length > 0
        ? parts.join(' UNION ALL ')
        : 'SELECT NULL::VARCHAR AS k, NULL::INTEGER AS code WHERE false';
    if (!persons) throw new ReidgateError('INTERNAL', `duckdb engine: no ${side} person table`);
    await engine.all(
      `CREATE TABLE ${name} AS SELECT DISTINCT p.p, x.code FROM (${events}) AS x JOIN ${keyed(persons, rel.key)} AS p ON p.k = x.k`,
      `building the ${side} patients' code sets`,
    );
    return name;
  })();
  bySide.set(side, made);
  return made;
}

/** Uploads `cols` as scratch table `name`, engine failures named. */
export async function uploadAs(
  engine: DuckDbEngine,
  s: Scratch,
  name: string,
  cols: Parameters<typeof upload>[2],
  doing: string,
): Promise<string> {
  const t = s.table(name);
  try {
    await upload(engine.conn, t, cols);
  } catch (e) {
    throw engine.failure(e, doing);
  }
  return t;
}

/**
 * Each given person's distinct combined codes (see PersonCodes).
 * @throws ReidgateError('ENGINE') on engine failure
 */
export async function duckPersonCodes(engine: DuckDbEngine, q: PersonCodesQuery): Promise<PersonCodes> {
  const doing = `reading the sampled ${q.side} patients' codes`;
  const sets = await codeSetsOf(engine, q.side);
  const s = scratchTables(engine, 'pc', doing);
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
      `SELECT s.pos, c.code FROM ${sample} AS s JOIN ${sets} AS c ON c.p = s.p ORDER BY s.pos, c.code`,
      doing,
    );
    const offsets = new Int32Array(n + 1);
    const codes = new Int32Array(rows.length);
    rows.forEach(([pos, code], i) => {
      offsets[(pos as number) + 1]++;
      codes[i] = code as number;
    });
    for (let i = 0; i < n; i++) offsets[i + 1] += offsets[i];
    return { offsets, codes };
  } finally {
    await s.drop();
  }
}

/** The targets' truth and demographic compatibility on the engine (see TargetClasses). */
export interface TargetClasses {
  /** Per target its true release person row, or −1; and the scratch table (tid, truth). */
  truth: Int32Array;
  truthT: string;
  /** Scratch tables: each release person's class (p, cid); each target's compatible classes (tid, cid). */
  pcls: string;
  pairs: string;
  /** Engine figures for the report's details. */
  details: Record<string, unknown>;
}

/**
 * The targets' true release persons (by the person key for original targets) and their
 * demographically compatible release classes (exact linkage's strict relation via `linkClasses`, or
 * the target's own class for release targets; one class holding everyone without known QIs), as
 * scratch tables in `s` — what code-sets and trajectory share.
 * @throws ReidgateError('ENGINE') on engine failure; ('COLUMN') when a hierarchy misses a value
 */
export async function targetClasses(
  engine: DuckDbEngine,
  q: Pick<CodeSetQuery, 'side' | 'targetRows' | 'knownQi' | 'sameClass'>,
  opts: DuckLinkageOptions,
  s: Scratch,
  doing: string,
): Promise<TargetClasses> {
  const rel = relationalOf(engine);
  const release = engine.tables.get('release');
  const side = engine.tables.get(q.side);
  if (!release || !side) throw new ReidgateError('INTERNAL', `duckdb engine: no release or ${q.side} table`);
  const T = q.targetRows.length;
  // Truth: the release person with the target's key (original side), or the target itself.
  const tg = await uploadAs(
    engine,
    s,
    'tg',
    [
      ['tid', 'INTEGER', Int32Array.from({ length: T }, (_, t) => t)],
      ['trow', 'INTEGER', q.targetRows],
    ],
    doing,
  );
  const truth = new Int32Array(T).fill(-1);
  if (q.side === 'release') truth.set(q.targetRows);
  else {
    for (const [t, row] of await engine.all(
      `SELECT s.tid, r.p FROM ${tg} AS s JOIN ${keyed(side, rel.key)} AS o ON o.p = s.trow ` +
        `JOIN ${keyed(release, rel.key)} AS r ON r.k = o.k`,
      `${doing} (the targets' release patients)`,
    ))
      truth[t as number] = row as number;
  }
  const truthT = await uploadAs(
    engine,
    s,
    'truth',
    [
      ['tid', 'INTEGER', Int32Array.from({ length: T }, (_, t) => t)],
      ['truth', 'INTEGER', truth],
    ],
    doing,
  );
  // Demographics: each release person's class, and each target's compatible classes (one class
  // holding everyone without known QIs).
  const pcls = s.table('pcls');
  let pairs: string;
  let details: Record<string, unknown> = {};
  if (q.knownQi.length > 0) {
    const linked = await linkClasses(
      engine,
      {
        targets: q.side,
        columns: q.knownQi,
        targetRows: q.targetRows,
        truth,
        relation: 'strict',
        sameClass: q.sameClass,
      },
      opts,
      s,
      doing,
    );
    if (!linked) throw new ReidgateError('INTERNAL', 'person-match: no classes for the strict relation');
    details = { releaseClasses: linked.classCount, blockingQis: linked.blockingQis, ...linked.details };
    const K = linked.keyNames;
    await s.run(
      `CREATE TEMP TABLE ${pcls} AS SELECT r.__rg_row::INTEGER AS p, c.__rg_cid AS cid FROM ` +
        `(SELECT r.__rg_row, ${linked.relKeys.map((e, j) => `${e} AS ${K[j]}`).join(', ')} FROM ${withRow(release)} AS r) AS r ` +
        `JOIN ${linked.cls} AS c ON ${K.map((k) => `r.${k} IS NOT DISTINCT FROM c.${k}`).join(' AND ')}`,
    );
    pairs = linked.pairs;
  } else {
    await s.run(
      `CREATE TEMP TABLE ${pcls} AS SELECT (${release.row})::INTEGER AS p, 0 AS cid FROM ${release.relation} AS t`,
    );
    pairs = s.table('pairs');
    await s.run(`CREATE TEMP TABLE ${pairs} AS SELECT tid, 0 AS cid FROM ${tg}`);
  }
  return { truth, truthT, pcls, pairs, details };
}

/**
 * The per-(target, level) answer arrays of a level-by-level count: size −1 where a target has fewer
 * than m items (CodeSetCounts).
 */
export function levelArrays(itemOffsets: Int32Array, M: number): { size: Int32Array; truthIn: Int32Array } {
  const T = itemOffsets.length - 1;
  const size = new Int32Array(T * M);
  const truthIn = new Int32Array(T * M);
  for (let t = 0; t < T; t++)
    for (let m = itemOffsets[t + 1] - itemOffsets[t] + 1; m <= M; m++) size[t * M + m - 1] = -1;
  return { size, truthIn };
}

/**
 * Reads level m from a table of (tid, p) pairs, the persons compatible with target tid at that level:
 * per target the set size and whether its true person (`truthT`: tid, truth) is among them.
 * @throws ReidgateError('INTERNAL') when a count does not fit an Int32
 */
export async function readLevel(
  engine: DuckDbEngine,
  cur: string,
  truthT: string,
  m: number,
  M: number,
  out: { size: Int32Array; truthIn: Int32Array },
  doing: string,
): Promise<void> {
  for (const [t, n, hit] of await engine.all(
    `SELECT c.tid, count(*)::DOUBLE, bool_or(c.p = tr.truth) FROM ${cur} AS c ` +
      `JOIN ${truthT} AS tr ON tr.tid = c.tid GROUP BY c.tid`,
    doing,
  )) {
    if ((n as number) > 2 ** 31 - 1) throw new ReidgateError('INTERNAL', `${doing}: count overflow`);
    out.size[(t as number) * M + m - 1] = n as number;
    out.truthIn[(t as number) * M + m - 1] = hit === true ? 1 : 0;
  }
}

/**
 * km-anonymity counts (see CodeSetQuery and the module comment).
 * @throws ReidgateError('ENGINE') on engine failure; ('COLUMN') when a hierarchy misses a value
 */
export async function duckCodeSetCounts(
  engine: DuckDbEngine,
  q: CodeSetQuery,
  opts: DuckLinkageOptions,
): Promise<CodeSetCounts> {
  const rel = relationalOf(engine);
  const doing = `counting code sets of ${q.targetRows.length} targets`;
  const sets = await codeSetsOf(engine, 'release');
  const s = scratchTables(engine, 'cs', doing);
  const T = q.targetRows.length;
  const M = q.levels;
  try {
    const { truth, truthT, pcls, pairs, details } = await targetClasses(engine, q, opts, s, doing);
    // The known items (tid, item, code, supp: the code's table's suppressed code) and their alternatives.
    const tid: number[] = [];
    const item: number[] = [];
    const code: number[] = [];
    const alt: number[] = [];
    const supp = (c: number) => suppressedOf(rel, c);
    for (let t = 0; t < T; t++) {
      for (let i = q.itemOffsets[t]; i < q.itemOffsets[t + 1]; i++) {
        tid.push(t);
        item.push(i - q.itemOffsets[t] + 1);
        code.push(q.items[i]);
        alt.push(supp(q.items[i]));
      }
    }
    const items = await uploadAs(
      engine,
      s,
      'items',
      [
        ['tid', 'INTEGER', tid],
        ['item', 'INTEGER', item],
        ['code', 'INTEGER', code],
        ['supp', 'INTEGER', alt],
      ],
      doing,
    );
    const alts = s.table('alts');
    await s.run(
      `CREATE TEMP TABLE ${alts} AS SELECT tid, item, code FROM ${items} UNION ALL SELECT tid, item, supp FROM ${items}`,
    );
    const out = levelArrays(q.itemOffsets, M);
    const { size, truthIn } = out;
    const nItems = (t: number) => q.itemOffsets[t + 1] - q.itemOffsets[t];
    // Level 1 from aggregates: per (class, code) its holders, and of a code's holders those also
    // holding their table's suppressed code (counted once in the union).
    const first = `(SELECT code FROM ${items} WHERE item = 1 UNION SELECT supp FROM ${items} WHERE item = 1)`;
    const cc = s.table('cc');
    await s.run(
      `CREATE TEMP TABLE ${cc} AS SELECT pc.cid, c.code, count(*) AS n FROM ${sets} AS c ` +
        `JOIN ${pcls} AS pc ON pc.p = c.p WHERE c.code IN ${first} GROUP BY ALL`,
    );
    const both = s.table('both');
    await s.run(
      `CREATE TEMP TABLE ${both} AS SELECT pc.cid, c.code, count(*) AS n FROM ${sets} AS c ` +
        `JOIN (SELECT DISTINCT code, supp FROM ${items} WHERE item = 1) AS i ON i.code = c.code ` +
        `JOIN ${sets} AS x ON x.p = c.p AND x.code = i.supp JOIN ${pcls} AS pc ON pc.p = c.p GROUP BY ALL`,
    );
    for (const [t, n] of await engine.all(
      `SELECT i.tid, sum(coalesce(a.n, 0) + coalesce(b.n, 0) - coalesce(x.n, 0))::DOUBLE FROM ${items} AS i ` +
        `JOIN ${pairs} AS ct ON ct.tid = i.tid LEFT JOIN ${cc} AS a ON a.cid = ct.cid AND a.code = i.code ` +
        `LEFT JOIN ${cc} AS b ON b.cid = ct.cid AND b.code = i.supp LEFT JOIN ${both} AS x ON x.cid = ct.cid AND x.code = i.code ` +
        `WHERE i.item = 1 GROUP BY i.tid`,
      doing,
    ))
      size[(t as number) * M] = n as number;
    for (const [t] of await engine.all(
      `SELECT DISTINCT i.tid FROM ${items} AS i JOIN ${truthT} AS tr ON tr.tid = i.tid ` +
        `JOIN ${pcls} AS pc ON pc.p = tr.truth JOIN ${pairs} AS ct ON ct.tid = i.tid AND ct.cid = pc.cid ` +
        `JOIN ${sets} AS h ON h.p = tr.truth AND (h.code = i.code OR h.code = i.supp) WHERE i.item = 1`,
      doing,
    ))
      truthIn[(t as number) * M] = 1;
    if (M >= 2) {
      // Levels 2 … M: the compatible holders of the rarer of items 1 and 2, then one semi-join per item.
      const freq = new Map<number, number>();
      for (const [c, n] of await engine.all(
        `SELECT code, count(*)::DOUBLE FROM ${sets} GROUP BY code`,
        doing,
      ))
        freq.set(c as number, n as number);
      const holders = (i: number) => (freq.get(code[i]) ?? 0) + (freq.get(alt[i]) ?? 0);
      const dTid: number[] = [];
      const dItem: number[] = [];
      const oItem: number[] = [];
      let row = 0;
      for (let t = 0; t < T; t++) {
        const n = nItems(t);
        if (n >= 2) {
          const rarer = holders(row + 1) < holders(row) ? 2 : 1;
          dTid.push(t);
          dItem.push(rarer);
          oItem.push(3 - rarer);
        }
        row += n;
      }
      if (dTid.length > 0) {
        const order = await uploadAs(
          engine,
          s,
          'order',
          [
            ['tid', 'INTEGER', dTid],
            ['driver', 'INTEGER', dItem],
            ['other', 'INTEGER', oItem],
          ],
          doing,
        );
        const drive = s.table('drive');
        await s.run(
          `CREATE TEMP TABLE ${drive} AS SELECT a.tid, ct.cid, a.code FROM ${alts} AS a ` +
            `JOIN ${order} AS o ON o.tid = a.tid AND o.driver = a.item JOIN ${pairs} AS ct ON ct.tid = a.tid`,
        );
        const rcc = s.table('rcc');
        await s.run(
          `CREATE TEMP TABLE ${rcc} AS SELECT c.p, c.code, pc.cid FROM ${sets} AS c JOIN ${pcls} AS pc ON pc.p = c.p ` +
            `WHERE c.code IN (SELECT code FROM ${drive})`,
        );
        let cur = s.table('cur');
        await s.run(
          `CREATE TEMP TABLE ${cur} AS SELECT DISTINCT d.tid, r.p FROM ${drive} AS d JOIN ${rcc} AS r ON r.cid = d.cid AND r.code = d.code`,
        );
        for (let m = 2; m <= M; m++) {
          const next = s.table('cur');
          const which =
            m === 2 ? `JOIN ${order} AS o ON o.tid = a.tid AND o.other = a.item` : `WHERE a.item = ${m}`;
          await s.run(
            `CREATE TEMP TABLE ${next} AS SELECT DISTINCT c.tid, c.p FROM ${cur} AS c ` +
              `JOIN (SELECT a.tid, a.code FROM ${alts} AS a ${which}) AS k ON k.tid = c.tid ` +
              `SEMI JOIN ${sets} AS h ON h.p = c.p AND h.code = k.code`,
          );
          cur = next;
          await readLevel(engine, cur, truthT, m, M, out, doing);
        }
      }
    }
    return { truth, size, truthIn, details };
  } finally {
    await s.drop();
  }
}
