/**
 * @module trial/schema — the trial file (YAML or JSON) and the resolved Trial.
 *
 * ```yaml
 * name: Adult, k=5
 * release: ../adult/adult_k5_release.csv    # paths are relative to the trial file
 * qi: [age, sex, {name: education, kind: categorical}]
 * sensitive: [salary-class]
 * preset: controlled                        # or policy: my-policy.yaml
 * seed: 1
 * randomization:                            # how release columns were randomized, when declared
 *   sex: { method: pram, matrix: pram-sex.csv }
 *   smoker: { method: randomized-response, keep: 0.7 }
 *   income: { method: laplace, scale: 500 }
 * ```
 * A relational trial adds a person key and event tables (see EventTableEntry and README):
 * ```yaml
 * release: release/patients.csv
 * original: original/patients.csv
 * key: pid
 * events:
 *   - { name: diagnoses, release: release/diagnoses.csv, original: original/diagnoses.csv,
 *       code: icd10, date: date, codeSystem: icd10, codeTruncation: 3, datePrecision: month }
 * ```
 * Command-line flags override the file's fields.
 */
import { z } from 'zod';
import { ENGINE_NAMES, type EngineName } from '../engine/types.js';
import { CODE_SYSTEMS } from '../relational/codes.js';
import type { EventTableSpec } from '../relational/load.js';

export const ColumnKind = z.enum(['categorical', 'numeric', 'date']);

export const QiEntry = z.union([
  z.string().min(1),
  z
    .object({
      name: z.string().min(1),
      kind: ColumnKind.default('categorical'),
      /** ARX-style generalization hierarchy (CSV, `;`-separated, no header: value;level1;…;*). */
      hierarchy: z.string().min(1).optional(),
    })
    .strict(),
]);

/**
 * How one column of the release was randomized (the channel from an original value to a released
 * one), when the data holder declares it:
 * - `pram`: a transition matrix, rows = original category, columns = released category, each row a
 *   probability distribution; a CSV file (first row: a corner label then the released categories;
 *   each further row: an original category then its probabilities) or inline as
 *   `{ original: { released: p, … }, … }`.
 * - `randomized-response`: `keep: p` (the true category with probability p, else a uniformly random
 *   one of the K categories, possibly the true one) or `flip: f` (a uniformly random *other* category
 *   with probability f); K is the number of `categories` when given, else of values seen in the inputs.
 * - `laplace` / `gaussian`: zero-mean noise added to a numeric column, `scale` = b (Laplace density
 *   e^{-|z|/b}/2b) or σ (Gaussian standard deviation).
 */
export const RandomizationEntry = z.discriminatedUnion('method', [
  z
    .object({
      method: z.literal('pram'),
      matrix: z.union([
        z.string().min(1),
        z.record(z.string(), z.record(z.string(), z.number().min(0).max(1))),
      ]),
    })
    .strict(),
  z
    .object({
      method: z.literal('randomized-response'),
      keep: z.number().min(0).max(1).optional(),
      flip: z.number().min(0).max(1).optional(),
      categories: z.array(z.string()).min(2).optional(),
    })
    .strict()
    .refine((r) => (r.keep === undefined) !== (r.flip === undefined), {
      message: 'give exactly one of keep or flip',
    }),
  z.object({ method: z.literal('laplace'), scale: z.number().positive() }).strict(),
  z.object({ method: z.literal('gaussian'), scale: z.number().positive() }).strict(),
]);
export type RandomizationEntry = z.infer<typeof RandomizationEntry>;
/** An event table of a relational trial (many rows per patient, joined by the person key). */
export const EventTableEntry = z
  .object({
    /** Short name used in reports and option values (letters, digits, `_`, `-`). */
    name: z.string().regex(/^[A-Za-z0-9_-]+$/, 'use letters, digits, _ and -'),
    release: z.string().min(1),
    original: z.string().min(1).optional(),
    /** The person key column of this table when it differs from the trial's `key` (Synthea: `Id` vs `PATIENT`). */
    key: z.string().min(1).optional(),
    /** The column holding the code (ICD-10, drug code, …); a table without one (checkups) only carries values. */
    code: z.string().min(1).optional(),
    /** The column holding the event date, if any. */
    date: z.string().min(1).optional(),
    /** Validate codes against a system (default any: no validation). */
    codeSystem: z.enum(CODE_SYSTEMS).default('any'),
    /** Release codes were truncated to this many characters (ICD-10 without its dot); original codes are truncated alike. */
    codeTruncation: z.number().int().positive().optional(),
    /** Precision of the release's dates (default: inferred from the release); original dates are coarsened alike. */
    datePrecision: z.enum(['day', 'month', 'year']).optional(),
    /** Declared maximum shift of release dates, in days (default 0). */
    dateShift: z.number().int().nonnegative().default(0),
    /** Numeric value columns (checkup results), with optional plausible bounds for rare extreme values. */
    values: z
      .array(
        z.union([
          z.string().min(1),
          z
            .object({ name: z.string().min(1), min: z.number().optional(), max: z.number().optional() })
            .strict(),
        ]),
      )
      .default([]),
  })
  .strict();

export const REPORT_FORMATS = ['json', 'md', 'html', 'junit'] as const;

/** A memory size as DuckDB reads it: a number and a unit (`2GB`, `512MiB`, `1.5 GB`). */
export const MEMORY_LIMIT = /^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;
/** Languages of the HTML and Markdown report labels. */
export const REPORT_LANGS = ['en', 'ja'] as const;

/** The trial file as written by users. */
export const TrialFile = z
  .object({
    name: z.string().optional(),
    release: z.string().min(1).optional(),
    original: z.string().min(1).optional(),
    control: z.string().min(1).optional(),
    auxiliary: z.string().min(1).optional(),
    qi: z.array(QiEntry).optional(),
    sensitive: z.array(QiEntry).optional(),
    id: z.string().min(1).optional(),
    /** Relational trials: the person key column of the person tables (release, original) and of every event table. */
    key: z.string().min(1).optional(),
    /** Relational trials: event tables joined to the person table by `key`. */
    events: z.array(EventTableEntry).min(1).optional(),
    aligned: z.boolean().optional(),
    attacks: z.array(z.string().min(1)).optional(),
    policy: z.string().min(1).optional(),
    preset: z.string().min(1).optional(),
    seed: z.number().int().nonnegative().optional(),
    workers: z.number().int().positive().optional(),
    targets: z.number().int().positive().optional(),
    out: z.string().min(1).optional(),
    format: z.array(z.enum(REPORT_FORMATS)).min(1).optional(),
    /** Language of the HTML and Markdown report labels (default en). */
    lang: z.enum(REPORT_LANGS).optional(),
    /**
     * Put record values into the report: the released QI values of the riskiest groups (default false). The
     * report then says so on its banner; without this, no output holds a record value.
     */
    includeExamples: z.boolean().optional(),
    /** Tokens read as missing in CSV inputs (default: empty, NA, ?, null). */
    missing: z.array(z.string()).optional(),
    /** Force the CSV delimiter instead of sniffing it. */
    delimiter: z.enum([',', ';', '\t', '|']).optional(),
    /** Population size N the release was sampled from. */
    population: z.number().int().positive().optional(),
    /** Sampling fraction n / N, in (0, 1]. */
    samplingFraction: z.number().gt(0).lte(1).optional(),
    /** A reference population table with the QI columns (and optionally a `count` column). */
    populationTable: z.string().min(1).optional(),
    /** A release column of sampling weights. */
    weights: z.string().min(1).optional(),
    /** Suppressed tokens that match any value (ARX's wildcard model), e.g. ["*"]. */
    wildcard: z.array(z.string().min(1)).optional(),
    /** Where counting runs: local (default), duckdb (embedded, out-of-core) or clickhouse (a cluster). */
    engine: z.enum(ENGINE_NAMES).optional(),
    /** Engine memory limit, e.g. `2GB` or `512MiB` (duckdb: memory_limit; clickhouse: max_memory_usage). */
    memoryLimit: z.string().regex(MEMORY_LIMIT).optional(),
    /**
     * Per-record output (default true): record-risk.csv, one line per release row. `false` (--no-record-risk):
     * attacks are asked for aggregates only (no per-row arrays from the engine) and record-risk.csv is not
     * written; the report says so. Metrics do not change.
     */
    recordRisk: z.boolean().optional(),
    /** ClickHouse shard HTTP URLs, comma-separated, the coordinator first (--engine clickhouse). */
    clickhouseUrl: z.string().min(1).optional(),
    /** A YAML/JSON file with the ClickHouse `user` and `password` (--engine clickhouse). */
    clickhouseConfig: z.string().min(1).optional(),
    /** Per-attack options, e.g. `{ singling-out: { n: 5000, mode: multivariate }, suda: { maxMsuSize: 4 } }`. */
    options: z
      .record(z.string(), z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])))
      .optional(),
    /** Declared randomization of release columns, by column name (PRAM, randomized response, noise). */
    randomization: z.record(z.string().min(1), RandomizationEntry).optional(),
    /** SUDA parameters (same as options.suda). */
    suda: z
      .object({
        maxMsuSize: z.number().int().positive().optional(),
        disFraction: z.number().gt(0).lte(1).optional(),
        maxMsus: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type TrialFile = z.infer<typeof TrialFile>;

/** A quasi-identifier with its kind. */
export interface QiSpec {
  name: string;
  kind: z.infer<typeof ColumnKind>;
  /** Absolute path of its generalization hierarchy, when given. */
  hierarchy?: string;
}

/** A fully resolved trial: every default filled, paths absolute. */
export interface Trial {
  name?: string;
  /** Where the trial file was, when there was one. */
  file?: string;
  release: string;
  original?: string;
  control?: string;
  auxiliary?: string;
  qi: QiSpec[];
  sensitive: QiSpec[];
  id?: string;
  /** Person key of a relational trial (ground truth only, never a feature). */
  key?: string;
  /** Event tables of a relational trial (paths absolute). */
  events?: EventTableSpec[];
  aligned: boolean;
  /** Attacks asked for by name; undefined = every attack the inputs allow. */
  attacks?: string[];
  policy?: string;
  preset?: string;
  seed: number;
  workers: number;
  targets?: number;
  out: string;
  format: Array<(typeof REPORT_FORMATS)[number]>;
  /** Report label language (resolveTrial fills it; absent means en). */
  lang?: (typeof REPORT_LANGS)[number];
  /** --include-examples: record values may enter the report (absent means false). */
  includeExamples?: boolean;
  missing?: string[];
  delimiter?: string;
  population?: number;
  samplingFraction?: number;
  populationTable?: string;
  weights?: string;
  /** Wildcard tokens; empty = suppressed tokens are ordinary values. */
  wildcard: string[];
  suda?: { maxMsuSize?: number; disFraction?: number; maxMsus?: number };
  /** Where counting runs (undefined = local). */
  engine?: EngineName;
  /** Engine memory limit (--engine duckdb or clickhouse). */
  memoryLimit?: string;
  /** Per-record output: record-risk.csv and per-row arrays (absent means true; false = --no-record-risk). */
  recordRisk?: boolean;
  /** ClickHouse shard HTTP URLs, comma-separated (--engine clickhouse). */
  clickhouseUrl?: string;
  /** ClickHouse credentials file, absolute (--engine clickhouse); its contents are never copied. */
  clickhouseConfig?: string;
  /** Declared randomization by column (PRAM matrix file paths made absolute). */
  randomization?: Record<string, RandomizationEntry>;
  /** Per-attack options by attack id (validated against the registry when the run starts). */
  options?: Record<string, Record<string, string | number | boolean>>;
}

/** JSON Schema of the trial file (committed as schemas/trial.schema.json). */
export function trialJsonSchema(): unknown {
  return z.toJSONSchema(TrialFile, { io: 'input' });
}
