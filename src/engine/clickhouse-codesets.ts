/**
 * @module engine/clickhouse-codesets — relational trials on the ClickHouse engine: km-anonymity
 * counting (`personCodes`, `codeSetCounts`) as SQL on the cluster's coordinator, with the figures
 * attacks/person-match's kernels give locally.
 *
 * Event tables: checked and coded in the embedded DuckDB that loads the trial's files
 * (duckdb-events.ts: the local loader's checks, messages and code normalization, as on --engine
 * duckdb), which also builds each side's code sets — (person row, combined code), distinct — from
 * them (duckdb-codesets.ts). Only those coded pairs are uploaded, to one MergeTree table per side on
 * the coordinator (not sharded), and, when some event table is dated, each side's distinct dated
 * events (person, code, date window; duckdb-trajectory.ts) for sparse linkage (clickhouse-sparse.ts);
 * the raw event rows never reach ClickHouse. Person rows are the row
 * numbers the person tables were loaded with (the same DuckDB reading), so they name the same persons.
 *
 * Counting, in the 18.16 dialect (USING joins, the right side the hash table):
 * - demographics: each release person's class, named by its first row (one GROUP BY of the known
 *   QIs' keys with groupArray of rows, on the shards, ARRAY JOINed); each target's compatible classes
 *   from exact linkage's join (clickhouse-linkage.ts chLinkClasses: strict relation), or, for
 *   release-side targets, the target's own class; without known QIs one class holds everyone;
 * - level 1: the holders of each target's item 1 (its code or its table's suppressed code), kept when
 *   their class is among the target's compatible classes; level m: those of level m − 1 holding item m
 *   (a join with the code sets on (person, code)). Per (target, level) the persons and whether the
 *   true person is among them come back: at most targets × M rows, never other persons' codes.
 * Rare values (`rareValueCounts`): holders per code, patients holding a rare code and rare code pairs
 * (a self-join of the code sets on the patient over the codes each held by ≥ N patients) as SQL on the
 * coordinator; the birth column's values and holders from the release on the shards; the value
 * columns' histograms and the latest event year come from the event files, which ClickHouse does not
 * hold: DuckDB computes them while loading (duckdb-rare.ts duckEventAggregates), as on --engine duckdb.
 * Not pushed down yet: trajectory counts (the attack is skipped with a reason; the verdict fails closed).
 */
import { ReidgateError } from '../errors.js';
import type { InputInfo } from '../report/model.js';
import type { Trial } from '../trial/schema.js';
import type { ClickHouseEngine, ClickHouseTable } from './clickhouse.js';
import { unescapeTsv } from './clickhouse-http.js';
import { type Column, chLinkClasses, chRowsById, classKeys, upload } from './clickhouse-linkage.js';
import { streamInto } from './clickhouse-load.js';
import { chLit, presentKey, ROW } from './clickhouse-sql.js';
import type { DuckDbEngine } from './duckdb.js';
import { codeSetsOf } from './duckdb-codesets.js';
import { loadDuckEvents } from './duckdb-events.js';
import { scratchTables } from './duckdb-linkage.js';
import type { CsvOptions } from './duckdb-load.js';
import { duckEventAggregates } from './duckdb-rare.js';
import { sequencesOf } from './duckdb-trajectory.js';
import type {
  CodeSetCounts,
  CodeSetQuery,
  PersonCodes,
  PersonCodesQuery,
  PersonEvents,
  RareValueCounts,
  RareValuesQuery,
  RelationalCodes,
} from './types.js';

/** A relational trial on the ClickHouse engine: its codes, and each side's code-sets table (p, code). */
export interface ChRelational extends RelationalCodes {
  /** The person key of the person tables. */
  key: string;
  sets: Partial<Record<'release' | 'original', string>>;
  /** Each side's dated events table (p, code, lo, hi), when some event table is dated. */
  seqs: Partial<Record<'release' | 'original', string>>;
  /** The release's value histograms and latest event year, computed by DuckDB when loading. */
  eventAggregates: Pick<RareValueCounts, 'values' | 'latestEventYear'>;
}

/**
 * Checks and codes a relational trial's event tables in `duck` (which holds the person tables as
 * loaded into the cluster) and uploads each side's code sets to the coordinator.
 * @returns the event files' report entries, loader warnings, and the relational codes
 * @throws ReidgateError — input errors (exit 2) as relational/load.ts raises them; ENGINE (exit 3)
 */
export async function loadChEvents(
  engine: ClickHouseEngine,
  duck: DuckDbEngine | undefined,
  trial: Trial,
  opts: CsvOptions,
  progress: (detail: string) => void,
): Promise<{ info: Record<string, InputInfo>; warnings: string[]; relational: ChRelational }> {
  const rel = engine.tables.get('release');
  if (!duck || !rel?.direct || (trial.original && !engine.tables.get('original')?.direct))
    throw new ReidgateError(
      'USAGE',
      '--engine clickhouse: a relational trial (events:) reads its person tables from files, not clickhouse:// tables',
    );
  const events = await loadDuckEvents(duck, trial, opts, progress);
  duck.relational = events.relational;
  const sets: ChRelational['sets'] = {};
  const seqs: ChRelational['seqs'] = {};
  for (const side of ['release', 'original'] as const) {
    if (!duck.tables.get(side) || (side === 'original' && !events.relational.original)) continue;
    const from = await codeSetsOf(duck, side);
    const name = `${rel.scratchDb}.${engine.prefix}_codesets_${side}`;
    const doing = `uploading the ${side} patients' code sets`;
    engine.created.push([engine.coordinator, name]);
    await engine.coordinator.exec(
      `CREATE TABLE ${name} (p UInt64, code Int32) ENGINE = MergeTree ORDER BY (p, code)`,
      doing,
    );
    await streamInto(
      engine,
      duck,
      `SELECT CAST(p AS VARCHAR) || chr(9) || CAST(code AS VARCHAR) FROM ${from}`,
      name,
      doing,
      `reading the ${side} patients' code sets`,
    );
    sets[side] = name;
    // Dated events (p, code, lo, hi), for sparse linkage's dated items (clickhouse-sparse.ts).
    if (!events.relational.tables.some((t) => t.dated)) continue;
    const seq = await sequencesOf(duck, side);
    const seqName = `${rel.scratchDb}.${engine.prefix}_sequences_${side}`;
    const doingSeq = `uploading the ${side} patients' dated events`;
    engine.created.push([engine.coordinator, seqName]);
    await engine.coordinator.exec(
      `CREATE TABLE ${seqName} (p UInt64, code Int32, lo Int32, hi Int32) ENGINE = MergeTree ORDER BY (code, lo, p)`,
      doingSeq,
    );
    await streamInto(
      engine,
      duck,
      `SELECT CAST(p AS VARCHAR) || chr(9) || CAST(code AS VARCHAR) || chr(9) || CAST(lo AS VARCHAR) || chr(9) || CAST(hi AS VARCHAR) FROM ${seq}`,
      seqName,
      doingSeq,
      `reading the ${side} patients' dated events`,
    );
    seqs[side] = seqName;
  }
  // The event files' own aggregates (value histograms, latest year): ClickHouse does not hold the rows.
  const scratch = scratchTables(duck, 'rv', 'counting rare values');
  let eventAggregates: ChRelational['eventAggregates'];
  try {
    eventAggregates = await duckEventAggregates(duck, events.relational, scratch);
  } finally {
    await scratch.drop();
  }
  const { tables, labels, original, key } = events.relational;
  return {
    info: events.info,
    warnings: events.warnings,
    relational: { tables, labels, original, key, sets, seqs, eventAggregates },
  };
}

function relationalOf(
  engine: ClickHouseEngine,
  side: 'release' | 'original',
): { rel: ChRelational; sets: string } {
  const rel = engine.relational;
  const sets = rel?.sets[side];
  if (!rel || !sets) throw new ReidgateError('INTERNAL', `clickhouse engine: no ${side} code sets`);
  return { rel, sets };
}

/**
 * Each given person's distinct combined codes, ascending (see PersonCodes).
 * @throws ReidgateError('ENGINE') on engine failure
 */
export async function chPersonCodes(engine: ClickHouseEngine, q: PersonCodesQuery): Promise<PersonCodes> {
  const { sets } = relationalOf(engine, q.side);
  const doing = `reading the sampled ${q.side} patients' codes`;
  const server = engine.coordinator;
  const n = q.rows.length;
  const byPerson = new Map<number, number[]>();
  for (const p of q.rows) byPerson.set(p, []);
  if (n > 0) {
    const t = engine.tables.get('release')!;
    const sample = await upload(engine, t, 'pcs', [['p', 'UInt64', q.rows]], doing);
    try {
      for (const [p, code] of await server.numbers(
        `SELECT p, code FROM ${sets} WHERE p IN (SELECT p FROM ${sample}) ORDER BY p, code`,
        doing,
      ))
        byPerson.get(p)?.push(code);
    } finally {
      await server.exec(`DROP TABLE IF EXISTS ${sample}`, 'dropping a scratch table').catch(() => {});
    }
  }
  const offsets = new Int32Array(n + 1);
  const all: number[] = [];
  q.rows.forEach((p, i) => {
    all.push(...byPerson.get(p)!);
    offsets[i + 1] = all.length;
  });
  return { offsets, codes: Int32Array.from(all) };
}

/** Makes a scratch table from columns (`put`) or from a SELECT (`make`), dropped by the caller. */
export type ChScratch = {
  put: (kind: string, cols: readonly Column[]) => Promise<string>;
  make: (kind: string, select: string) => Promise<string>;
};

/** Scratch tables on `rel`'s server (ChScratch), each recorded in `scratch` for the caller to drop. */
export function chScratch(
  engine: ClickHouseEngine,
  rel: ClickHouseTable,
  doing: string,
  scratch: Array<[ClickHouseTable, string]>,
): ChScratch {
  return {
    put: async (kind, cols) => {
      const name = await upload(engine, rel, kind, cols, doing);
      scratch.push([rel, name]);
      return name;
    },
    make: async (kind, select) => {
      const name = engine.scratchName(rel, kind);
      scratch.push([rel, name]);
      await rel.server.exec(`CREATE TABLE ${name} ENGINE = MergeTree ORDER BY tuple() AS ${select}`, doing);
      return name;
    },
  };
}

/** Per target its true release person: the one with the target's key (original side), or itself. */
export async function chTruth(
  engine: ClickHouseEngine,
  key: string,
  q: Pick<CodeSetQuery, 'side' | 'targetRows'>,
): Promise<Int32Array> {
  const truth = new Int32Array(q.targetRows.length).fill(-1);
  if (q.side === 'release') truth.set(q.targetRows);
  else {
    const posOf = new Map<number, number[]>();
    q.targetRows.forEach((r, t) => {
      posOf.set(r, [...(posOf.get(r) ?? []), t]);
    });
    for (const [trow, row] of await chRowsById(engine, 'original', q.targetRows, key))
      for (const t of posOf.get(trow) ?? []) truth[t] = row;
  }
  return truth;
}

/**
 * Each release person's class (named by its first row) and each target's compatible classes: exact
 * linkage's strict relation (chLinkClasses), or, with `sameClass`, the target's own class; one
 * class holding everyone without known QIs. What code-sets and sparse linkage share.
 * @returns scratch tables pcls (p, cid) and pairs (tid, cid)
 * @throws ReidgateError('ENGINE') on engine failure; ('COLUMN') when a hierarchy misses a value
 */
export async function chClasses(
  engine: ClickHouseEngine,
  q: Pick<CodeSetQuery, 'knownQi' | 'sameClass' | 'targetRows'>,
  truth: Int32Array,
  truthT: string,
  wildcard: readonly string[],
  put: ChScratch['put'],
  make: ChScratch['make'],
  scratch: Array<[ClickHouseTable, string]>,
): Promise<{ pcls: string; pairs: string }> {
  const rel = engine.tables.get('release');
  if (!rel?.direct) throw new ReidgateError('INTERNAL', 'clickhouse engine: no loaded release table');
  const T = q.targetRows.length;
  const tids = Int32Array.from({ length: T }, (_, t) => t);
  // Demographics: each release person's class (its first row), each target's compatible classes.
  const names = q.knownQi.map((c) => c.name);
  let pcls: string;
  let pairs: string;
  if (names.length === 0) {
    pcls = await make('csp', `SELECT toUInt64(${ROW}) AS p, toUInt64(0) AS cid FROM ${rel.relation}`);
    pairs = await make('csq', `SELECT tid, toUInt64(0) AS cid FROM ${truthT}`);
  } else {
    const { K, relSelect } = classKeys(rel, names, wildcard);
    pcls = await make(
      'csp',
      `SELECT toUInt64(arrayJoin(rs)) AS p, toUInt64(f) AS cid FROM ` +
        `(SELECT ${relSelect}, min(${ROW}) AS f, groupArray(${ROW}) AS rs FROM ${rel.relation} GROUP BY ${K.join(', ')})`,
    );
    if (q.sameClass) {
      const tg = await put('csr', [
        ['tid', 'UInt64', tids],
        ['p', 'UInt64', q.targetRows],
      ]);
      pairs = await make('csq', `SELECT tid, cid FROM ${tg} ANY INNER JOIN ${pcls} USING p`);
    } else {
      const linked = await chLinkClasses(
        engine,
        {
          targets: 'original',
          columns: q.knownQi,
          targetRows: q.targetRows,
          truth,
          uniform: new Float64Array(T),
          relation: 'strict',
        },
        { wildcard, hierarchies: engine.opts.hierarchies },
        scratch,
      );
      if (!linked) throw new ReidgateError('INTERNAL', 'code-sets: no classes for the strict relation');
      pairs = await make(
        'csq',
        `SELECT toUInt64(__rg_tid) AS tid, toUInt64(__rg_first) AS cid FROM (${linked.verified})`,
      );
    }
  }
  return { pcls, pairs };
}

/**
 * Each given person's distinct dated events sorted by (code, lo, hi), and the release's date range
 * and distinct (code, date) points (see PersonEvents).
 * @throws ReidgateError('ENGINE') on engine failure
 */
export async function chPersonEvents(engine: ClickHouseEngine, q: PersonCodesQuery): Promise<PersonEvents> {
  const rel = engine.relational;
  const seq = rel?.seqs[q.side];
  const rseq = rel?.seqs.release;
  const n = q.rows.length;
  const offsets = new Int32Array(n + 1);
  if (!seq || !rseq)
    return {
      offsets,
      codes: new Int32Array(0),
      lo: new Int32Array(0),
      hi: new Int32Array(0),
      releaseDates: null,
      releasePoints: 0,
    };
  const doing = `reading the sampled ${q.side} patients' dated events`;
  const server = engine.coordinator;
  const byPerson = new Map<number, number[][]>();
  for (const p of q.rows) byPerson.set(p, []);
  if (n > 0) {
    const sample = await upload(
      engine,
      engine.tables.get('release')!,
      'pev',
      [['p', 'UInt64', q.rows]],
      doing,
    );
    try {
      for (const [p, code, lo, hi] of await server.numbers(
        `SELECT p, code, lo, hi FROM ${seq} WHERE p IN (SELECT p FROM ${sample}) ORDER BY p, code, lo, hi`,
        doing,
      ))
        byPerson.get(p)?.push([code, lo, hi]);
    } finally {
      await server.exec(`DROP TABLE IF EXISTS ${sample}`, 'dropping a scratch table').catch(() => {});
    }
  }
  const all: number[][] = [];
  q.rows.forEach((p, i) => {
    all.push(...byPerson.get(p)!);
    offsets[i + 1] = all.length;
  });
  const [[count, min, max, points]] = await server.numbers(
    `SELECT count(), min(lo), max(lo), uniqExact(code, lo) FROM ${rseq}`,
    `${doing} (the release's dates)`,
  );
  return {
    offsets,
    codes: Int32Array.from(all, (e) => e[0]),
    lo: Int32Array.from(all, (e) => e[1]),
    hi: Int32Array.from(all, (e) => e[2]),
    releaseDates: count > 0 ? [min, max] : null,
    releasePoints: points,
  };
}

/**
 * km-anonymity counts (see CodeSetQuery and the module comment).
 * @throws ReidgateError('ENGINE') on engine failure; ('COLUMN') when a hierarchy misses a value
 */
export async function chCodeSetCounts(
  engine: ClickHouseEngine,
  q: CodeSetQuery,
  wildcard: readonly string[],
): Promise<CodeSetCounts> {
  const { rel: relational, sets } = relationalOf(engine, 'release');
  const rel = engine.tables.get('release');
  if (!rel?.direct) throw new ReidgateError('INTERNAL', 'clickhouse engine: no loaded release table');
  const server = rel.server;
  const doing = `counting code sets of ${q.targetRows.length} targets`;
  const T = q.targetRows.length;
  const M = q.levels;
  const scratch: Array<[ClickHouseTable, string]> = [];
  const { put, make } = chScratch(engine, rel, doing, scratch);
  try {
    const truth = await chTruth(engine, relational.key, q);
    const tids = Int32Array.from({ length: T }, (_, t) => t);
    // truth + 1 (0: none), so that a LEFT JOIN's default never names a person.
    const truthT = await put('cst', [
      ['tid', 'UInt64', tids],
      ['t1', 'UInt64', Array.from(truth, (r) => r + 1)],
    ]);
    // The known items, each also as its table's suppressed code.
    const supp = (c: number) => {
      const t = relational.tables.find((x) => c >= x.base && c < x.suppressed);
      if (!t) throw new ReidgateError('INTERNAL', `code-sets: code ${c} is no table's code`);
      return t.suppressed;
    };
    const tid: number[] = [];
    const item: number[] = [];
    const code: number[] = [];
    for (let t = 0; t < T; t++) {
      for (let i = q.itemOffsets[t]; i < q.itemOffsets[t + 1]; i++) {
        for (const c of [q.items[i], supp(q.items[i])]) {
          tid.push(t);
          item.push(i - q.itemOffsets[t] + 1);
          code.push(c);
        }
      }
    }
    const items = await put('csi', [
      ['tid', 'UInt64', tid],
      ['item', 'UInt32', item],
      ['code', 'Int32', code],
    ]);
    const { pcls, pairs } = await chClasses(engine, q, truth, truthT, wildcard, put, make, scratch);
    const size = new Int32Array(T * M);
    const truthIn = new Int32Array(T * M);
    for (let t = 0; t < T; t++)
      for (let m = q.itemOffsets[t + 1] - q.itemOffsets[t] + 1; m <= M; m++) size[t * M + m - 1] = -1;
    let cur = '';
    for (let m = 1; m <= M; m++) {
      const want = `(SELECT tid, code FROM ${items} WHERE item = ${m})`;
      cur =
        m === 1
          ? await make(
              'csc',
              // Holders streamed with their class; the hash table: each target's (item, compatible class).
              `SELECT DISTINCT tid, p FROM (SELECT p, code, cid FROM ${sets} ANY INNER JOIN ${pcls} USING p) ` +
                `ALL INNER JOIN (SELECT tid, code, cid FROM ${want} ALL INNER JOIN ${pairs} USING tid) USING code, cid`,
            )
          : await make(
              'csc',
              `SELECT DISTINCT tid, p FROM ${sets} ALL INNER JOIN ` +
                `(SELECT tid, p, code FROM ${cur} ALL INNER JOIN ${want} USING tid) USING p, code`,
            );
      for (const [t, n, hit] of await server.numbers(
        `SELECT tid, count(), max(p + 1 = t1) FROM ${cur} ANY LEFT JOIN ${truthT} USING tid GROUP BY tid`,
        doing,
      )) {
        size[t * M + m - 1] = n;
        truthIn[t * M + m - 1] = hit === 1 ? 1 : 0;
      }
    }
    return { truth, size, truthIn, details: {} };
  } finally {
    for (const [t, name] of scratch)
      await t.server.exec(`DROP TABLE IF EXISTS ${name}`, 'dropping a scratch table').catch(() => {});
  }
}

/**
 * The rare-values aggregates (see RareValueCounts and the module comment).
 * @throws ReidgateError('ENGINE') on engine failure
 */
export async function chRareValueCounts(
  engine: ClickHouseEngine,
  q: RareValuesQuery,
  wildcard: readonly string[],
): Promise<RareValueCounts> {
  const { rel: relational, sets } = relationalOf(engine, 'release');
  const rel = engine.tables.get('release');
  if (!rel) throw new ReidgateError('INTERNAL', 'clickhouse engine: no release table');
  const server = engine.coordinator;
  const doing = 'counting rare values';
  const T = relational.tables.length;
  const tableOfCode = new Int32Array(relational.labels.length);
  for (const [i, t] of relational.tables.entries()) tableOfCode.fill(i, t.base, t.suppressed + 1);
  const scratch: string[] = [];
  const list = async (codes: number[]) => {
    const name = await upload(
      engine,
      rel,
      'rvc',
      [
        ['code', 'Int32', codes],
        ['t', 'UInt32', codes.map((c) => tableOfCode[c])],
      ],
      doing,
    );
    scratch.push(name);
    return name;
  };
  try {
    const holders = new Float64Array(relational.labels.length);
    for (const [c, n] of await server.numbers(`SELECT code, count() FROM ${sets} GROUP BY code`, doing))
      holders[c] = n;
    const isSuppressed = (c: number) => relational.tables[tableOfCode[c]].suppressed === c;
    const codesWhere = (keep: (c: number) => boolean) => {
      const codes: number[] = [];
      for (let c = 0; c < holders.length; c++) if (keep(c)) codes.push(c);
      return codes;
    };
    const rare = await list(codesWhere((c) => !isSuppressed(c) && holders[c] > 0 && holders[c] < q.n));
    const patientsWithRareCode = new Array<number>(T).fill(0);
    for (const [t, n] of await server.numbers(
      `SELECT t, uniqExact(p) FROM ${sets} ALL INNER JOIN ${rare} USING code GROUP BY t`,
      doing,
    ))
      patientsWithRareCode[t] = n;
    const [[withRareCode]] = await server.numbers(
      `SELECT uniqExact(p) FROM ${sets} WHERE code IN (SELECT code FROM ${rare})`,
      doing,
    );
    let pairs: number[] | null = null;
    if (q.pairs) {
      pairs = new Array<number>(T * T).fill(0);
      const common = await list(codesWhere((c) => !isSuppressed(c) && holders[c] >= q.n));
      const held = engine.scratchName(rel, 'rvh');
      scratch.push(held);
      await server.exec(
        `CREATE TABLE ${held} ENGINE = MergeTree ORDER BY p AS SELECT p, code, t FROM ${sets} ALL INNER JOIN ${common} USING code`,
        doing,
      );
      for (const [ta, tb, n] of await server.numbers(
        `SELECT ta, tb, count() FROM (SELECT ta, tb, ca, cb, count() AS n FROM ` +
          `(SELECT p, code AS ca, t AS ta FROM ${held}) ALL INNER JOIN (SELECT p, code AS cb, t AS tb FROM ${held}) USING p ` +
          `WHERE cb > ca GROUP BY ta, tb, ca, cb) WHERE n < ${q.n} GROUP BY ta, tb`,
        `${doing} (code pairs)`,
      ))
        pairs[ta * T + tb] = n;
    }
    let birth: Array<[string, number]> | null = null;
    if (q.birth !== undefined) {
      const k = rel.keys.get(q.birth);
      if (k === undefined) throw new ReidgateError('INTERNAL', `clickhouse engine: no column ${q.birth}`);
      const tokens = wildcard.map((w) => chLit(presentKey(w))).join(', ');
      birth = [];
      const what = `${doing} (birth values)`;
      await rel.server.streamLines(
        `SELECT count(), ${k} AS __rg_v FROM ${rel.relation} WHERE __rg_v != ''` +
          (tokens ? ` AND __rg_v NOT IN (${tokens})` : '') +
          ' GROUP BY __rg_v',
        what,
        (line) => {
          const tab = line.indexOf('\t');
          const n = Number(line.slice(0, tab));
          if (tab < 0 || !Number.isInteger(n)) throw rel.server.unexpected(line, what);
          birth!.push([unescapeTsv(line.slice(tab + 1)).slice(1), n]);
        },
      );
    }
    return {
      holders,
      patientsWithRareCode,
      withRareCode,
      pairs,
      ...relational.eventAggregates,
      birth,
    };
  } finally {
    for (const name of scratch)
      await server.exec(`DROP TABLE IF EXISTS ${name}`, 'dropping a scratch table').catch(() => {});
  }
}
