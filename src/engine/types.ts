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
 *
 * Every engine answers all four (duckdb and clickhouse by SQL). Attacks counting through the engine:
 * uniqueness (classSizes), population (classWeights; its --population-table knowledge is joined on the
 * local engine only), diversity (classValueCounts), linkage's exact methods (compatibleSets; its other
 * methods read encoded columns).
 *
 * Planned on the same interface (issue 8), not implemented yet: SUDA's subset counts, code-set and
 * trajectory counts of relational trials, rare values, and seeded candidate sets for attacks that do
 * not reduce to SQL (distance linkage, membership). Attacks that still read encoded
 * columns directly declare no `engine` operations and run on the local engine only; the run skips
 * them on other engines and says so in the report.
 *
 * Semantics every engine keeps (those of src/io and src/encode): values compare as released (`2.0`
 * and `2` differ); a missing value (a CSV missing token, or null) is its own value, equal only to
 * other missing values; with --wildcard, a wildcard token in the release matches any value.
 */

/** Engines reidgate can run a trial on. */
export const ENGINE_NAMES = ['local', 'duckdb', 'clickhouse'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/** Data roles an engine holds. */
export type EngineRole = 'release' | 'original' | 'control' | 'auxiliary';

/** Counting operations an engine answers (attacks declare the ones they use). */
export type EngineOp = 'classSizes' | 'classWeights' | 'classValueCounts' | 'compatibleSets';

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
