/**
 * @module engine/types — the engine interface: where an attack's counting runs.
 *
 * An engine holds a trial's tables (the release, and the original / control / auxiliary when given)
 * and answers counting questions about them. Attacks that count through an engine do not know which
 * engine it is: `local` runs today's kernels on the encoded shared-memory columns and the worker pool;
 * `duckdb` pushes the counting down as SQL to an embedded DuckDB (out-of-core under a memory limit)
 * and brings back aggregates only, plus per-record class sizes when record-risk.csv needs them;
 * `clickhouse` does the same on a ClickHouse cluster (src/engine/clickhouse.ts).
 *
 * What an engine answers today:
 * - `classSizes`: equivalence classes over a set of columns (a GROUP BY count), as a size table
 *   (records per class size) and, on request, the class size of each row. Under the wildcard model it
 *   answers compatible-set sizes (a record matches records equal to it on every column where neither
 *   holds a wildcard token) with the exact class size beside them.
 * - `classWeights`: equivalence classes with the sum of a weight column per class (sdcMicro's F̂), as
 *   classes by (size, weight sum), and on request each row's class size and weight sum (population).
 * - `classValueCounts`: per equivalence class, the counts of each value of one column (released
 *   strings), classes and values in order of their first row, as CSR arrays; the whole table's count
 *   of each value; on request each row's class (diversity).
 * - `compatibleSets`: exact compatible-set linkage — per sampled target, the number of release rows
 *   compatible with it on every known QI (generalizations understood), whether its true record is
 *   among them, and the attacker's seeded pick (local: the linkage kernels; duckdb and clickhouse: a
 *   join of the targets, per-QI compatibility tables built from the columns' distinct values
 *   (linkage-relation.ts), and the release's classes, duckdb-linkage.ts and clickhouse-linkage.ts).
 * - `subsetUniques`: SUDA's minimal sample uniques — per QI subset S (up to a maximum size), the rows
 *   alone on S that are alone on no proper subset; answered as MSUs per column mask and rows per SUDA
 *   score (and each row's score on request). Local: the SUDA2 search (attacks/suda/local.ts); duckdb and
 *   clickhouse: one GROUP BY per subset, level by level (suda-sql.ts; under --wildcard with a semi-join
 *   per subset against the wildcard rows).
 *
 * - `fetchRows`: rows of a table as released strings (every row, given rows, or the rows whose values
 *   on blocking columns are among given keys), for attacks that do not reduce to SQL; with it
 *   `tupleCounts` (distinct tuples of released strings and their rows) to choose the blocking.
 *
 * - `codeSetCounts` (relational trials; with `relational` and `personCodes`): km-anonymity — the
 *   sampled targets' own codes (the attack chooses the known codes in JS), then per target and
 *   m = 1 … M the number of release persons demographically compatible with it (exact linkage's strict
 *   relation) holding its first m codes (or their table's suppressed code), and whether its true
 *   person is among them (duckdb: duckdb-events.ts loads and codes the event tables as
 *   src/relational/load.ts does, duckdb-codesets.ts counts; the local engine answers through the
 *   person view and the pool, attacks/person-match; clickhouse: the event tables are checked and
 *   coded in the embedded DuckDB that reads the files, their (person, code) pairs uploaded to the
 *   coordinator, and clickhouse-codesets.ts counts there in SQL).
 *
 * - `trajectoryCounts` (relational trials; with `relational` and `personEvents`): "unique in the
 *   crowd" — the sampled targets' own dated events (the attack chooses the known points in JS), then
 *   per target and k = 1 … K the number of release persons demographically compatible with it holding
 *   its first k points (the code or its table's suppressed code, dated within the point's window), and
 *   whether its true person is among them. A separate operation from `codeSetCounts` because items
 *   are matched against the dated sequences with a window, not against code sets (whose level-1
 *   per-(class, code) aggregates do not apply); the targets' truth and classes are shared
 *   (duckdb-codesets.ts `targetClasses`, clickhouse-codesets.ts `chTargetClasses`; duckdb:
 *   duckdb-trajectory.ts; local: the person view; clickhouse: the dated events built by the embedded
 *   DuckDB, uploaded to the coordinator, and counted there by clickhouse-trajectory.ts).
 *
 * - `rareValueCounts` (relational trials): the release's patients per code, per table the patients
 *   holding a rare code, rare code pairs by table pair, value columns' histograms, the birth column's
 *   values with their holders, the latest event year (duckdb: duckdb-rare.ts; local: the person view;
 *   clickhouse: clickhouse-codesets.ts, the code aggregates and birth values in ClickHouse SQL, the
 *   value histograms and latest event year from DuckDB while it loads the event files).
 *
 * Attacks counting through the engine: uniqueness (classSizes), population (classWeights; its
 * --population-table knowledge is joined on the local engine only), diversity (classValueCounts),
 * linkage's exact methods (compatibleSets) and its sparse method (sparseScores), suda (subsetUniques,
 * also under --wildcard), code-sets (codeSetCounts), rare-values (rareValueCounts) and trajectory
 * (trajectoryCounts) on duckdb and clickhouse. Attacks whose kernels do not reduce to SQL (linkage's
 * Fellegi–Sunter, distance and linkability methods; membership; singling-out and inference) declare
 * `fetchable` and run on rows
 * fetched with `fetchRows` (src/engine/fetch-local.ts): every row when each input is under a bound
 * (the figures of --engine local), else, for linkage, a seeded target sample and the release rows in
 * its blocks, which the report declares approximate and the policy never passes; the others are then
 * skipped. DuckDB and ClickHouse answer `fetchRows`.
 *
 * - `sparseScores` (relational trials; with `relational`, `personCodes`, `personEvents` and
 *   `sparseSources`): linkage's sparse method — the targets' own codes or dated events and the
 *   original's code frequencies (the attack draws the known items in JS, as on local), then per target
 *   the release persons grouped by the set of items they match and their demographic compatibility
 *   (duckdb: duckdb-sparse.ts; clickhouse: clickhouse-sparse.ts; local: the person view and the pool,
 *   attacks/linkage/sparse-kernels.ts). It counts through the trial's engine (`ctx.eventEngine`) even
 *   when linkage's other methods run on fetched rows.
 *
 * An attack an engine cannot run (neither its operations nor `fetchable`; today population with a
 * --population-table) is skipped on that engine with the reason in the report, failing closed.
 *
 * Semantics every engine keeps (those of src/io and src/encode): values compare as released (`2.0`
 * and `2` differ); a missing value (a CSV missing token, or null) is its own value, equal only to
 * other missing values; with --wildcard, a wildcard token in the release matches any value. (SUDA
 * follows sdcMicro instead: a missing value is never part of an MSU and matches no value.)
 */

import type { Table } from 'apache-arrow';
import type { DatePrecision } from '../relational/person-view.js';

/** Engines reidgate can run a trial on. */
export const ENGINE_NAMES = ['local', 'duckdb', 'clickhouse'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/** Data roles an engine holds. */
export type EngineRole = 'release' | 'original' | 'control' | 'auxiliary';

/** Counting operations an engine answers (attacks declare the ones they use). */
export type EngineOp =
  | 'classSizes'
  | 'classWeights'
  | 'classValueCounts'
  | 'compatibleSets'
  | 'fetchRows'
  | 'codeSetCounts'
  | 'rareValueCounts'
  | 'trajectoryCounts'
  | 'sparseScores'
  | 'subsetUniques';

/** One line of a size table: `records` records have this (effective, exact) class size. */
export interface SizeRow {
  /** The class size that sets the risk: the exact class size, or the compatible-set size (wildcard). */
  size: number;
  /** The size of the record's exact class (records with identical values). Equals `size` without wildcards. */
  exact: number;
  /** Records with this pair of sizes. */
  records: number;
}

/** A question about equivalence classes. */
export interface ClassQuery {
  role: EngineRole;
  /** Columns to group by (≥ 1). */
  columns: readonly string[];
  /** Wildcard model: compatible-set sizes instead of exact class sizes (release only). */
  wildcard?: boolean;
  /** Also return each row's (effective) class size, in row order. */
  perRecord?: boolean;
}

/** The answer: aggregates, and per-row sizes only when asked for. */
export interface ClassSizes {
  /** Rows of the table. */
  records: number;
  /** Distinct value tuples (exact classes). */
  classes: number;
  /** Records by (size, exact) sizes, sorted by size then exact (ascending). */
  table: SizeRow[];
  /** Per row (0-based position in the table): its effective class size. Only when `perRecord`. */
  perRecord?: Int32Array | Float64Array;
  /** Of the query's columns, those holding at least one missing value. */
  missingIn: string[];
  /** Under `wildcard`: whether any of the columns held a wildcard token (false: the sizes are exact). */
  wildcardFound: boolean;
}

/** An engine: a trial's tables and the counting operations over them. */
export interface Engine {
  readonly name: EngineName;
  /** Operations this engine answers. */
  readonly ops: ReadonlySet<EngineOp>;
  /** Rows of a role's table (0 when the role was not given). */
  rows(role: EngineRole): number;
  /**
   * Equivalence classes over `q.columns` of `q.role`.
   * @throws ReidgateError('ENGINE') when the engine fails (out of memory, lost connection)
   */
  classSizes(q: ClassQuery): Promise<ClassSizes>;
  /**
   * Equivalence classes over `q.columns` with the sum of `q.weights` per class. Present when `ops`
   * holds 'classWeights' (an engine without it never runs an attack that declares it).
   * @throws ReidgateError('ENGINE') when the engine fails
   */
  classWeights?(q: WeightQuery): Promise<ClassWeights>;
  /**
   * Per equivalence class over `q.columns`, the counts of each value of `q.value`. Present when `ops`
   * holds 'classValueCounts'.
   * @throws ReidgateError('ENGINE') when the engine fails
   */
  classValueCounts?(q: ValueCountsQuery): Promise<ClassValueCounts>;
  /**
   * Exact compatible-set linkage (see CompatibleSetsQuery). Optional: engines that answer it list
   * 'compatibleSets' in `ops`.
   * @returns the sets, or null for relation 'unseen-as-generalized' when no released value of the
   *   columns is unseen on the targets' side (the relation is then the strict one)
   * @throws ReidgateError('ENGINE') when the engine fails; ('COLUMN') when a hierarchy misses a value
   */
  compatibleSets?(q: CompatibleSetsQuery): Promise<CompatibleSets | null>;
  /**
   * Rows of a table as an Arrow table of released strings (see RowsQuery): every row, given rows, or
   * the rows whose values on blocking columns are among given keys. Present when `ops` holds 'fetchRows'.
   * @throws ReidgateError('ENGINE') when the engine fails
   */
  fetchRows?(q: RowsQuery): Promise<FetchedRows>;
  /**
   * Distinct tuples of released strings with their row counts (see TupleCountsQuery), for choosing
   * a blocking. Present when `ops` holds 'fetchRows'.
   * @throws ReidgateError('ENGINE') when the engine fails
   */
  tupleCounts?(q: TupleCountsQuery): Promise<TupleCount[]>;
  /**
   * A relational trial's event tables as the engine holds them (code numbering, which side has
   * events), or undefined when the trial has none or the engine does not hold them. Present with
   * 'codeSetCounts'.
   */
  readonly relational?: RelationalCodes;
  /**
   * Each given person's distinct codes (as the person view's code sets). Present with 'codeSetCounts'.
   * @throws ReidgateError('ENGINE') when the engine fails
   */
  personCodes?(q: PersonCodesQuery): Promise<PersonCodes>;
  /**
   * km-anonymity counting (see CodeSetQuery). Present with 'codeSetCounts'.
   * @throws ReidgateError('ENGINE') when the engine fails; ('COLUMN') when a hierarchy misses a value
   */
  codeSetCounts?(q: CodeSetQuery): Promise<CodeSetCounts>;
  /**
   * Each given person's distinct dated events (as the person view's sequences), and the release's
   * date range. Present with 'trajectoryCounts'.
   * @throws ReidgateError('ENGINE') when the engine fails
   */
  personEvents?(q: PersonCodesQuery): Promise<PersonEvents>;
  /**
   * Trajectory counting (see TrajectoryQuery). Present with 'trajectoryCounts'.
   * @throws ReidgateError('ENGINE') when the engine fails; ('COLUMN') when a hierarchy misses a value
   */
  trajectoryCounts?(q: TrajectoryQuery): Promise<CodeSetCounts>;
  /**
   * The attacker's side's codes (or dated events) with the patients holding each (see
   * SparseSourcesQuery). Present with 'sparseScores'.
   * @throws ReidgateError('ENGINE') when the engine fails
   */
  sparseSources?(q: SparseSourcesQuery): Promise<SparseSources>;
  /**
   * Sparse linkage's scoreboard (see SparseScoreQuery). Present with 'sparseScores' (with
   * `personCodes` and `personEvents`).
   * @throws ReidgateError('ENGINE') when the engine fails; ('COLUMN') when a hierarchy misses a value
   */
  sparseScores?(q: SparseScoreQuery): Promise<SparseScores>;
  /**
   * Rare values' aggregates of a relational release (see RareValueCounts). Present with 'rareValueCounts'.
   * @throws ReidgateError('ENGINE') when the engine fails
   */
  rareValueCounts?(q: RareValuesQuery): Promise<RareValueCounts>;
  /**
   * Minimal sample uniques (SUDA) over `q.columns` (see SubsetUniquesQuery). Present when `ops` holds
   * 'subsetUniques'.
   * @throws ReidgateError('ENGINE') when the engine fails
   */
  subsetUniques?(q: SubsetUniquesQuery): Promise<SubsetUniques>;
  /**
   * Checks a numeric column (sampling weights) as reidgate's loader reads it (`Number(text.trim())`,
   * decimal numbers only): the first bad row and the column's sum. Present on engines that hold the
   * weights (duckdb, clickhouse); the local engine's loader checks them.
   * @throws ReidgateError('ENGINE') when the engine fails
   */
  positiveNumbers?(role: EngineRole, column: string): Promise<PositiveNumbers>;
  /** A one-line description for the report (engine, version, memory limit); never credentials. */
  describe(): string;
  /** Releases the engine's resources (connections, temporary files). Safe to call twice. */
  close(): Promise<void>;
}

/**
 * A numeric column's check: its sum, or the first row (0-based) that is blank or not a number
 * (`notANumber`), or not a finite number > 0.
 */
export interface PositiveNumbers {
  sum: number;
  bad?: { row: number; notANumber: boolean };
}

// ---- classWeights (population: Benedetti–Franconi F̂) ----

/** A question about classes and the sum of a per-row weight in each. */
export interface WeightQuery {
  role: EngineRole;
  /** Columns to group by (≥ 1). A wildcard token is its own value here (no wildcard matching). */
  columns: readonly string[];
  /**
   * A numeric column summed per class (sampling weights, validated > 0 at the boundary); omitted:
   * sizes only (`weight` is then 0).
   */
  weights?: string;
  /** Also return each row's class size (and weight sum), in row order. */
  perRecord?: boolean;
}

/** `classes` classes have this size and this weight sum. */
export interface WeightRow {
  size: number;
  /** Σ weights over the class (0 without a weights column). */
  weight: number;
  classes: number;
}

/** The answer: classes by (size, weight sum), per-row arrays only when asked for. */
export interface ClassWeights {
  records: number;
  classes: number;
  /** Sorted by size, then weight (ascending). */
  table: WeightRow[];
  /** Per row: its class size, and its class's weight sum (with a weights column). Only when `perRecord`. */
  perRecord?: { size: Int32Array; weight?: Float64Array };
  /** Of the query's columns, those holding a wildcard token (with --wildcard). */
  wildcardIn: string[];
}

// ---- classValueCounts (diversity: l-diversity, t-closeness, homogeneity) ----

/** A question about one column's values inside equivalence classes. */
export interface ValueCountsQuery {
  role: EngineRole;
  /** Columns to group by (≥ 1). A wildcard token is its own value here (no wildcard matching). */
  columns: readonly string[];
  /** The column whose values are counted per class. */
  value: string;
  /** Also return each row's class, in row order. */
  perRecord?: boolean;
}

/**
 * The answer, on shared memory (SharedArrayBuffer-backed, for the worker pool). Classes are numbered
 * in order of their first row; the values of a class are listed in order of their first row in it;
 * values are numbered in order of their first row in the table. So every engine answers the same arrays.
 */
export interface ClassValueCounts {
  records: number;
  classes: number;
  /** Distinct values of `value` as released strings; null is the missing value. */
  values: (string | null)[];
  /** Rows holding each value in the whole table. */
  totals: Float64Array;
  /** Class c's (value, count) pairs are entries starts[c] … starts[c+1]−1 (classes + 1 entries). */
  starts: Int32Array;
  /** Value id of each pair. */
  valueId: Int32Array;
  /** Rows of each pair (> 0). */
  count: Int32Array;
  /** Per row: its class. Only when `perRecord`. */
  classOf?: Int32Array;
  /** Of the query's columns, those holding a missing value. */
  missingIn: string[];
  /** Of the query's columns, those holding a wildcard token (with --wildcard). */
  wildcardIn: string[];
}

// ---- exact compatible-set linkage (issue 8: `compatibleSets`) ----

/**
 * How a released value is read against a known target value (src/encode/joint.ts):
 * 'strict' — equal (numbers and dates by value), or a generalization covering it (interval, coarser
 * date, mask, hierarchy ancestor, suppression `*`), or a --wildcard token; 'unseen-as-generalized' —
 * the same, and a released label the targets' side never holds matches any value (an unseen number
 * only its other spellings).
 */
export type LinkageRelation = 'strict' | 'unseen-as-generalized';

/**
 * A question of exact compatible-set linkage: for each sampled target t (a row of the targets'
 * table), S_t = the release rows compatible with t on every column where t's value is known (a
 * missing target value is unknown and skipped; a missing released value matches nothing).
 * The attacker picks one row of S_t: the ⌊u_t·|S_t|⌋-th in the order "release classes (distinct
 * released tuples of the columns) by their first row, rows ascending within a class".
 */
export interface CompatibleSetsQuery {
  /** The targets' table. */
  targets: 'auxiliary' | 'original';
  /** The known QIs (present in the release and in the targets' table), with their kinds. */
  columns: ReadonlyArray<{ name: string; kind: 'categorical' | 'numeric' | 'date' }>;
  /** Sampled target rows (0-based rows of the targets' table). */
  targetRows: Int32Array;
  /** Per sampled target: its true release row, or -1 (unknown or not in the release). */
  truth: Int32Array;
  /** Per sampled target: a uniform in [0, 1) for the pick (seeded, drawn by the caller). */
  uniform: Float64Array;
  relation: LinkageRelation;
}

/** The answer, per sampled target, plus how the engine found the sets (for the report). */
export interface CompatibleSets {
  /** |S_t|. */
  setSize: Int32Array;
  /** 1 when t's true release row is in S_t. */
  truthInSet: Int32Array;
  /** The picked release row, or -1 when S_t is empty. */
  claimed: Int32Array;
  /** Release classes over the columns (distinct released tuples). */
  releaseClasses: number;
  /** Columns the engine blocked on (candidate classes come from these; the rest are verified). */
  blockingQis: string[];
  /** Engine-specific figures for the report's details (no record values). */
  details: Record<string, unknown>;
  warnings: string[];
}

// ---- fetchRows (attacks that do not reduce to SQL: candidate sets fetched as local tables) ----

/**
 * Which rows of a table to fetch, and which columns. Without `rows` and `block`: every row.
 */
export interface RowsQuery {
  role: EngineRole;
  /** Columns to fetch (as released: text, missing as null). */
  columns: readonly string[];
  /** Only these rows (0-based, ascending, distinct). */
  rows?: Int32Array;
  /**
   * Blocking: only the rows whose released strings on the columns `on` form one of `keys` (each key
   * one string per column of `on`; null matches a missing value). The caller chooses the keys
   * (src/engine/compatible-block.ts: the released values compatible with some sampled target).
   */
  block?: { on: readonly string[]; keys: ReadonlyArray<ReadonlyArray<string | null>> };
}

/**
 * Distinct tuples of released strings on `columns` of a table, with how many rows hold each
 * (blocking statistics for src/engine/compatible-block.ts). `within[j]`, when given, keeps only the
 * rows whose value on `columns[j]` is one of those strings (null: a missing value).
 */
export interface TupleCountsQuery {
  role: EngineRole;
  columns: readonly string[];
  within?: ReadonlyArray<ReadonlyArray<string | null> | undefined>;
}

/** One distinct tuple (null: missing) and its number of rows. */
export interface TupleCount {
  values: Array<string | null>;
  rows: number;
}

/** The fetched rows: their 0-based rows in the engine's table (ascending), and their values. */
export interface FetchedRows {
  /** Rows of the engine's table, ascending; row i of `table` is row `rows[i]`. */
  rows: Int32Array;
  /** Columns as Utf8 (released strings; null is missing), in the query's order. */
  table: Table;
}

// ---- code sets of relational trials (issue 8: `codeSetCounts`) ----

/** An event table's codes in the engine's numbering (as src/relational/person-view.ts EventTableInfo). */
export interface EventTableCodes {
  name: string;
  /** Combined codes of this table: base … base + codes − 1; `suppressed` = base + codes. */
  base: number;
  codes: number;
  suppressed: number;
  dated: boolean;
  /** The release's date precision and the declared date shift (days), as the person view has them. */
  precision?: DatePrecision;
  shiftDays?: number;
}

/**
 * A relational trial's codes on an engine. Codes are normalized and truncated as src/relational/load.ts
 * does; the numbering is the engine's own (only labels compare across engines).
 */
export interface RelationalCodes {
  tables: EventTableCodes[];
  /** Combined code → the table's normalized code (main thread only: never in reports). */
  labels: readonly string[];
  /** Whether some event table has an original file (the person view's `original` side). */
  original: boolean;
}

/** Which persons' code sets to read: rows of a side's person table. */
export interface PersonCodesQuery {
  side: 'release' | 'original';
  rows: Int32Array;
}

/** Per asked person (in query order), its distinct combined codes, ascending (suppressed codes included). */
export interface PersonCodes {
  offsets: Int32Array;
  codes: Int32Array;
}

/**
 * A question of km-anonymity: for each sampled target t and m = 1 … levels, S_{t,m} = the release
 * persons demographically compatible with t on the known QIs (exact linkage's strict relation, or,
 * with `sameClass`, t's own release class) holding each of t's first m items, where a person holds an
 * item when it holds its code or its table's suppressed code.
 */
export interface CodeSetQuery {
  /** The targets' side: original persons (truth by the person key) or release persons (each its own truth). */
  side: 'release' | 'original';
  /** Sampled target rows of that side's person table. */
  targetRows: Int32Array;
  /** Known QIs with their kinds ([]: no demographics, everyone is compatible). */
  knownQi: CompatibleSetsQuery['columns'];
  /** Release-side targets: compatible persons are those of the target's own class. */
  sameClass?: boolean;
  /** Per target: its items itemOffsets[t] … itemOffsets[t+1] − 1 (combined codes, in the order learnt). */
  itemOffsets: Int32Array;
  items: Int32Array;
  /** M. */
  levels: number;
}

/** The answer: per target and level (t·M + m − 1), as attacks/person-match countMatches returns. */
export interface CodeSetCounts {
  /** Per target: its true release person row (by the person key), or −1. */
  truth: Int32Array;
  /** |S_{t,m}|, or −1 when t has fewer than m items. */
  size: Int32Array;
  /** 1 when t's true person is in S_{t,m}. */
  truthIn: Int32Array;
  /** Engine figures for the report's details (no record values). */
  details: Record<string, unknown>;
}

// ---- trajectories of relational trials (issue 8: `trajectoryCounts`) ----

/**
 * Per asked person (in query order), its distinct dated events sorted by (code, lo, hi) as the person
 * view's sequences: combined code (suppressed codes included) and date window at the table's
 * precision; and the release's range of event dates (seqLo), null when it has no dated event.
 */
export interface PersonEvents {
  offsets: Int32Array;
  codes: Int32Array;
  lo: Int32Array;
  hi: Int32Array;
  releaseDates: [number, number] | null;
  /** Distinct (code, date) points of the release. */
  releasePoints: number;
}

/**
 * A trajectory question: as CodeSetQuery, but an item is a dated point — a code and a window
 * [lo, hi] (date indices at the code's table's precision, already clipped by the attack) — and a
 * person holds it when it has an event with that code or its table's suppressed code dated within
 * the window.
 */
export interface TrajectoryQuery extends Omit<CodeSetQuery, 'items'> {
  items: Int32Array;
  itemLo: Int32Array;
  itemHi: Int32Array;
}

// ---- sparse linkage of relational trials (issue 8: `sparseScores`) ----

/** The attacker's side's distinct codes (or dated events), for sparse linkage's wrong items. */
export interface SparseSourcesQuery {
  side: 'original';
  dated: boolean;
}

/**
 * Per distinct code of the side's code sets (dated: per distinct (code, lo, hi) of its dated events)
 * the patients holding it; any order (the attack sorts them canonically). `lo`/`hi` are 0 for codes.
 */
export interface SparseSources {
  code: Int32Array;
  lo: Int32Array;
  hi: Int32Array;
  count: Float64Array;
}

/**
 * Sparse linkage (Narayanan–Shmatikov scoreboard, attacks/linkage/sparse-kernels.ts) of original
 * targets against every release person: a release person matches item i when it holds i's code
 * (dated: has an event of that code whose window overlaps [lo, hi], already widened by the
 * tolerance); with known QIs it is also compatible with the target or not (exact linkage's strict
 * relation). The engine returns, per target, the release persons grouped by the set of items they
 * match (a bit mask) and their compatibility — never scores summed in SQL, so the attack adds the
 * weights in the local kernel's order and ties are exact.
 */
export interface SparseScoreQuery {
  /** Sampled target rows of the original person table (truth by the person key). */
  targetRows: Int32Array;
  /** Known QIs with their kinds ([]: no demographics). */
  knownQi: CompatibleSetsQuery['columns'];
  /** Per target: its items itemOffsets[t] … itemOffsets[t+1] − 1 (at most 64 per target). */
  itemOffsets: Int32Array;
  items: Int32Array;
  itemLo: Int32Array;
  itemHi: Int32Array;
  itemDated: Uint8Array;
}

/** The answer (see SparseScoreQuery). */
export interface SparseScores {
  /** Per item (as in the query): release persons holding its code (the weight's support). */
  support: Float64Array;
  /**
   * Groups of release persons matching at least one item, per target (CSR over `groupOffsets`): the
   * mask of items matched (bit k: the target's k-th item), whether they are demographically
   * compatible (always 0 without known QIs), how many, and the lowest person row.
   */
  groupOffsets: Int32Array;
  mask: bigint[];
  compatible: Uint8Array;
  count: Float64Array;
  first: Int32Array;
  /** Per target: release persons demographically compatible with it (0 without known QIs). */
  compatibleTotal: Float64Array;
  /**
   * Per target: when exactly one compatible person matches no item, that person; else −1.
   */
  loneCompatible: Int32Array;
  /** Release persons. */
  persons: number;
  /** Engine figures for the report's details (no record values). */
  details: Record<string, unknown>;
}

// ---- rare values of relational trials (issue 8: `rareValueCounts`) ----

/** What the rare-values attack asks: its threshold N, whether to count pairs, the birth column. */
export interface RareValuesQuery {
  /** A value is rare when 1 … n − 1 patients hold it. */
  n: number;
  pairs: boolean;
  /** A release column (QI) holding birth values, if any. */
  birth?: string;
}

/** Aggregates of the release's person view from which the rare-values attack computes its figures. */
export interface RareValueCounts {
  /** Per combined code (RelationalCodes numbering): release patients holding it. */
  holders: Float64Array;
  /** Per event table: patients holding one of its rare codes (non-suppressed, 1 … n − 1 holders). */
  patientsWithRareCode: number[];
  /** Patients holding any rare code. */
  withRareCode: number;
  /**
   * Rare pairs (two codes each held by ≥ n patients, held together by 1 … n − 1) by (table of the
   * lower combined code) · tables + (table of the higher); null when pairs were not asked for.
   */
  pairs: number[] | null;
  /** Per value column of the release's event tables, in declaration order: its values' histogram. */
  values: Array<{
    table: string;
    column: string;
    min?: number;
    max?: number;
    /** Distinct values ascending: [value, events, patients]. */
    histogram: Array<[number, number, number]>;
  }>;
  /** The birth column's released values (missing and --wildcard tokens left out) and their holders. */
  birth: Array<[string, number]> | null;
  /** The latest year among the release's dated events with a (non-suppressed) code; null when none. */
  latestEventYear: number | null;
}

// ---- minimal sample uniques (SUDA: `subsetUniques`) ----

/**
 * A question of minimal sample uniques (MSUs): for each row r, the subsets S of `columns` with
 * |S| ≤ `maxSize` on which r's values occur in no other row while on every proper subset they do.
 * A missing value is never part of an MSU and matches no value (sdcMicro's `suda2`); with `wildcard`
 * a wildcard token is not part of an MSU either but matches every value of its column.
 */
export interface SubsetUniquesQuery {
  role: EngineRole;
  /** The quasi-identifiers (1 … 30: MSUs are column bit masks, bit j = columns[j]). */
  columns: readonly string[];
  /** Largest MSU size searched (1 … columns.length). */
  maxSize: number;
  /** Weight of an MSU by its size (index = size, 1 … maxSize; whole numbers): a row's score is the sum. */
  weights: Float64Array;
  /** Wildcard model: a wildcard token matches every value of its column (never part of an MSU). */
  wildcard?: boolean;
  /**
   * Work bound of the local SUDA2 search: it stops after this many MSUs (the answer is then marked
   * `truncated` and its figures are lower bounds). Engines counting level by level in SQL find every
   * MSU and ignore it.
   */
  maxMsus?: number;
  /** Also return each row's score, in row order. */
  perRecord?: boolean;
}

/** The answer: aggregates of the MSUs found, per-row scores only when asked for. */
export interface SubsetUniques {
  records: number;
  /** Distinct value tuples over all the columns (exact classes; missing equals missing). */
  classes: number;
  /** Records in classes of size 1, and of size 2 (DIS-SUDA's U and D), over all the columns. */
  sampleUniques: number;
  pairRecords: number;
  /** MSUs per column combination (bit mask), ascending by mask; combinations without MSUs left out. */
  byMask: Array<{ mask: number; msus: number }>;
  /** Rows by score (sum of their MSUs' weights), ascending, rows with score 0 left out. */
  scores: Array<{ score: number; records: number }>;
  /** Per row: its score. Only when `perRecord`. */
  perRecord?: Float64Array;
  /** Whether the local search stopped at `maxMsus` (the figures are then lower bounds). */
  truncated: boolean;
  /** Of the columns, those holding a missing value. */
  missingIn: string[];
}
