/**
 * @module attacks/types — what an attack is, what it receives and what it returns.
 *
 * An attack is a small descriptor plus an async `run` that cuts its work into kernel calls on the
 * pool and merges them. It counts; src/stats and src/policy score and judge (house style 2).
 */
import type { ColumnKind, EncodedTable } from '../src/encode/types.js';
import type { Engine, EngineName, EngineOp } from '../src/engine/types.js';
import type { WorkerPool } from '../src/pool/pool.js';
import type { PersonView } from '../src/relational/person-view.js';

/** A quasi-identifier and how it is compared. */
export interface QiSpec {
  name: string;
  kind: ColumnKind;
}

/** Which inputs a trial supplied (for deciding whether an attack can run). */
export interface AvailableInputs {
  release: boolean;
  original: boolean;
  control: boolean;
  auxiliary: boolean;
  qi: number;
  sensitive: number;
  /** Some knowledge of the population: --population, --sampling-fraction, --population-table or --weights. */
  population: boolean;
  /** Event tables of a relational trial (0 for a flat trial). */
  events?: number;
  /** The population knowledge includes an exact population table (--population-table). */
  populationTable?: boolean;
  /** Wildcard tokens were given (--wildcard). */
  wildcard?: boolean;
}

/**
 * What the trial says about the population the release was sampled from. At least one field is set
 * when the object is present. Validated at the boundary: size ≥ release rows, 0 < fraction ≤ 1,
 * weights finite and > 0.
 */
export interface PopulationKnowledge {
  /** Population size N (--population N, or rows / fraction for --sampling-fraction). */
  size?: number;
  /** Sampling fraction f = n / N (--sampling-fraction f, or rows / N for --population N). */
  samplingFraction?: number;
  /** Per-record sampling weights (--weights COL), one per release row, on shared memory (local engine). */
  weights?: Float64Array;
  /**
   * The weights column (--weights COL): engines sum it per class. On engines other than local the
   * values stay in the engine and only `weightSum` is known here.
   */
  weightsColumn?: string;
  /** Σ weights over the release (validated finite and > 0 per record at the boundary). */
  weightSum?: number;
  /**
   * Exact population class size of each release record (--population-table FILE): the number of
   * population records with the same QI values (0 if none). One per release row, on shared memory.
   */
  populationClassSize?: Float64Array;
  /** Which flag the knowledge came from (for the report). */
  source: 'population' | 'sampling-fraction' | 'population-table' | 'weights';
}

/** For each code c of a column, the codes of released values compatible with c besides c itself (CSR). */
export interface CompatRelation {
  offsets: Int32Array;
  codes: Int32Array;
  /** Codes of generalized released values (intervals, masks, suppression, hierarchy nodes). */
  generalized: Int32Array;
}

/** What linkage attacks need: the attacker's targets and, when known, the truth. */
export interface LinkageInputs {
  /** Where targets come from: the auxiliary data, else the original. */
  targetsRole: 'auxiliary' | 'original';
  /** The targets' table, encoded with the release's dictionaries (equal values, equal codes). */
  targets: EncodedTable;
  /** Seeded sample of target rows (sorted), --targets of them (default: all, at most 10,000). */
  targetRows: Int32Array;
  /** Per sampled target: the release row made from it, or -1 (not in the release, or unknown). */
  truth: Int32Array;
  /** Where the truth comes from; 'none' means truth is all -1 and only attacker-side figures are known. */
  groundTruth: 'id' | 'aligned' | 'none';
  /** QIs the attacker knows (present in the targets' table). */
  knownQi: string[];
  /** Per QI: compatibility of target codes with released (possibly generalized) codes. */
  compat: ReadonlyMap<string, CompatRelation>;
  /**
   * The same, but released values the targets' side never holds count as generalizations of unknown
   * extent (an unseen label matches any value; an unseen number only its other spellings): how an attacker without the hierarchy files reads a generalized
   * release. Linkage should try both and let the stronger count.
   */
  compatUnknownAsGeneralized?: ReadonlyMap<string, CompatRelation>;
}

/**
 * A declared randomization of one column, resolved at the boundary (src/run/randomization.ts) to
 * codes of the joint dictionary. `matrix[a·size + b]` = P(released code b | original code a); rows sum
 * to 1 over the released categories (codes of values never seen in any input are dropped).
 */
export type Channel =
  | {
      kind: 'categorical';
      method: 'pram' | 'randomized-response';
      /** The column's cardinality (codes 0 … size − 1). */
      size: number;
      matrix: Float64Array;
    }
  | { kind: 'noise'; method: 'laplace' | 'gaussian' /** Laplace b or Gaussian σ. */; scale: number };

/** Everything an attack may read. Raw strings are not here: attacks see codes and numbers only. */
export interface AttackContext {
  release: EncodedTable;
  original?: EncodedTable;
  control?: EncodedTable;
  qi: readonly QiSpec[];
  sensitive: readonly string[];
  /** How each sensitive attribute is compared (the trial's kinds; needed where `release` holds no columns). */
  sensitiveKinds?: ReadonlyMap<string, ColumnKind>;
  pool: WorkerPool;
  /** Seed derived for this attack from the run seed. */
  seed: number;
  /** A record is "at risk" when its risk exceeds this (from the policy). */
  recordThreshold: number;
  /** Population knowledge, when the trial gives any. */
  population?: PopulationKnowledge;
  /** Targets and ground truth for linkage, when the trial gives --original or --auxiliary. */
  linkage?: LinkageInputs;
  /**
   * Relational trials: the person-level view (per-patient code sets and dated event sequences on
   * shared memory; src/relational/person-view.ts). Person row i of each side is row i of that side's
   * encoded table (release, original).
   */
  persons?: PersonView;
  /** The auxiliary (attacker) table, encoded with the release's dictionaries. */
  auxiliary?: EncodedTable;
  /** Per-attack options by attack id (--option attack.key=value, trial `options:`). */
  options?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /**
   * Wildcard semantics (--wildcard): when true, a QI code equal to `WILDCARD` (-2) matches any value,
   * as in ARX; when false (the default) suppressed tokens were encoded as ordinary values.
   */
  wildcard: boolean;
  /**
   * Where counting runs (src/engine). Attacks that declare `engine` operations count through it; when
   * absent they use the local engine over `release`. On engines other than local, `release` holds no
   * columns (only its row count): only attacks declaring engine operations run there.
   */
  engine?: Engine;
  /**
   * The trial's engine holding a relational trial's event tables, when the attack runs on rows
   * fetched from it (`engine` is then a local engine over those rows): linkage's sparse method
   * counts through it (`sparseScores`). Unset on the local engine, and when the fetched rows are a
   * blocked sample (their row numbers are not the engine's).
   */
  eventEngine?: Engine;
  /** Declared randomization of release columns (QIs or sensitive attributes), by column name. */
  randomization?: ReadonlyMap<string, Channel>;
  /**
   * Whether per-record outputs are wanted (absent means true). When false (--no-record-risk), attacks return
   * no `perRecord` arrays and ask the engine for aggregates only (no per-row class sizes): at 10^8 rows the
   * arrays and record-risk.csv cost more than the counting. Metrics must not depend on it.
   */
  recordRisk?: boolean;
}

/** A metric as an attack returns it. Exact figures have ci95 null. */
export interface MetricOut {
  value: number;
  ci95: [number, number] | null;
  n?: number;
}

/** A histogram as an attack returns it. */
export interface HistogramOut {
  label: string;
  bins: string[];
  classes: number[];
  records: number[];
}

/** A table for the report (column names and counts only, never record values). */
export interface TableOut {
  title: string;
  note?: string;
  columns: string[];
  rows: Array<Array<string | number>>;
}

/** A curve for the report (see ReportSeries in src/report/model.ts): aggregates only. */
export interface SeriesOut {
  id: string;
  title: string;
  x: { label: string; scale?: 'linear' | 'log' };
  y: { label: string; scale?: 'linear' | 'log' };
  mark?: 'line' | 'step' | 'bar' | 'point';
  points: Array<{ x: number; y: number; group?: string; lo?: number; hi?: number }>;
  note?: string;
}

/** What `run` returns. */
export interface AttackOutcome {
  metrics: Record<string, MetricOut>;
  /** Per-record measures for record-risk.csv (one value per release row; no raw values). */
  perRecord?: Record<string, Int32Array | Float64Array>;
  /**
   * Per-target outcomes, written to OUT/<attack id>-targets.csv: `targetRow` (0-based row of the
   * targets' table) then the given numeric columns (e.g. linked 0/1, correct 0/1, confidence).
   */
  perTarget?: { rows: Int32Array; columns: Record<string, Int32Array | Float64Array> };
  histograms?: HistogramOut[];
  tables?: TableOut[];
  /** Curves to draw (ROC, precision–coverage, uniqueness by m). */
  series?: SeriesOut[];
  details?: Record<string, unknown>;
  warnings?: string[];
  /** Method note for the report (semantics, approximations). */
  method?: string;
}

/** An attack descriptor (house style 1). */
export interface Attack {
  id: string;
  title: string;
  /** One plain-language sentence of what it shows. */
  summary: string;
  references: readonly string[];
  /** Metric name → one-line plain explanation. Policies may only check metrics listed here. */
  metrics: Readonly<Record<string, string>>;
  /** null when the inputs allow the attack, else the reason it must be skipped. */
  needs(inputs: AvailableInputs): string | null;
  /**
   * Engine operations this attack counts through (src/engine/types.ts). An attack that declares none
   * reads the encoded columns directly and runs on the local engine only.
   */
  engine?: readonly EngineOp[];
  /**
   * null when this attack, with these inputs and options, counts wholly through engine `engine`'s
   * operations; else why not (e.g. knowledge joined on the local engine only, linkage methods not
   * pushed down). Called for engines other than local once the attack's `engine` operations are
   * answered; an attack skipped for it whose inputs were given fails the verdict closed.
   * @param inputs - what the trial gives
   * @param engine - the engine's name
   * @param options - the attack's options (`--option ID.KEY=VALUE`)
   */
  engineNeeds?(
    inputs: AvailableInputs,
    engine: EngineName,
    options?: Readonly<Record<string, unknown>>,
  ): string | null;
  /**
   * The attack reads encoded columns (its kernels do not reduce to SQL). When an engine other than
   * local cannot run it through its `engine` operations but answers 'fetchRows', the run fetches the
   * rows it needs as local tables (src/engine/fetch-local.ts: every row under `--option ID.fetchRows`,
   * else, for linkage, a blocked candidate sample that the report declares approximate) and runs it on them.
   */
  fetchable?: boolean;
  run(ctx: AttackContext): Promise<AttackOutcome>;
}
