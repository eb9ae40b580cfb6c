/**
 * @module engine/clickhouse-codesets — relational trials on the ClickHouse engine: km-anonymity
 * counting (`personCodes`, `codeSetCounts`) as SQL on the cluster's coordinator, with the figures
 * attacks/person-match's kernels give locally.
 *
 * Event tables: checked and coded in the embedded DuckDB that loads the trial's files
 * (duckdb-events.ts: the local loader's checks, messages and code normalization, as on --engine
 * duckdb), which also builds each side's code sets — (person row, combined code), distinct — from
 * them (duckdb-codesets.ts). Only those coded pairs are uploaded, to one MergeTree table per side on
 * the coordinator (not sharded); the raw event rows never reach ClickHouse. Person rows are the row
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
 * Dated events (trajectory): when the trial plans trajectory, each side's dated events (person row,
 * code, date window), built by the same embedded DuckDB (duckdb-trajectory.ts sequencesOf), are
 * streamed to the coordinator beside the code sets (`sequences`); clickhouse-trajectory.ts counts
 * there, sharing this module's targets' classes (chTargetClasses), known items and level reading.
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
import { codeSetsOf, levelArrays } from './duckdb-codesets.js';
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
  RareValueCounts,
  RareValuesQuery,
  RelationalCodes,
} from './types.js';

/** A relational trial on the ClickHouse engine: its codes, and each side's code-sets table (p, code). */
export interface ChRelational extends RelationalCodes {
  /** The person key of the person tables. */
  key: string;
  sets: Partial<Record<'release' | 'original', string>>;
  /**
   * Each side's dated-events table (p, code, lo, hi), uploaded when the trial plans trajectory
   * (clickhouse-trajectory.ts); the code sets when it plans code-sets or rare-values.
   */
  sequences: Partial<Record<'release' | 'original', string>>;
  /** The release's value histograms and latest event year, computed by DuckDB when loading. */
  eventAggregates: Pick<RareValueCounts, 'values' | 'latestEventYear'>;
}

/**
 * Creates `name` on the coordinator (a MergeTree ordered by its columns, not sharded) and streams
 * DuckDB table `from`'s columns of the same names into it (TabSeparated batches: no rows held here).
 * @returns `name`
 * @throws ReidgateError('ENGINE') when DuckDB or the server fails
 */
async function uploadDuckTable(
  engine: ClickHouseEngine,
  duck: DuckDbEngine,
  from: string,
  name: string,
  cols: ReadonlyArray<[string, string]>,
  what: string,
): Promise<string> {
  const doing = `uploading ${what}`;
  engine.created.push([engine.coordinator, name]);
  await engine.coordinator.exec(
    `CREATE TABLE ${name} (${cols.map(([c, t]) => `${c} ${t}`).join(', ')}) ENGINE = MergeTree ` +
      `ORDER BY (${cols.map(([c]) => c).join(', ')})`,
    doing,
  );
  await streamInto(
    engine,
    duck,
    `SELECT ${cols.map(([c]) => `CAST(${c} AS VARCHAR)`).join(' || chr(9) || ')} FROM ${from}`,
    name,
    doing,
    `reading ${what}`,
  );
  return name;
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
  const sequences: ChRelational['sequences'] = {};
  // Only what the planned attacks read (no --attacks: every attack is planned): code sets for
  // code-sets, rare-values and linkage's sparse method; dated events for trajectory and sparse
  // linkage's dated items (clickhouse-sparse.ts).
  const plans = (...ids: string[]) => !trial.attacks || ids.some((id) => trial.attacks!.includes(id));
  const coded = plans('code-sets', 'rare-values', 'linkage');
  const dated = events.relational.tables.some((t) => t.dated) && plans('trajectory', 'linkage');
  for (const side of ['release', 'original'] as const) {
    if (!duck.tables.get(side) || (side === 'original' && !events.relational.original)) continue;
    if (coded)
      sets[side] = await uploadDuckTable(
        engine,
        duck,
        await codeSetsOf(duck, side),
        `${rel.scratchDb}.${engine.prefix}_codesets_${side}`,
        [
          ['p', 'UInt64'],
          ['code', 'Int32'],
        ],
        `the ${side} patients' code sets`,
      );
    if (dated)
      sequences[side] = await uploadDuckTable(
        engine,
        duck,
        await sequencesOf(duck, side),
        `${rel.scratchDb}.${engine.prefix}_sequences_${side}`,
        [
          ['p', 'UInt64'],
          ['code', 'Int32'],
          ['lo', 'Int32'],
          ['hi', 'Int32'],
        ],
        `the ${side} patients' dated events`,
      );
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
    relational: { tables, labels, original, key, sets, sequences, eventAggregates },
  };
}

/** The relational codes and a side's table of `kind` (code sets or dated events), or an INTERNAL error. */
export function relationalOf(
  engine: ClickHouseEngine,
  side: 'release' | 'original',
  kind: 'sets' | 'sequences' = 'sets',
): { rel: ChRelational; sets: string } {
  const rel = engine.relational;
  const sets = rel?.[kind][side];
  if (!rel || !sets)
    throw new ReidgateError(
      'INTERNAL',
      `clickhouse engine: no ${side} ${kind === 'sets' ? 'code sets' : 'dated events'}`,
    );
  return { rel, sets };
}

/**
 * Per given person (in query order), the rows of `table` (p, then `cols`, all integers) that it
 * holds, in `cols` order: offsets and one array per column. Reads only the given persons' rows.
 * @throws ReidgateError('ENGINE') on engine failure
 */
export async function chPersonRows(
  engine: ClickHouseEngine,
  table: string,
  rows: Int32Array,
  cols: readonly string[],
  doing: string,
): Promise<{ offsets: Int32Array; columns: Int32Array[] }> {
  const n = rows.length;
  const byPerson = new Map<number, number[]>();
  for (const p of rows) byPerson.set(p, []);
  if (n > 0) {
    const t = engine.tables.get('release')!;
    const sample = await upload(engine, t, 'pcs', [['p', 'UInt64', rows]], doing);
    try {
      const list = cols.join(', ');
      for (const [p, ...v] of await engine.coordinator.numbers(
        `SELECT p, ${list} FROM ${table} WHERE p IN (SELECT p FROM ${sample}) ORDER BY p, ${list}`,
        doing,
      ))
        byPerson.get(p)?.push(...v);
    } finally {
      await engine.coordinator
        .exec(`DROP TABLE IF EXISTS ${sample}`, 'dropping a scratch table')
        .catch(() => {});
    }
  }
  const w = cols.length;
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i] + byPerson.get(rows[i])!.length / w;
  const columns = cols.map(() => new Int32Array(offsets[n]));
  rows.forEach((p, i) => {
    const v = byPerson.get(p)!;
    for (let r = 0; r < v.length / w; r++)
      for (let j = 0; j < w; j++) columns[j][offsets[i] + r] = v[r * w + j];
  });
  return { offsets, columns };
}

/**
 * Each given person's distinct combined codes, ascending (see PersonCodes).
 * @throws ReidgateError('ENGINE') on engine failure
 */
export async function chPersonCodes(engine: ClickHouseEngine, q: PersonCodesQuery): Promise<PersonCodes> {
  const { sets } = relationalOf(engine, q.side);
  const { offsets, columns } = await chPersonRows(
    engine,
    sets,
    q.rows,
    ['code'],
    `reading the sampled ${q.side} patients' codes`,
  );
  return { offsets, codes: columns[0] };
}

/** Scratch tables of one question on the release's server, dropped together (`drop`, also on failure). */
export interface ChScratch {
  /** Uploads columns as a new table. */
  put(kind: string, cols: readonly Column[]): Promise<string>;
  /** A new table from a SELECT. */
  make(kind: string, select: string): Promise<string>;
  /** Every table made, for helpers that add their own (chLinkClasses). */
  tables: Array<[ClickHouseTable, string]>;
  drop(): Promise<void>;
}

/** Scratch tables for a question about the loaded release (see ChScratch). */
export function chScratch(engine: ClickHouseEngine, doing: string): ChScratch {
  const rel = engine.tables.get('release');
  if (!rel?.direct) throw new ReidgateError('INTERNAL', 'clickhouse engine: no loaded release table');
  const tables: Array<[ClickHouseTable, string]> = [];
  return {
    tables,
    put: async (kind, cols) => {
      const name = await upload(engine, rel, kind, cols, doing);
      tables.push([rel, name]);
      return name;
    },
    make: async (kind, select) => {
      const name = engine.scratchName(rel, kind);
      tables.push([rel, name]);
      await rel.server.exec(`CREATE TABLE ${name} ENGINE = MergeTree ORDER BY tuple() AS ${select}`, doing);
      return name;
    },
    drop: async () => {
      for (const [t, name] of tables)
        await t.server.exec(`DROP TABLE IF EXISTS ${name}`, 'dropping a scratch table').catch(() => {});
    },
  };
}

/** The targets' truth and demographic compatibility on the cluster (code-sets' and trajectory's). */
export interface ChTargetClasses {
  /** Per target its true release person row, or −1. */
  truth: Int32Array;
  /** Scratch tables: (tid, t1 = truth + 1, 0 for none); each release person's class (p, cid); each target's compatible classes (tid, cid). */
  truthT: string;
  pcls: string;
  pairs: string;
}

/**
 * The targets' true release persons (by the person key for original targets) and their
 * demographically compatible release classes, as scratch tables in `s` (see the module comment) —
 * what code-sets and trajectory share (as duckdb-codesets.ts targetClasses on DuckDB).
 * @throws ReidgateError('ENGINE') on engine failure; ('COLUMN') when a hierarchy misses a value
 */
export async function chTargetClasses(
  engine: ClickHouseEngine,
  q: Pick<CodeSetQuery, 'side' | 'targetRows' | 'knownQi' | 'sameClass'>,
  wildcard: readonly string[],
  s: ChScratch,
): Promise<ChTargetClasses> {
  const relational = engine.relational;
  const rel = engine.tables.get('release');
  if (!relational || !rel) throw new ReidgateError('INTERNAL', 'clickhouse engine: no relational trial');
  const T = q.targetRows.length;
  // Truth: the release person with the target's key (original side), or the target itself.
  const truth = new Int32Array(T).fill(-1);
  if (q.side === 'release') truth.set(q.targetRows);
  else {
    const posOf = new Map<number, number[]>();
    q.targetRows.forEach((r, t) => {
      posOf.set(r, [...(posOf.get(r) ?? []), t]);
    });
    for (const [trow, row] of await chRowsById(engine, 'original', q.targetRows, relational.key))
      for (const t of posOf.get(trow) ?? []) truth[t] = row;
  }
  const tids = Int32Array.from({ length: T }, (_, t) => t);
  // truth + 1 (0: none), so that a LEFT JOIN's default never names a person.
  const truthT = await s.put('cst', [
    ['tid', 'UInt64', tids],
    ['t1', 'UInt64', Array.from(truth, (r) => r + 1)],
  ]);
  // Demographics: each release person's class (its first row), each target's compatible classes.
  const names = q.knownQi.map((c) => c.name);
  if (names.length === 0) {
    const pcls = await s.make('csp', `SELECT toUInt64(${ROW}) AS p, toUInt64(0) AS cid FROM ${rel.relation}`);
    const pairs = await s.make('csq', `SELECT tid, toUInt64(0) AS cid FROM ${truthT}`);
    return { truth, truthT, pcls, pairs };
  }
  const { K, relSelect } = classKeys(rel, names, wildcard);
  const pcls = await s.make(
    'csp',
    `SELECT toUInt64(arrayJoin(rs)) AS p, toUInt64(f) AS cid FROM ` +
      `(SELECT ${relSelect}, min(${ROW}) AS f, groupArray(${ROW}) AS rs FROM ${rel.relation} GROUP BY ${K.join(', ')})`,
  );
  if (q.sameClass) {
    const tg = await s.put('csr', [
      ['tid', 'UInt64', tids],
      ['p', 'UInt64', q.targetRows],
    ]);
    const pairs = await s.make('csq', `SELECT tid, cid FROM ${tg} ANY INNER JOIN ${pcls} USING p`);
    return { truth, truthT, pcls, pairs };
  }
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
    s.tables,
  );
  if (!linked) throw new ReidgateError('INTERNAL', 'person-match: no classes for the strict relation');
  const pairs = await s.make(
    'csq',
    `SELECT toUInt64(__rg_tid) AS tid, toUInt64(__rg_first) AS cid FROM (${linked.verified})`,
  );
  return { truth, truthT, pcls, pairs };
}

/**
 * Reads level m from a table of (tid, p) pairs, the persons compatible with target tid at that level:
 * per target the set size and whether its true person (`truthT`: tid, t1) is among them.
 * @throws ReidgateError('ENGINE') on engine failure
 */
export async function chReadLevel(
  engine: ClickHouseEngine,
  cur: string,
  truthT: string,
  m: number,
  M: number,
  out: { size: Int32Array; truthIn: Int32Array },
  doing: string,
): Promise<void> {
  for (const [t, n, hit] of await engine.coordinator.numbers(
    `SELECT tid, count(), max(p + 1 = t1) FROM ${cur} ANY LEFT JOIN ${truthT} USING tid GROUP BY tid`,
    doing,
  )) {
    out.size[t * M + m - 1] = n;
    out.truthIn[t * M + m - 1] = hit === 1 ? 1 : 0;
  }
}

/**
 * The targets' known items as rows (target, item number from 1, code), each item twice: with its
 * code and with its table's suppressed code; `src` is the item's index in `items`.
 */
export function chKnownItems(
  relational: ChRelational,
  itemOffsets: Int32Array,
  items: Int32Array,
): { tid: number[]; item: number[]; code: number[]; src: number[] } {
  const out = { tid: [] as number[], item: [] as number[], code: [] as number[], src: [] as number[] };
  for (let t = 0; t + 1 < itemOffsets.length; t++) {
    for (let i = itemOffsets[t]; i < itemOffsets[t + 1]; i++) {
      const t0 = relational.tables.find((x) => items[i] >= x.base && items[i] < x.suppressed);
      if (!t0)
        throw new ReidgateError('INTERNAL', `clickhouse engine: code ${items[i]} is no event table's code`);
      for (const c of [items[i], t0.suppressed]) {
        out.tid.push(t);
        out.item.push(i - itemOffsets[t] + 1);
        out.code.push(c);
        out.src.push(i);
      }
    }
  }
  return out;
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
  const doing = `counting code sets of ${q.targetRows.length} targets`;
  const M = q.levels;
  const s = chScratch(engine, doing);
  try {
    const { truth, truthT, pcls, pairs } = await chTargetClasses(engine, q, wildcard, s);
    const { tid, item, code } = chKnownItems(relational, q.itemOffsets, q.items);
    const items = await s.put('csi', [
      ['tid', 'UInt64', tid],
      ['item', 'UInt32', item],
      ['code', 'Int32', code],
    ]);
    const out = levelArrays(q.itemOffsets, M);
    let cur = '';
    for (let m = 1; m <= M; m++) {
      const want = `(SELECT tid, code FROM ${items} WHERE item = ${m})`;
      cur =
        m === 1
          ? await s.make(
              'csc',
              // Holders streamed with their class; the hash table: each target's (item, compatible class).
              `SELECT DISTINCT tid, p FROM (SELECT p, code, cid FROM ${sets} ANY INNER JOIN ${pcls} USING p) ` +
                `ALL INNER JOIN (SELECT tid, code, cid FROM ${want} ALL INNER JOIN ${pairs} USING tid) USING code, cid`,
            )
          : await s.make(
              'csc',
              `SELECT DISTINCT tid, p FROM ${sets} ALL INNER JOIN ` +
                `(SELECT tid, p, code FROM ${cur} ALL INNER JOIN ${want} USING tid) USING p, code`,
            );
      await chReadLevel(engine, cur, truthT, m, M, out, doing);
    }
    return { truth, ...out, details: {} };
  } finally {
    await s.drop();
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
