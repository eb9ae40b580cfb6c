/**
 * @module engine/duckdb — the DuckDB engine: counting pushed down as SQL to an embedded DuckDB
 * (@duckdb/node-api), out-of-core under a memory limit.
 *
 * The database is a temporary file (deleted on close) with `memory_limit` and a `temp_directory` for
 * spilling, so tables larger than memory load and group on disk. CSV inputs are read by DuckDB itself
 * (duckdb-load.ts) into tables whose rowid is the file row; a Parquet file is read in place (a view
 * numbered by file row) and a `.duckdb` file's table is used in place (attached read-only). Only
 * aggregates come back — class sizes, classes by (size, weight sum), per-class value counts — plus each
 * row's class size, weight sum or class when record-risk.csv needs it (streamed chunk by chunk into a
 * typed array). Operations run one at a time on the one connection (attacks run concurrently; a new
 * query would end a result still being streamed).
 *
 * Semantics match the local engine (src/io, src/encode): values compare as released strings (CSV
 * columns are all VARCHAR), missing is its own value (`IS NOT DISTINCT FROM`, GROUP BY's null group),
 * and under --wildcard a release value equal to a wildcard token matches anything.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { sharedFloat64, sharedInt32 } from '../encode/encode.js';
import { ReidgateError } from '../errors.js';
import { duckCodeSetCounts, duckPersonCodes } from './duckdb-codesets.js';
import type { DuckRelational } from './duckdb-events.js';
import { duckFetchRows, duckTupleCounts } from './duckdb-fetch.js';
import { duckCompatibleSets } from './duckdb-linkage.js';
import { duckRareValueCounts } from './duckdb-rare.js';
import { duckSparseScores, duckSparseSources } from './duckdb-sparse.js';
import {
  classSizeHistogramSql,
  GID,
  groupCountsSql,
  groupKeysSql,
  ident,
  keyNames,
  lit,
  MASK,
  N,
  numberSql,
  perRecordSizesSql,
  ROW,
  SIZE,
  SUM,
  sameKeys,
  sameValues,
  sizeHistogramOfGroupsSql,
  wildcardMaskSql,
} from './duckdb-sql.js';
import { duckSubsetUniques } from './duckdb-suda.js';
import { duckPersonEvents, duckTrajectoryCounts } from './duckdb-trajectory.js';
import type { Hierarchies } from './linkage-relation.js';
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

/** A table the engine holds: how to name it in SQL and how to number its rows. */
export interface DuckTable {
  /** SQL relation (a table of the work database, or a table of an attached file). */
  relation: string;
  /** Expression of the 0-based row position, over the relation aliased `t`. */
  row: string;
  rows: number;
  columns: string[];
}

/** Options of the DuckDB engine. */
export interface DuckDbOptions {
  /** DuckDB memory limit, e.g. `2GB` (default: DuckDB's, 80% of RAM). */
  memoryLimit?: string;
  /** Worker threads. */
  threads: number;
  /** Wildcard tokens (release only), for the wildcard model. */
  wildcard: readonly string[];
  /** Generalization hierarchies by QI (--hierarchy), for exact linkage. */
  hierarchies?: Hierarchies;
}

const OPS: ReadonlySet<EngineOp> = new Set<EngineOp>([
  'classSizes',
  'classWeights',
  'classValueCounts',
  'compatibleSets',
  'fetchRows',
  'codeSetCounts',
  'rareValueCounts',
  'trajectoryCounts',
  'sparseScores',
  'subsetUniques',
]);

/** One line from a DuckDB error (its type and first sentence), for a one-line message. */
export function duckMessage(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  // DuckDB quotes offending values ('x'): never echo them (reports and logs hold no record values).
  const line = m
    .split('\n')[0]
    .trim()
    .replace(/'[^']*'/g, "'…'");
  return line.length > 240 ? `${line.slice(0, 239)}…` : line;
}

/** The embedded DuckDB engine. Open it with `DuckDbEngine.open`, then add tables (duckdb-load.ts). */
export class DuckDbEngine implements Engine {
  readonly name = 'duckdb' as const;
  readonly ops = OPS;
  readonly tables = new Map<EngineRole, DuckTable>();
  /** A relational trial's event tables (duckdb-events.ts), once loaded. */
  relational?: DuckRelational;
  private readonly missingCache = new Map<string, boolean>();
  private closed = false;
  private scratch = 0;
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    private readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
    private readonly dir: string,
    private readonly opts: DuckDbOptions,
    readonly version: string,
  ) {}

  /**
   * Opens an engine on a fresh temporary database.
   * @throws ReidgateError('USAGE') when DuckDB rejects the memory limit; ('ENGINE') when it cannot start
   */
  static async open(opts: DuckDbOptions): Promise<DuckDbEngine> {
    const dir = await mkdtemp(join(tmpdir(), 'reidgate-duckdb-'));
    const config: Record<string, string> = {
      threads: String(opts.threads),
      temp_directory: join(dir, 'spill'),
      // Never fetch extensions from the network (parquet is built in).
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      preserve_insertion_order: 'true',
    };
    if (opts.memoryLimit) config.memory_limit = opts.memoryLimit;
    try {
      const instance = await DuckDBInstance.create(join(dir, 'work.duckdb'), config);
      const conn = await instance.connect();
      const v = await conn.runAndReadAll('SELECT version()');
      return new DuckDbEngine(instance, conn, dir, opts, String(v.getRows()[0][0]));
    } catch (e) {
      await rm(dir, { recursive: true, force: true });
      const msg = duckMessage(e);
      if (opts.memoryLimit && /memory|limit|parse/i.test(msg))
        throw new ReidgateError('USAGE', `--memory-limit ${opts.memoryLimit}: DuckDB rejected it (${msg})`);
      throw new ReidgateError('ENGINE', `--engine duckdb: DuckDB did not start (${msg})`);
    }
  }

  /**
   * With two or more wildcard tokens, reads the release through a view in which every token is the
   * first one: reidgate's encoding codes every token as one value (WILDCARD), so a class must not tell
   * `*` from `?` (the wildcard mask still sees a token). Text columns only (a typed column holds no
   * token). Called by the loader once the release is in; a no-op otherwise.
   */
  async mergeWildcardTokens(role: EngineRole): Promise<void> {
    const tokens = this.opts.wildcard;
    const t = this.tables.get(role);
    if (role !== 'release' || tokens.length < 2 || !t) return;
    const doing = 'reading the release with one wildcard value';
    const types = await this.all(`DESCRIBE SELECT * FROM ${t.relation}`, doing);
    const text = new Set(types.filter((r) => String(r[1]) === 'VARCHAR').map((r) => String(r[0])));
    const cols = t.columns.filter((c) => text.has(c));
    if (cols.length === 0) return;
    const list = tokens.map(lit).join(', ');
    const merged = cols
      .map(
        (c) =>
          `(CASE WHEN ${ident(c)} IN (${list}) THEN ${lit(tokens[0])} ELSE ${ident(c)} END) AS ${ident(c)}`,
      )
      .join(', ');
    const view = ident(`${role}_wildcards_merged`);
    await this.all(
      `CREATE TEMP VIEW ${view} AS SELECT ${t.row} AS ${ROW}, * REPLACE (${merged}) FROM ${t.relation} AS t`,
      doing,
    );
    this.tables.set(role, { ...t, relation: view, row: `t.${ROW}` });
  }

  /** Runs SQL; engine failures become ReidgateError('ENGINE') naming what was being done. */
  async all(sql: string, doing: string): Promise<unknown[][]> {
    try {
      return (await this.conn.runAndReadAll(sql)).getRows() as unknown[][];
    } catch (e) {
      throw this.failure(e, doing);
    }
  }

  /** A one-line ReidgateError for a DuckDB failure. */
  failure(e: unknown, doing: string): ReidgateError {
    const msg = duckMessage(e);
    const limit = this.opts.memoryLimit ? ` under --memory-limit ${this.opts.memoryLimit}` : '';
    if (/out of memory/i.test(msg))
      return new ReidgateError('ENGINE', `--engine duckdb: out of memory${limit} while ${doing} (${msg})`);
    return new ReidgateError('ENGINE', `--engine duckdb: failed while ${doing} (${msg})`);
  }

  rows(role: EngineRole): number {
    return this.tables.get(role)?.rows ?? 0;
  }

  private table(role: EngineRole): DuckTable {
    const t = this.tables.get(role);
    if (!t) throw new ReidgateError('INTERNAL', `duckdb engine: no ${role} table`);
    return t;
  }

  /** Which of `columns` hold a missing value (one scan for the columns not seen before). */
  private async missingIn(role: EngineRole, t: DuckTable, columns: readonly string[]): Promise<string[]> {
    const todo = columns.filter((c) => !this.missingCache.has(`${role}\u0000${c}`));
    if (todo.length > 0) {
      const sel = todo.map((c) => `bool_or(${ident(c)} IS NULL)`).join(', ');
      const [row] = await this.all(`SELECT ${sel} FROM ${t.relation}`, `looking for missing values`);
      for (const [j, c] of todo.entries()) this.missingCache.set(`${role}\u0000${c}`, row[j] === true);
    }
    return columns.filter((c) => this.missingCache.get(`${role}\u0000${c}`));
  }

  /** Streams (row, value) pairs of a query into a typed array indexed by row. */
  async streamInto<T extends Int32Array | Float64Array>(sql: string, out: T, doing: string): Promise<T> {
    try {
      const result = await this.conn.stream(sql);
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        const rows = chunk.getColumnVector(0);
        const vals = chunk.getColumnVector(1);
        for (let i = 0; i < chunk.rowCount; i++) out[rows.getItem(i) as number] = vals.getItem(i) as number;
      }
      return out;
    } catch (e) {
      throw this.failure(e, doing);
    }
  }

  /**
   * Runs one operation at a time: attacks run concurrently, but a connection runs one query at a time
   * and a new query ends a result still being streamed (its remaining rows would be lost).
   */
  private exclusive<T>(op: () => Promise<T>): Promise<T> {
    const run = this.queue.then(op, op);
    this.queue = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  classSizes(q: ClassQuery): Promise<ClassSizes> {
    return this.exclusive(() => this.classSizesNow(q));
  }

  classWeights(q: WeightQuery): Promise<ClassWeights> {
    return this.exclusive(() => this.classWeightsNow(q));
  }

  classValueCounts(q: ValueCountsQuery): Promise<ClassValueCounts> {
    return this.exclusive(() => this.classValueCountsNow(q));
  }

  private async classSizesNow(q: ClassQuery): Promise<ClassSizes> {
    const t = this.table(q.role);
    const doing = `grouping ${q.role} rows by ${q.columns.join(', ')}`;
    const missingIn = await this.missingIn(q.role, t, q.columns);
    if (q.wildcard && this.opts.wildcard.length > 0) {
      const w = await this.wildcardSizes(t, q, doing);
      if (w) return { ...w, missingIn };
    }
    let hist: unknown[][];
    let perRecord: Int32Array | undefined;
    if (!q.perRecord) {
      hist = await this.all(classSizeHistogramSql(t.relation, q.columns), doing);
    } else {
      // Group once into a temporary table: the histogram and the per-record sizes both read it.
      const g = `rg_classes${this.scratch++}`;
      try {
        await this.all(`CREATE TEMP TABLE ${g} AS ${groupCountsSql(t.relation, q.columns)}`, doing);
        hist = await this.all(sizeHistogramOfGroupsSql(g), doing);
        perRecord = await this.streamInto(
          perRecordSizesSql(t.relation, t.row, g, q.columns),
          new Int32Array(t.rows),
          `${doing} (per-record sizes)`,
        );
      } finally {
        await this.conn.run(`DROP TABLE IF EXISTS ${g}`).catch(() => {});
      }
    }
    const table: SizeRow[] = hist.map(([size, classes]) => ({
      size: size as number,
      exact: size as number,
      records: (size as number) * (classes as number),
    }));
    return {
      records: t.rows,
      classes: hist.reduce((s, r) => s + (r[1] as number), 0),
      table,
      perRecord,
      missingIn,
      wildcardFound: false,
    };
  }

  /**
   * Compatible-set sizes under the wildcard model, or null when no column holds a wildcard token.
   * Distinct tuples are numbered with their count and wildcard pattern; for each pair of patterns
   * (P, Q), a tuple of P gains the counts of Q's tuples that agree with it on the columns wild in
   * neither (Q pre-aggregated on those columns, then one equi-join). Exact, like wildcard.ts.
   */
  private async wildcardSizes(
    t: DuckTable,
    q: ClassQuery,
    doing: string,
  ): Promise<Omit<ClassSizes, 'missingIn'> | null> {
    const cols = q.columns;
    const g = `rg_g${this.scratch}`;
    const comp = `rg_comp${this.scratch++}`;
    const list = cols.map(ident).join(', ');
    const mask = wildcardMaskSql(cols, this.opts.wildcard);
    try {
      await this.all(
        `CREATE TEMP TABLE ${g} AS SELECT *, row_number() OVER () AS ${GID} FROM ` +
          `(SELECT ${list}, count(*) AS ${N}, ${mask} AS ${MASK} FROM ${t.relation} GROUP BY ALL)`,
        doing,
      );
      const masks = (await this.all(`SELECT DISTINCT ${MASK} FROM ${g} ORDER BY 1`, doing)).map((r) =>
        Number(r[0]),
      );
      if (masks.length === 1 && masks[0] === 0) return null;
      await this.all(`CREATE TEMP TABLE ${comp} (${GID} BIGINT, ${SIZE} DOUBLE)`, doing);
      for (const P of masks) {
        const parts = masks.map((Q) => {
          const free = cols.filter((_, j) => ((P | Q) & (2 ** j)) === 0);
          if (free.length === 0)
            return `SELECT a.${GID}, (SELECT sum(${N}) FROM ${g} WHERE ${MASK} = ${Q}) AS ${SUM} FROM ${g} AS a WHERE a.${MASK} = ${P}`;
          const f = free.map(ident).join(', ');
          return (
            `SELECT a.${GID}, b.${SUM} FROM ${g} AS a JOIN ` +
            `(SELECT ${f}, sum(${N}) AS ${SUM} FROM ${g} WHERE ${MASK} = ${Q} GROUP BY ${f}) AS b ` +
            `ON ${sameValues('a', 'b', free)} WHERE a.${MASK} = ${P}`
          );
        });
        await this.all(
          `INSERT INTO ${comp} SELECT ${GID}, sum(${SUM})::DOUBLE FROM (${parts.join(' UNION ALL ')}) GROUP BY ${GID}`,
          doing,
        );
      }
      const rows = await this.all(
        `SELECT k.${SIZE}, g.${N}::DOUBLE AS exact, sum(g.${N})::DOUBLE AS records ` +
          `FROM ${g} AS g JOIN ${comp} AS k USING (${GID}) GROUP BY ALL ORDER BY 1, 2`,
        doing,
      );
      const [[classes]] = await this.all(`SELECT count(*)::DOUBLE FROM ${g}`, doing);
      const perRecord = q.perRecord
        ? await this.streamInto(
            `SELECT ${t.row}::INTEGER AS ${ROW}, k.${SIZE} FROM ${t.relation} AS t ` +
              `JOIN ${g} AS g ON ${sameValues('t', 'g', cols)} JOIN ${comp} AS k USING (${GID})`,
            new Float64Array(t.rows),
            `${doing} (per-record sizes)`,
          )
        : undefined;
      return {
        records: t.rows,
        classes: classes as number,
        table: rows.map(([size, exact, records]) => ({
          size: size as number,
          exact: exact as number,
          records: records as number,
        })),
        perRecord,
        wildcardFound: true,
      };
    } finally {
      await this.conn.run(`DROP TABLE IF EXISTS ${g}`).catch(() => {});
      await this.conn.run(`DROP TABLE IF EXISTS ${comp}`).catch(() => {});
    }
  }

  /** Streams a query chunk by chunk: `each(columns, rows)` gets the chunk's column vectors (engine failures: ENGINE). */
  async streamChunks(
    sql: string,
    doing: string,
    each: (col: (j: number) => { getItem(i: number): unknown }, rows: number) => void,
  ): Promise<void> {
    try {
      const result = await this.conn.stream(sql);
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        each((j) => chunk.getColumnVector(j), chunk.rowCount);
      }
    } catch (e) {
      throw this.failure(e, doing);
    }
  }

  /** Whether a column of a role's table is text (VARCHAR). */
  private async isText(t: DuckTable, column: string): Promise<boolean> {
    const rows = await this.all(
      `DESCRIBE SELECT ${ident(column)} FROM ${t.relation}`,
      `describing ${column}`,
    );
    return String(rows[0][1]).toUpperCase() === 'VARCHAR';
  }

  /** Of `columns`, those holding a wildcard token (none without tokens). */
  private async wildcardIn(t: DuckTable, columns: readonly string[]): Promise<string[]> {
    const tokens = this.opts.wildcard;
    if (tokens.length === 0 || columns.length === 0) return [];
    const list = tokens.map(lit).join(', ');
    const sel = columns.map((c) => `coalesce(bool_or(CAST(${ident(c)} AS VARCHAR) IN (${list})), false)`);
    const [row] = await this.all(
      `SELECT ${sel.join(', ')} FROM ${t.relation}`,
      'looking for wildcard tokens',
    );
    return columns.filter((_, j) => row[j] === true);
  }

  /**
   * Checks a numeric column (sampling weights) as reidgate's loader reads it: the first row (0-based)
   * that is blank or not a number, or not a finite number > 0, and the column's sum.
   * @returns the sum, or the first bad row and whether it was blank / not a number
   */
  async positiveNumbers(
    role: EngineRole,
    column: string,
  ): Promise<{ sum: number; bad?: { row: number; notANumber: boolean } }> {
    const t = this.table(role);
    const w = numberSql(column, await this.isText(t, column));
    const doing = `reading ${column} as numbers`;
    const bad = await this.all(
      `SELECT r::DOUBLE, w IS NULL FROM (SELECT ${t.row} AS r, ${w} AS w FROM ${t.relation} AS t) ` +
        `WHERE w IS NULL OR NOT (w > 0 AND isfinite(w)) ORDER BY r LIMIT 1`,
      doing,
    );
    if (bad.length > 0)
      return { sum: Number.NaN, bad: { row: bad[0][0] as number, notANumber: bad[0][1] === true } };
    const [[sum]] = await this.all(`SELECT sum(${w})::DOUBLE FROM ${t.relation} AS t`, doing);
    return { sum: sum as number };
  }

  private async classWeightsNow(q: WeightQuery): Promise<ClassWeights> {
    const t = this.table(q.role);
    const doing = `summing ${q.weights ?? 'rows'} by ${q.columns.join(', ')}`;
    const keys = keyNames(q.columns);
    const w = q.weights === undefined ? '0::DOUBLE' : numberSql(q.weights, await this.isText(t, q.weights));
    const rows = `SELECT ${t.row} AS ${ROW}, ${groupKeysSql(q.columns, this.opts.wildcard).join(', ')}, ${w} AS ${SUM} FROM ${t.relation} AS t`;
    const grouped = `SELECT ${keys.join(', ')}, count(*) AS ${N}, sum(${SUM})::DOUBLE AS ${SUM} FROM (${rows}) GROUP BY ALL`;
    const histogram = (g: string) =>
      `SELECT ${N}::DOUBLE, ${SUM}, count(*)::DOUBLE FROM ${g} GROUP BY ALL ORDER BY 1, 2`;
    const wildcardIn = await this.wildcardIn(t, q.columns);
    let table: unknown[][];
    let perRecord: ClassWeights['perRecord'];
    if (!q.perRecord) {
      table = await this.all(histogram(`(${grouped})`), doing);
    } else {
      const g = `rg_weights${this.scratch++}`;
      try {
        await this.all(`CREATE TEMP TABLE ${g} AS ${grouped}`, doing);
        table = await this.all(histogram(g), doing);
        const size = sharedInt32(t.rows);
        const weight = q.weights === undefined ? undefined : sharedFloat64(t.rows);
        await this.streamChunks(
          `SELECT r.${ROW}::INTEGER, g.${N}::INTEGER, g.${SUM} FROM (${rows}) AS r JOIN ${g} AS g ON ${sameKeys('r', 'g', keys)}`,
          `${doing} (per-record sizes)`,
          (col, k) => {
            const [a, b, c] = [col(0), col(1), col(2)];
            for (let i = 0; i < k; i++) {
              const row = a.getItem(i) as number;
              size[row] = b.getItem(i) as number;
              if (weight) weight[row] = c.getItem(i) as number;
            }
          },
        );
        perRecord = { size, weight };
      } finally {
        await this.conn.run(`DROP TABLE IF EXISTS ${g}`).catch(() => {});
      }
    }
    return {
      records: t.rows,
      classes: table.reduce((s, r) => s + (r[2] as number), 0),
      table: table.map(([size, weight, classes]) => ({
        size: size as number,
        weight: weight as number,
        classes: classes as number,
      })),
      perRecord,
      wildcardIn,
    };
  }

  /**
   * Value counts per class: (class keys, value) pairs with their count and first row in a scratch
   * table; classes and values numbered by first row; the pairs streamed back in class order.
   */
  private async classValueCountsNow(q: ValueCountsQuery): Promise<ClassValueCounts> {
    const t = this.table(q.role);
    const doing = `counting ${q.value} by ${q.columns.join(', ') || 'the whole table'}`;
    const keys = keyNames(q.columns);
    const klist = keys.join(', ');
    const id = this.scratch++;
    const [cv, cl, vl] = [`rg_cv${id}`, `rg_cl${id}`, `rg_vl${id}`];
    const V = '"__rg_v"';
    const F = '"__rg_first"';
    const CID = '"__rg_cid"';
    const VID = '"__rg_vid"';
    const rows = `SELECT ${t.row} AS ${ROW}, ${groupKeysSql(q.columns, this.opts.wildcard).join(', ')}, CAST(t.${ident(q.value)} AS VARCHAR) AS ${V} FROM ${t.relation} AS t`;
    try {
      await this.all(
        `CREATE TEMP TABLE ${cv} AS SELECT ${klist}, ${V}, count(*) AS ${N}, min(${ROW}) AS ${F} FROM (${rows}) GROUP BY ALL`,
        doing,
      );
      await this.all(
        `CREATE TEMP TABLE ${cl} AS SELECT ${klist}, (row_number() OVER (ORDER BY min(${F})) - 1)::INTEGER AS ${CID} FROM ${cv} GROUP BY ${klist}`,
        doing,
      );
      await this.all(
        `CREATE TEMP TABLE ${vl} AS SELECT ${V}, sum(${N})::DOUBLE AS ${N}, (row_number() OVER (ORDER BY min(${F})) - 1)::INTEGER AS ${VID} FROM ${cv} GROUP BY ${V}`,
        doing,
      );
      const vals = await this.all(`SELECT ${V}, ${N} FROM ${vl} ORDER BY ${VID}`, doing);
      const totals = sharedFloat64(vals.length);
      for (const [i, r] of vals.entries()) totals[i] = r[1] as number;
      const [[classes, pairs]] = await this.all(
        `SELECT (SELECT count(*) FROM ${cl})::DOUBLE, (SELECT count(*) FROM ${cv})::DOUBLE`,
        doing,
      );
      const starts = sharedInt32((classes as number) + 1);
      const valueId = sharedInt32(pairs as number);
      const count = sharedInt32(pairs as number);
      let k = 0;
      await this.streamChunks(
        `SELECT c.${CID}, v.${VID}, p.${N}::INTEGER FROM ${cv} AS p JOIN ${cl} AS c ON ${sameKeys('p', 'c', keys)} ` +
          `JOIN ${vl} AS v ON p.${V} IS NOT DISTINCT FROM v.${V} ORDER BY c.${CID}, p.${F}`,
        doing,
        (col, m) => {
          const [a, b, c] = [col(0), col(1), col(2)];
          for (let i = 0; i < m; i++) {
            starts[(a.getItem(i) as number) + 1]++;
            valueId[k] = b.getItem(i) as number;
            count[k++] = c.getItem(i) as number;
          }
        },
      );
      for (let c = 0; c < (classes as number); c++) starts[c + 1] += starts[c];
      const classOf = q.perRecord
        ? await this.streamInto(
            `SELECT r.${ROW}::INTEGER, c.${CID} FROM (${rows}) AS r JOIN ${cl} AS c ON ${sameKeys('r', 'c', keys)}`,
            sharedInt32(t.rows),
            `${doing} (per-record classes)`,
          )
        : undefined;
      return {
        records: t.rows,
        classes: classes as number,
        values: vals.map((r) => (r[0] === null ? null : String(r[0]))),
        totals,
        starts,
        valueId,
        count,
        classOf,
        missingIn: await this.missingIn(q.role, t, q.columns),
        wildcardIn: await this.wildcardIn(t, q.columns),
      };
    } finally {
      for (const x of [cv, cl, vl]) await this.conn.run(`DROP TABLE IF EXISTS ${x}`).catch(() => {});
    }
  }

  /** Exact compatible-set linkage as SQL (duckdb-linkage.ts), one operation at a time as the others. */
  compatibleSets(q: CompatibleSetsQuery): Promise<CompatibleSets | null> {
    return this.exclusive(() => duckCompatibleSets(this, q, this.opts));
  }

  /** Rows as released strings (duckdb-fetch.ts), one operation at a time as the others. */
  fetchRows(q: RowsQuery): Promise<FetchedRows> {
    return this.exclusive(() => duckFetchRows(this, q));
  }

  /** Distinct tuples and their rows (duckdb-fetch.ts), one operation at a time as the others. */
  tupleCounts(q: TupleCountsQuery): Promise<TupleCount[]> {
    return this.exclusive(() => duckTupleCounts(this, q));
  }

  /** The sampled persons' code sets (duckdb-codesets.ts), one operation at a time as the others. */
  personCodes(q: PersonCodesQuery): Promise<PersonCodes> {
    return this.exclusive(() => duckPersonCodes(this, q));
  }

  /** km-anonymity counting as SQL (duckdb-codesets.ts), one operation at a time as the others. */
  codeSetCounts(q: CodeSetQuery): Promise<CodeSetCounts> {
    return this.exclusive(() => duckCodeSetCounts(this, q, this.opts));
  }

  /** The sampled persons' dated events (duckdb-trajectory.ts), one operation at a time as the others. */
  personEvents(q: PersonCodesQuery): Promise<PersonEvents> {
    return this.exclusive(() => duckPersonEvents(this, q));
  }

  /** Trajectory counting as SQL (duckdb-trajectory.ts), one operation at a time as the others. */
  trajectoryCounts(q: TrajectoryQuery): Promise<CodeSetCounts> {
    return this.exclusive(() => duckTrajectoryCounts(this, q, this.opts));
  }

  /** Sparse linkage's code frequencies (duckdb-sparse.ts), one operation at a time as the others. */
  sparseSources(q: SparseSourcesQuery): Promise<SparseSources> {
    return this.exclusive(() => duckSparseSources(this, q));
  }

  /** Sparse linkage's grouped scoreboard as SQL (duckdb-sparse.ts), one operation at a time. */
  sparseScores(q: SparseScoreQuery): Promise<SparseScores> {
    return this.exclusive(() => duckSparseScores(this, q, this.opts));
  }

  /** Rare values' aggregates as SQL (duckdb-rare.ts), one operation at a time as the others. */
  rareValueCounts(q: RareValuesQuery): Promise<RareValueCounts> {
    return this.exclusive(() => duckRareValueCounts(this, q, this.opts.wildcard));
  }

  /** The release's wildcard tokens (--wildcard; none without). */
  get wildcardTokens(): readonly string[] {
    return this.opts.wildcard;
  }

  /** Minimal sample uniques (SUDA) as SQL, level by level (duckdb-suda.ts). */
  subsetUniques(q: SubsetUniquesQuery): Promise<SubsetUniques> {
    return this.exclusive(() => duckSubsetUniques(this, this.table(q.role), q, this.scratch++));
  }

  describe(): string {
    const limit = this.opts.memoryLimit ? `, memory limit ${this.opts.memoryLimit}` : '';
    return `duckdb ${this.version} (embedded, ${this.opts.threads} thread${this.opts.threads === 1 ? '' : 's'}${limit})`;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      this.conn.closeSync();
      this.instance.closeSync();
    } finally {
      await rm(this.dir, { recursive: true, force: true });
    }
  }
}
