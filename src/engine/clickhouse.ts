/**
 * @module engine/clickhouse — the ClickHouse engine: counting pushed down as SQL to a ClickHouse
 * cluster over its HTTP interface (clickhouse-http.ts), in the dialect of ClickHouse 18.16.
 *
 * Tables: an input file is read by DuckDB with reidgate's CSV rules (clickhouse-load.ts) and inserted,
 * every column as an encoded String key (clickhouse-sql.ts: `''` missing, `'+' || value` present)
 * beside its row number, into a MergeTree table on every shard (rows split by row number) under a
 * Distributed table on the coordinator (the first --clickhouse-url). A `clickhouse://host:port/db.table`
 * input is queried in place, its columns encoded on the fly. Tables the engine made are dropped on close.
 *
 * Where the work runs (two-level aggregation): a GROUP BY over the Distributed table runs on every
 * shard over its own rows and sends partial aggregates to the coordinator, which merges them (a class
 * split across shards is counted once, with its full size). Per-record sizes ride on the same
 * aggregation (each class's row numbers gathered with groupArray and merged likewise, then ARRAY JOIN
 * streams (row, size) back). Under the wildcard model the classes are merged the same way into a
 * table on the coordinator, the pairwise pattern sums run there over the distinct tuples (not rows),
 * and the per-record sizes join every shard's rows with the result (a GLOBAL JOIN: the coordinator
 * ships the table to the shards).
 *
 * Operations: `classSizes` (uniqueness), `classWeights` (population: the same two-level aggregation
 * with the weights summed per class; per-record sizes and sums via groupArray + ARRAY JOIN) and
 * `classValueCounts` (diversity: (class, value) counts aggregated on the shards). 18.16 has no window
 * functions, so the numbering by first row that types.ts asks for is done here: a class is named by its
 * smallest row number and a value by its first row in the table (row numbers are unique), the values
 * come back ordered by first row and the pairs ordered by class then first row, and reidgate counts
 * the ids. `fetchRows` (clickhouse-fetch.ts) brings rows back for attacks that do not reduce to SQL.
 * `positiveNumbers` checks and sums --weights on the cluster as DuckDB does; the numbers are
 * read exactly as JavaScript reads them up to 15 significant digits (clickhouse-sql.ts numberSql:
 * 18.16's own float parser is not correctly rounded). `compatibleSets` (exact linkage) joins the
 * targets with the release's classes through per-QI compatibility tables: clickhouse-linkage.ts.
 * Relational trials: `personCodes` and `codeSetCounts` (code-sets) over the coded (person, code)
 * pairs uploaded from the embedded DuckDB that checks and codes the event files:
 * clickhouse-codesets.ts; `personEvents` and `trajectoryCounts` (trajectory) over the dated
 * (person, code, date window) events uploaded the same way: clickhouse-trajectory.ts; `sparseSources`
 * and `sparseScores` (linkage's sparse method) over the code sets and dated events: clickhouse-sparse.ts.
 */
import { randomBytes } from 'node:crypto';
import { sharedFloat64, sharedInt32 } from '../encode/encode.js';
import { ReidgateError } from '../errors.js';
import {
  type ChRelational,
  chCodeSetCounts,
  chPersonCodes,
  chRareValueCounts,
} from './clickhouse-codesets.js';
import { chFetchRows, chTupleCounts } from './clickhouse-fetch.js';
import { type ClickHouseServer, unescapeTsv } from './clickhouse-http.js';
import { chCompatibleSets } from './clickhouse-linkage.js';
import { chSparseScores, chSparseSources } from './clickhouse-sparse.js';
import {
  compatiblePartSql,
  MASK,
  N,
  numberSql,
  ROW,
  ROWS,
  SIZE,
  SUM,
  WILDCARD_KEY,
  wildcardKeySql,
  wildcardMaskSql,
} from './clickhouse-sql.js';
import { chSubsetUniques } from './clickhouse-suda.js';
import { chPersonEvents, chTrajectoryCounts } from './clickhouse-trajectory.js';
import type { Hierarchies } from './linkage-relation.js';
import { weightTableOf } from './local.js';
import type {
  ClassQuery,
  ClassSizes,
  ClassValueCounts,
  ClassWeights,
  CodeSetCounts,
  CodeSetQuery,
  CompatibleSets,
  CompatibleSetsQuery,
  Engine,
  EngineOp,
  EngineRole,
  FetchedRows,
  PersonCodes,
  PersonCodesQuery,
  PersonEvents,
  PositiveNumbers,
  RareValueCounts,
  RareValuesQuery,
  RowsQuery,
  SizeRow,
  SparseScoreQuery,
  SparseScores,
  SparseSources,
  SparseSourcesQuery,
  SubsetUniques,
  SubsetUniquesQuery,
  TrajectoryQuery,
  TupleCount,
  TupleCountsQuery,
  ValueCountsQuery,
  WeightQuery,
} from './types.js';

/** A table the engine holds. */
export interface ClickHouseTable {
  /** The server queries about this table go to (the coordinator for loaded inputs). */
  server: ClickHouseServer;
  /** SQL relation (`db.table`): the Distributed table for a loaded input. */
  relation: string;
  rows: number;
  /** The input's column names. */
  columns: string[];
  /** Per column name: its encoded key, a stored column (`c3`) or an expression over the relation. */
  keys: Map<string, string>;
  /**
   * Per column name, when cheaper than its key: an expression whose values correspond one to one to
   * the key's (a table in place's non-Nullable String column itself, without the `'+'` prefix), for
   * hashing a class (classSizes' aggregate query). Absent: the keys.
   */
  hashKeys?: Map<string, string>;
  /**
   * Columns that cannot hold a missing value (a table in place's non-Nullable columns: their key is
   * never `''`), so no scan looks for one.
   */
  neverMissing?: ReadonlySet<string>;
  /** Keys are stored columns of the relation (joins then run on the shards, the relation on the left). */
  direct: boolean;
  /** Expression of the 0-based row number. */
  row: string;
  /** Settings for the per-record query (e.g. one thread, when rows are numbered in read order). */
  rowSettings?: Record<string, string>;
  /** Database for the engine's scratch tables on `server`. */
  scratchDb: string;
}

/** Options of the ClickHouse engine. */
export interface ClickHouseOptions {
  /** The servers of the cluster's shards; the first coordinates. */
  servers: ClickHouseServer[];
  /** The `remote_servers` cluster the Distributed tables use. */
  cluster: string;
  /** --memory-limit as given (ClickHouse gets it as max_memory_usage bytes). */
  memoryLimit?: string;
  /** Wildcard tokens (release only). */
  wildcard: readonly string[];
  /** Generalization hierarchies by QI (--hierarchy), for exact linkage. */
  hierarchies?: Hierarchies;
}

const OPS: ReadonlySet<EngineOp> = new Set<EngineOp>([
  'classSizes',
  'classWeights',
  'classValueCounts',
  'fetchRows',
  'subsetUniques',
  'compatibleSets',
  'codeSetCounts',
  'trajectoryCounts',
  'rareValueCounts',
  'sparseScores',
]);

/** The ClickHouse engine. Open it with `ClickHouseEngine.connect`, then add tables (clickhouse-load.ts). */
export class ClickHouseEngine implements Engine {
  readonly name = 'clickhouse' as const;
  readonly ops = OPS;
  readonly tables = new Map<EngineRole, ClickHouseTable>();
  /** Tables to drop on close: [server, relation]. */
  readonly created: Array<[ClickHouseServer, string]> = [];
  /** A prefix unique to this run for every table the engine creates. */
  readonly prefix = `rg_${randomBytes(6).toString('hex')}`;
  /** A relational trial's codes and code-sets tables (clickhouse-codesets.ts), once loaded. */
  relational?: ChRelational;
  private readonly missingCache = new Map<string, boolean>();
  private scratch = 0;
  private closed = false;

  private constructor(
    readonly opts: ClickHouseOptions,
    readonly version: string,
  ) {}

  /** The coordinator. */
  get coordinator(): ClickHouseServer {
    return this.opts.servers[0];
  }

  /**
   * Connects: every server must answer with the credentials, and the cluster must have one shard
   * per server.
   * @throws ReidgateError — ENGINE when a server cannot be reached; USAGE for refused credentials or a
   *   cluster that does not match the URLs
   */
  static async connect(opts: ClickHouseOptions): Promise<ClickHouseEngine> {
    const [[version]] = await opts.servers[0].rows('SELECT version()', 'connecting');
    for (const s of opts.servers.slice(1)) await s.rows('SELECT 1', 'connecting');
    const shards = await opts.servers[0].numbers(
      `SELECT count() FROM system.clusters WHERE cluster = '${opts.cluster.replace(/[\\']/g, '')}'`,
      'reading the cluster configuration',
    );
    const n = shards[0][0];
    if (n !== opts.servers.length) {
      throw new ReidgateError(
        'USAGE',
        n === 0
          ? `--engine clickhouse: the server has no cluster \`${opts.cluster}\` in remote_servers (scripts/clickhouse-cluster.sh start makes one)`
          : `--clickhouse-url: ${opts.servers.length} server URL(s) for cluster \`${opts.cluster}\`'s ${n} shard(s); give one HTTP URL per shard, the coordinator first`,
      );
    }
    return new ClickHouseEngine(opts, version);
  }

  rows(role: EngineRole): number {
    return this.tables.get(role)?.rows ?? 0;
  }

  private table(role: EngineRole): ClickHouseTable {
    const t = this.tables.get(role);
    if (!t) throw new ReidgateError('INTERNAL', `clickhouse engine: no ${role} table`);
    return t;
  }

  /** A fresh scratch table name on the table's server; dropped after use (and on close). */
  scratchName(t: ClickHouseTable, kind: string): string {
    const name = `${t.scratchDb}.${this.prefix}_${kind}${this.scratch++}`;
    this.created.push([t.server, name]);
    return name;
  }

  private async drop(t: ClickHouseTable, ...names: string[]): Promise<void> {
    for (const name of names)
      await t.server.exec(`DROP TABLE IF EXISTS ${name}`, 'dropping a scratch table').catch(() => {});
  }

  /** Which of `columns` hold a missing value (one scan for the columns not seen before). */
  private async missingIn(
    role: EngineRole,
    t: ClickHouseTable,
    columns: readonly string[],
  ): Promise<string[]> {
    for (const c of columns) if (t.neverMissing?.has(c)) this.missingCache.set(`${role}\u0000${c}`, false);
    const todo = columns.filter((c) => !this.missingCache.has(`${role}\u0000${c}`));
    if (todo.length > 0) {
      const sel = todo.map((c) => `max(${t.keys.get(c)} = '')`).join(', ');
      const [row] = await t.server.numbers(`SELECT ${sel} FROM ${t.relation}`, 'looking for missing values');
      for (const [j, c] of todo.entries()) this.missingCache.set(`${role}\u0000${c}`, row[j] === 1);
    }
    return columns.filter((c) => this.missingCache.get(`${role}\u0000${c}`));
  }

  /**
   * The key columns of a query: their names in the class tables and the SELECT list that makes them.
   * Under the wildcard model every wildcard token becomes the one key `'*'` (no value's key: values
   * are `'+…'`, missing is `''`), as the local engine codes every token as WILDCARD.
   */
  private keysOf(
    t: ClickHouseTable,
    columns: readonly string[],
    wildcard = false,
  ): { names: string[]; select: string } {
    const exprs = columns.map((c) => {
      const k = t.keys.get(c);
      if (k === undefined) throw new ReidgateError('INTERNAL', `clickhouse engine: no column ${c}`);
      return wildcard ? wildcardKeySql(k, this.opts.wildcard) : k;
    });
    if (t.direct && !wildcard) return { names: exprs, select: exprs.join(', ') };
    const names = exprs.map((_, j) => `k${j}`);
    return { names, select: exprs.map((e, j) => `${e} AS ${names[j]}`).join(', ') };
  }

  /**
   * GROUP BY list keying a class by a 128-bit hash of its key tuple (two independent 64-bit hashes of
   * the keys; see classSizes). Under --wildcard every wildcard token is hashed as the one key `'*'`.
   */
  private hashedClass(t: ClickHouseTable, columns: readonly string[], wildcard = false): string {
    const args = columns
      .map((c) =>
        wildcard
          ? wildcardKeySql(this.keyOf(t, c), this.opts.wildcard)
          : (t.hashKeys?.get(c) ?? this.keyOf(t, c)),
      )
      .join(', ');
    return `cityHash64(${args}), sipHash64(${args})`;
  }

  /**
   * The per-record query: each row's number and its size from `classes` (keyed by `names`). On a loaded
   * input the relation is the left side, so the join runs on the shards (GLOBAL: the coordinator ships
   * `classes` to them); a table used in place is numbered in a subquery first.
   */
  private perRecordSql(
    t: ClickHouseTable,
    select: string,
    names: string[],
    value: string,
    classes: string,
  ): string {
    const using = names.join(', ');
    if (t.direct) {
      // Keys that are expressions (the wildcard key) must be named in the SELECT list for USING.
      const keys = select === using ? '' : `, ${select}`;
      return `SELECT ${t.row}, ${value}${keys} FROM ${t.relation} GLOBAL ANY INNER JOIN ${classes} USING ${using}`;
    }
    return `SELECT ${ROW}, ${value} FROM (SELECT ${t.row} AS ${ROW}, ${select} FROM ${t.relation}) ANY INNER JOIN ${classes} USING ${using}`;
  }

  /** Streams (row, size) pairs into `out`, checking that every row came back once. */
  private async stream<T extends Int32Array | Float64Array>(
    t: ClickHouseTable,
    sql: string,
    out: T,
    doing: string,
  ): Promise<T> {
    out.fill(-1);
    const lines = await t.server.streamPairs(sql, out, doing, t.rowSettings);
    if (lines !== t.rows || out.includes(-1))
      throw new ReidgateError(
        'ENGINE',
        `--engine clickhouse (${t.server.where}): ${lines} per-record sizes came back for ${t.rows} rows while ${doing}`,
      );
    return out;
  }

  async classSizes(q: ClassQuery): Promise<ClassSizes> {
    const t = this.table(q.role);
    const doing = `grouping ${q.role} rows by ${q.columns.join(', ')}`;
    const missingIn = await this.missingIn(q.role, t, q.columns);
    if (q.wildcard && this.opts.wildcard.length > 0) {
      const w = await this.wildcardSizes(t, q, doing);
      if (w) return { ...w, missingIn };
    }
    let hist: number[][];
    let perRecord: Int32Array | undefined;
    if (!q.perRecord) {
      // Two-level aggregation: each shard groups its rows, the coordinator merges the partial counts.
      // A class is keyed by a 128-bit hash of its key tuple (two independent 64-bit hashes of all the
      // keys): two fixed-width integers instead of the key strings, which makes the shards' hash tables
      // and the partial aggregates the coordinator merges several times smaller (10^8 near-unique
      // classes: see BENCHMARKS.md). Two different tuples share a class only if both hashes collide:
      // for n classes the chance of any such merge is about n²/2^129 (< 10^-22 at n = 10^8).
      hist = await t.server.numbers(
        `SELECT ${N}, count() FROM (SELECT count() AS ${N} FROM ${t.relation} GROUP BY ${this.hashedClass(t, q.columns)}) ` +
          `GROUP BY ${N} ORDER BY ${N}`,
        doing,
      );
    } else {
      // One query, no join: each shard groups its rows with their row numbers (groupArray), the
      // coordinator merges counts and row lists, and ARRAY JOIN streams every row with its class size.
      // (2.3x faster here than joining the rows to a class table with a GLOBAL JOIN.) The histogram is
      // then counted from the per-record sizes: a class of size s contributes s records of size s.
      const { names, select } = this.keysOf(t, q.columns);
      const groupBy = names.join(', ');
      perRecord = await this.stream(
        t,
        `SELECT ${ROWS}, ${N} FROM (SELECT ${select}, count() AS ${N}, groupArray(${t.row}) AS ${ROWS} ` +
          `FROM ${t.relation} GROUP BY ${groupBy}) ARRAY JOIN ${ROWS}`,
        new Int32Array(t.rows),
        `${doing} (per-record sizes)`,
      );
      const bySize = new Map<number, number>();
      for (const size of perRecord) bySize.set(size, (bySize.get(size) ?? 0) + 1);
      hist = [...bySize].sort((x, y) => x[0] - y[0]).map(([size, records]) => [size, records / size]);
    }
    const table: SizeRow[] = hist.map(([size, classes]) => ({ size, exact: size, records: size * classes }));
    return {
      records: t.rows,
      classes: hist.reduce((s, r) => s + r[1], 0),
      table,
      perRecord,
      missingIn,
      wildcardFound: false,
    };
  }

  /**
   * Compatible-set sizes under the wildcard model, or null when no column holds a wildcard token.
   * The distinct key tuples (merged from the shards) are stored with their count and wildcard pattern;
   * for each pair of patterns (P, Q) a tuple of P gains the counts of Q's tuples that agree with it on
   * the keys wild in neither (compatiblePartSql). Exact, like attacks/uniqueness/wildcard.ts.
   */
  private async wildcardSizes(
    t: ClickHouseTable,
    q: ClassQuery,
    doing: string,
  ): Promise<Omit<ClassSizes, 'missingIn'> | null> {
    const { names, select } = this.keysOf(t, q.columns, true);
    const list = names.join(', ');
    const g = this.scratchName(t, 'wg');
    const comp = this.scratchName(t, 'comp');
    try {
      await t.server.exec(
        `CREATE TABLE ${g} ENGINE = MergeTree ORDER BY tuple() AS SELECT *, ${wildcardMaskSql(names)} AS ${MASK} ` +
          `FROM (SELECT ${select}, count() AS ${N} FROM ${t.relation} GROUP BY ${list})`,
        doing,
      );
      const masks = (await t.server.numbers(`SELECT DISTINCT ${MASK} FROM ${g} ORDER BY ${MASK}`, doing)).map(
        (r) => r[0],
      );
      if (masks.length === 1 && masks[0] === 0) return null;
      await t.server.exec(
        `CREATE TABLE ${comp} (${names.map((k) => `${k} String`).join(', ')}, ${SIZE} Float64) ENGINE = MergeTree ORDER BY tuple()`,
        doing,
      );
      for (const P of masks) {
        const parts = masks.map((Q) => {
          const free = names.filter((_, j) => ((P | Q) & (2 ** j)) === 0);
          return compatiblePartSql(g, names, free, P, Q);
        });
        await t.server.exec(
          `INSERT INTO ${comp} SELECT ${list}, toFloat64(sum(${SUM})) FROM (${parts.join(' UNION ALL ')}) GROUP BY ${list}`,
          doing,
        );
      }
      const rows = await t.server.numbers(
        `SELECT ${SIZE}, toFloat64(${N}), toFloat64(sum(${N})) FROM ${g} ANY INNER JOIN ${comp} USING ${list} ` +
          `GROUP BY ${SIZE}, ${N} ORDER BY ${SIZE}, ${N}`,
        doing,
      );
      const [[classes]] = await t.server.numbers(`SELECT count() FROM ${g}`, doing);
      let perRecord: Float64Array | undefined;
      if (q.perRecord) {
        perRecord = await this.stream(
          t,
          this.perRecordSql(t, select, names, SIZE, comp),
          new Float64Array(t.rows),
          `${doing} (per-record sizes)`,
        );
      }
      return {
        records: t.rows,
        classes,
        table: rows.map(([size, exact, records]) => ({ size, exact, records })),
        perRecord,
        wildcardFound: true,
      };
    } finally {
      await this.drop(t, g, comp);
    }
  }

  /** A column's stored key (or its expression over the relation). */
  private keyOf(t: ClickHouseTable, column: string): string {
    const k = t.keys.get(column);
    if (k === undefined) throw new ReidgateError('INTERNAL', `clickhouse engine: no column ${column}`);
    return k;
  }

  /** Which of `columns` hold a wildcard token (none without --wildcard). */
  private async wildcardIn(t: ClickHouseTable, columns: readonly string[]): Promise<string[]> {
    if (this.opts.wildcard.length === 0 || columns.length === 0) return [];
    const sel = columns.map(
      (c) => `max(${wildcardKeySql(this.keyOf(t, c), this.opts.wildcard)} = ${WILDCARD_KEY})`,
    );
    const [row] = await t.server.numbers(
      `SELECT ${sel.join(', ')} FROM ${t.relation}`,
      'looking for wildcard tokens',
    );
    return columns.filter((_, j) => row[j] === 1);
  }

  /**
   * Reads a line of numbers, checking that there are `n` of them (else the output is not what the
   * query gives: an exception written mid-stream).
   */
  private numbersOf(t: ClickHouseTable, line: string, n: number, doing: string): number[] {
    const f = line.split('\t').map(Number);
    if (f.length !== n || f.some(Number.isNaN)) throw t.server.unexpected(line, doing);
    return f;
  }

  /**
   * Checks a numeric column (sampling weights) as reidgate's loader reads it (clickhouse-sql.ts
   * numberSql): the first row (0-based) that is blank or not a number, or not a finite number > 0,
   * and the column's sum. As DuckDbEngine.positiveNumbers.
   */
  async positiveNumbers(role: EngineRole, column: string): Promise<PositiveNumbers> {
    const t = this.table(role);
    const w = numberSql(this.keyOf(t, column));
    const v = `assumeNotNull(${w})`;
    const doing = `reading ${column} as numbers`;
    const bad: number[][] = [];
    await t.server.streamLines(
      `SELECT ${t.row} AS ${ROW}, isNull(${w}) FROM ${t.relation} ` +
        `WHERE isNull(${w}) OR NOT (${v} > 0 AND isFinite(${v})) ORDER BY ${ROW} LIMIT 1`,
      doing,
      (line) => bad.push(this.numbersOf(t, line, 2, doing)),
      t.rowSettings,
    );
    if (bad.length > 0) return { sum: Number.NaN, bad: { row: bad[0][0], notANumber: bad[0][1] === 1 } };
    const [[sum]] = await t.server.numbers(`SELECT sum(${v}) FROM ${t.relation}`, doing);
    return { sum };
  }

  /**
   * Classes with their size and weight sum: aggregated on the shards and merged on the coordinator
   * (as classSizes); per-record sizes and sums ride on the same aggregation (groupArray of row numbers,
   * ARRAY JOIN), and the table is then counted from them. Wildcard tokens are one value (WILDCARD_KEY).
   */
  async classWeights(q: WeightQuery): Promise<ClassWeights> {
    const t = this.table(q.role);
    const doing = `summing ${q.weights ?? 'rows'} by ${q.columns.join(', ')}`;
    const { names, select } = this.keysOf(t, q.columns, this.opts.wildcard.length > 0);
    const groupBy = names.join(', ');
    const w = q.weights === undefined ? '0.' : `assumeNotNull(${numberSql(this.keyOf(t, q.weights))})`;
    const grouped = `SELECT ${select}, count() AS ${N}, sum(${w}) AS ${SUM}`;
    const wildcardIn = await this.wildcardIn(t, q.columns);
    if (!q.perRecord) {
      // Aggregates only: classes keyed by a hash of their keys, as classSizes does.
      const hashed = this.hashedClass(t, q.columns, this.opts.wildcard.length > 0);
      const rows = await t.server.numbers(
        `SELECT ${N}, ${SUM}, count() FROM (SELECT count() AS ${N}, sum(${w}) AS ${SUM} FROM ${t.relation} GROUP BY ${hashed}) ` +
          `GROUP BY ${N}, ${SUM} ORDER BY ${N}, ${SUM}`,
        doing,
      );
      return {
        records: t.rows,
        classes: rows.reduce((s, r) => s + r[2], 0),
        table: rows.map(([size, weight, classes]) => ({ size, weight: q.weights ? weight : 0, classes })),
        wildcardIn,
      };
    }
    const size = sharedInt32(t.rows).fill(-1);
    const weight = q.weights === undefined ? undefined : sharedFloat64(t.rows);
    const what = `${doing} (per-record sizes)`;
    const lines = await t.server.streamLines(
      `SELECT ${ROWS}, ${N}, ${SUM} FROM (${grouped}, groupArray(${t.row}) AS ${ROWS} FROM ${t.relation} ` +
        `GROUP BY ${groupBy}) ARRAY JOIN ${ROWS}`,
      what,
      (line) => {
        const [row, n, sum] = this.numbersOf(t, line, 3, what);
        if (!Number.isInteger(row) || row < 0 || row >= t.rows) throw t.server.unexpected(line, what);
        size[row] = n;
        if (weight) weight[row] = sum;
      },
      t.rowSettings,
    );
    this.checkAllRows(t, lines, size, what);
    const table = weightTableOf(size, weight);
    return {
      records: t.rows,
      classes: table.reduce((s, r) => s + r.classes, 0),
      table,
      perRecord: { size, weight },
      wildcardIn,
    };
  }

  /** Throws unless every row came back once (`out` was filled with −1). */
  private checkAllRows(t: ClickHouseTable, lines: number, out: ArrayLike<number>, doing: string): void {
    let missing = lines !== t.rows;
    for (let i = 0; i < out.length && !missing; i++) missing = out[i] === -1;
    if (missing)
      throw new ReidgateError(
        'ENGINE',
        `--engine clickhouse (${t.server.where}): ${lines} per-record answers came back for ${t.rows} rows while ${doing}`,
      );
  }

  /**
   * Value counts per class. A class is named by its first row and a value by its first row in the
   * table (row numbers are unique), so the numbering by first row needs no window function: the
   * values come back ordered by first row (with their totals); the (class, value) pairs, aggregated on
   * the shards and merged on the coordinator, come back gathered per class (groupArray) and ordered by
   * the class's first row, then the pair's; per-record classes as classSizes streams per-record sizes.
   * Wildcard tokens are one value (WILDCARD_KEY) in the class keys; the counted column is as released.
   */
  async classValueCounts(q: ValueCountsQuery): Promise<ClassValueCounts> {
    const t = this.table(q.role);
    const doing = `counting ${q.value} by ${q.columns.join(', ') || 'the whole table'}`;
    const wild = this.opts.wildcard.length > 0;
    const { names, select } = this.keysOf(t, q.columns, wild);
    const groupBy = names.join(', ');
    // The counted column's values as released (as DuckDB counts them; wildcard tokens are values here).
    const vk = this.keyOf(t, q.value);
    const [V, F, CF, FS, NS, VS] = ['__rg_v', '__rg_first', '__rg_cfirst', '__rg_fs', '__rg_ns', '__rg_vs'];
    // Values by first row, with their totals.
    const idOf = new Map<string, number>();
    const values: (string | null)[] = [];
    const totalList: number[] = [];
    await t.server.streamLines(
      `SELECT ${N}, ${V} FROM (SELECT ${vk} AS ${V}, count() AS ${N}, min(${t.row}) AS ${F} FROM ${t.relation} GROUP BY ${V}) ORDER BY ${F}`,
      doing,
      (line) => {
        const tab = line.indexOf('\t');
        const n = Number(line.slice(0, tab));
        if (tab < 0 || !Number.isInteger(n)) throw t.server.unexpected(line, doing);
        const key = unescapeTsv(line.slice(tab + 1));
        idOf.set(key, values.length);
        values.push(key === '' ? null : key.slice(1));
        totalList.push(n);
      },
      t.rowSettings,
    );
    // (class, value) pairs: per class by its first row, its values by their first row in it.
    const classFirst: number[] = [];
    const startList: number[] = [0];
    const valueList: number[] = [];
    const countList: number[] = [];
    await t.server.streamLines(
      `SELECT ${CF}, ${NS}, ${VS} FROM (SELECT min(${F}) AS ${CF}, groupArray(${F}) AS ${FS}, groupArray(${N}) AS ${NS}, groupArray(${V}) AS ${VS} ` +
        `FROM (SELECT ${select}, ${vk} AS ${V}, count() AS ${N}, min(${t.row}) AS ${F} FROM ${t.relation} GROUP BY ${groupBy}, ${V}) ` +
        `GROUP BY ${groupBy}) ARRAY JOIN ${FS}, ${NS}, ${VS} ORDER BY ${CF}, ${FS}`,
      doing,
      (line) => {
        const a = line.indexOf('\t');
        const b = line.indexOf('\t', a + 1);
        const cf = Number(line.slice(0, a));
        const n = Number(line.slice(a + 1, b));
        const id = idOf.get(unescapeTsv(line.slice(b + 1)));
        if (a < 0 || b < 0 || !Number.isInteger(cf) || !(n > 0) || id === undefined)
          throw t.server.unexpected(line, doing);
        if (classFirst.length === 0 || classFirst[classFirst.length - 1] !== cf) {
          if (classFirst.length > 0) startList.push(valueList.length);
          classFirst.push(cf);
        }
        valueList.push(id);
        countList.push(n);
      },
      t.rowSettings,
    );
    if (classFirst.length > 0) startList.push(valueList.length);
    const classes = classFirst.length;
    let classOf: Int32Array | undefined;
    if (q.perRecord) {
      // Each row's class's first row, then its class id.
      const first = await this.stream(
        t,
        `SELECT ${ROWS}, ${CF} FROM (SELECT ${select}, min(${t.row}) AS ${CF}, groupArray(${t.row}) AS ${ROWS} ` +
          `FROM ${t.relation} GROUP BY ${groupBy}) ARRAY JOIN ${ROWS}`,
        new Int32Array(t.rows),
        `${doing} (per-record classes)`,
      );
      const idOfFirst = new Int32Array(t.rows).fill(-1);
      for (const [c, f] of classFirst.entries()) idOfFirst[f] = c;
      classOf = sharedInt32(t.rows);
      for (let i = 0; i < t.rows; i++) {
        const c = idOfFirst[first[i]];
        if (c < 0)
          throw new ReidgateError(
            'ENGINE',
            `--engine clickhouse (${t.server.where}): row ${i}'s class is unknown while ${doing}`,
          );
        classOf[i] = c;
      }
    }
    const shared = (list: number[], make: (n: number) => Int32Array | Float64Array) => {
      const out = make(list.length);
      out.set(list);
      return out;
    };
    return {
      records: t.rows,
      classes,
      values,
      totals: shared(totalList, sharedFloat64) as Float64Array,
      starts: shared(classes === 0 ? [0] : startList, sharedInt32) as Int32Array,
      valueId: shared(valueList, sharedInt32) as Int32Array,
      count: shared(countList, sharedInt32) as Int32Array,
      classOf,
      missingIn: await this.missingIn(q.role, t, q.columns),
      wildcardIn: await this.wildcardIn(t, q.columns),
    };
  }

  /** Exact compatible-set linkage (clickhouse-linkage.ts). */
  compatibleSets(q: CompatibleSetsQuery): Promise<CompatibleSets | null> {
    return chCompatibleSets(this, q, { wildcard: this.opts.wildcard, hierarchies: this.opts.hierarchies });
  }

  describe(): string {
    const n = this.opts.servers.length;
    const limit = this.opts.memoryLimit ? `, memory limit ${this.opts.memoryLimit}` : '';
    return `clickhouse ${this.version} (${n} shard${n === 1 ? '' : 's'}, cluster ${this.opts.cluster}${limit})`;
  }

  /** The sampled persons' code sets (clickhouse-codesets.ts). */
  personCodes(q: PersonCodesQuery): Promise<PersonCodes> {
    return chPersonCodes(this, q);
  }

  /** km-anonymity counting as SQL on the coordinator (clickhouse-codesets.ts). */
  codeSetCounts(q: CodeSetQuery): Promise<CodeSetCounts> {
    return chCodeSetCounts(this, q, this.opts.wildcard);
  }

  /** The sampled persons' dated events (clickhouse-trajectory.ts). */
  personEvents(q: PersonCodesQuery): Promise<PersonEvents> {
    return chPersonEvents(this, q);
  }

  /** Trajectory counting as SQL on the coordinator (clickhouse-trajectory.ts). */
  trajectoryCounts(q: TrajectoryQuery): Promise<CodeSetCounts> {
    return chTrajectoryCounts(this, q, this.opts.wildcard);
  }

  /** Sparse linkage's code frequencies (clickhouse-sparse.ts). */
  sparseSources(q: SparseSourcesQuery): Promise<SparseSources> {
    return chSparseSources(this, q);
  }

  /** Sparse linkage's grouped scoreboard as SQL on the coordinator (clickhouse-sparse.ts). */
  sparseScores(q: SparseScoreQuery): Promise<SparseScores> {
    return chSparseScores(this, q, this.opts.wildcard);
  }

  /** Rare values' aggregates (clickhouse-codesets.ts). */
  rareValueCounts(q: RareValuesQuery): Promise<RareValueCounts> {
    return chRareValueCounts(this, q, this.opts.wildcard);
  }

  /** Rows as released strings (clickhouse-fetch.ts). */
  fetchRows(q: RowsQuery): Promise<FetchedRows> {
    return chFetchRows(this, q);
  }

  /** Distinct tuples and their rows (clickhouse-fetch.ts). */
  tupleCounts(q: TupleCountsQuery): Promise<TupleCount[]> {
    return chTupleCounts(this, q);
  }

  /** Minimal sample uniques (SUDA) as SQL, level by level, on the coordinator (clickhouse-suda.ts). */
  subsetUniques(q: SubsetUniquesQuery): Promise<SubsetUniques> {
    const t = this.table(q.role);
    return chSubsetUniques(t, q, (kind) => this.scratchName(t, kind), q.wildcard ? this.opts.wildcard : []);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Distributed tables first (they were created after their local tables).
    for (const [server, name] of [...this.created].reverse())
      await server.exec(`DROP TABLE IF EXISTS ${name}`, "dropping the engine's tables").catch(() => {});
  }
}
