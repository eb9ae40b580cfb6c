/**
 * @module engine/duckdb — the DuckDB engine: counting pushed down as SQL to an embedded DuckDB
 * (@duckdb/node-api), out-of-core under a memory limit.
 *
 * The database is a temporary file (deleted on close) with `memory_limit` and a `temp_directory` for
 * spilling, so tables larger than memory load and group on disk. CSV and Parquet inputs are read by
 * DuckDB itself (duckdb-load.ts) into tables whose rowid is the file row; a `.duckdb` file's table is
 * used in place (attached read-only). Only aggregates come back, plus each row's class size when
 * record-risk.csv needs it (streamed chunk by chunk into a typed array).
 *
 * Semantics match the local engine (src/io, src/encode): values compare as released strings (CSV
 * columns are all VARCHAR), missing is its own value (`IS NOT DISTINCT FROM`, GROUP BY's null group),
 * and under --wildcard a release value equal to a wildcard token matches anything.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { ReidgateError } from '../errors.js';
import { duckCompatibleSets, type Hierarchies } from './duckdb-linkage.js';
import {
  classSizeHistogramSql,
  GID,
  groupCountsSql,
  ident,
  MASK,
  N,
  perRecordSizesSql,
  ROW,
  SIZE,
  SUM,
  sameValues,
  sizeHistogramOfGroupsSql,
  wildcardMaskSql,
} from './duckdb-sql.js';
import type {
  ClassQuery,
  ClassSizes,
  CompatibleSets,
  CompatibleSetsQuery,
  Engine,
  EngineOp,
  EngineRole,
  SizeRow,
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

const OPS: ReadonlySet<EngineOp> = new Set<EngineOp>(['classSizes', 'compatibleSets']);

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
  private readonly missingCache = new Map<string, boolean>();
  private closed = false;
  private scratch = 0;

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
  private async streamInto<T extends Int32Array | Float64Array>(
    sql: string,
    out: T,
    doing: string,
  ): Promise<T> {
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

  async classSizes(q: ClassQuery): Promise<ClassSizes> {
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

  /** Exact compatible-set linkage as SQL (duckdb-linkage.ts). */
  async compatibleSets(q: CompatibleSetsQuery): Promise<CompatibleSets | null> {
    return duckCompatibleSets(this, q, this.opts);
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
