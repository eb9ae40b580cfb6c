/**
 * @module report/model — the report object (the contract of OUT/report.json) and its zod schema.
 *
 * One object describes a whole trial; every writer in reports/ renders this object and nothing else.
 * `validateReport` runs before anything is written, so a malformed report can never reach disk.
 */
import { z } from 'zod';
import { ENGINE_NAMES } from '../engine/types.js';
import { ReidgateError } from '../errors.js';

/** A 95% interval [lower, upper], or null when the metric is exact (a count on the release itself). */
export const Interval = z.tuple([z.number(), z.number()]).nullable();

/** One metric of one attack, with its policy check when the policy has one. */
export const Metric = z.object({
  value: z.number(),
  ci95: Interval,
  /** Sample size behind a rate, when it is a rate. */
  n: z.number().int().nonnegative().optional(),
  /** The policy threshold, or null when the policy does not check this metric. */
  threshold: z.number().nullable(),
  /** '<=' means the value (or its interval's upper end) must not exceed the threshold. */
  op: z.enum(['<=', '>=']).nullable().optional(),
  /** true/false when checked, null when not checked. */
  passed: z.boolean().nullable(),
  /** One plain-language line. */
  explain: z.string().optional(),
});
export type Metric = z.infer<typeof Metric>;

export const Histogram = z.object({
  /** e.g. "class size" */
  label: z.string(),
  /** Bin labels ("1", "2", …, "10+") */
  bins: z.array(z.string()),
  /** Counts of classes per bin */
  classes: z.array(z.number().int().nonnegative()),
  /** Counts of records per bin */
  records: z.array(z.number().int().nonnegative()),
});
export type Histogram = z.infer<typeof Histogram>;

/** A small table an attack wants shown (e.g. risk by QI combination). Column names and counts only: no record values. */
export const ReportTable = z.object({
  title: z.string(),
  note: z.string().optional(),
  columns: z.array(z.string()),
  rows: z.array(z.array(z.union([z.string(), z.number()]))),
});
export type ReportTable = z.infer<typeof ReportTable>;

/**
 * A curve an attack wants drawn: a ROC, a precision–coverage curve, uniqueness by m. Aggregates only,
 * never record values. The HTML report draws each as an inline SVG chart; other writers may list it.
 */
export const ReportSeries = z.object({
  /** Stable id within the attack, e.g. "roc", "precision-coverage", "unique-by-m". */
  id: z.string(),
  title: z.string(),
  x: z.object({ label: z.string(), scale: z.enum(['linear', 'log']).default('linear') }),
  y: z.object({ label: z.string(), scale: z.enum(['linear', 'log']).default('linear') }),
  /** line: connected points; step: a step function (ROC); bar: one bar per x; point: a scatter. */
  mark: z.enum(['line', 'step', 'bar', 'point']).default('line'),
  /** One line per group (e.g. per score or per method); lo/hi an interval band when known. */
  points: z.array(
    z.object({
      x: z.number(),
      y: z.number(),
      group: z.string().optional(),
      lo: z.number().optional(),
      hi: z.number().optional(),
    }),
  ),
  note: z.string().optional(),
});
export type ReportSeries = z.infer<typeof ReportSeries>;

export const AttackResult = z.object({
  id: z.string(),
  title: z.string(),
  /** One plain-language sentence of what the attack shows (from its descriptor). */
  summary: z.string().optional(),
  status: z.enum(['ok', 'skipped', 'error']),
  verdict: z.enum(['pass', 'fail', 'none']),
  seconds: z.number().nonnegative(),
  /** Why it was skipped or what error it hit (no raw values). */
  reason: z.string().optional(),
  metrics: z.record(z.string(), Metric),
  /** Method notes: approximations, semantics used (e.g. how suppressed values are treated). */
  method: z.string().optional(),
  references: z.array(z.string()).default([]),
  details: z.record(z.string(), z.unknown()).default({}),
  histograms: z.array(Histogram).default([]),
  tables: z.array(ReportTable).default([]),
  series: z.array(ReportSeries).default([]),
  warnings: z.array(z.string()).default([]),
});
export type AttackResult = z.infer<typeof AttackResult>;

export const InputInfo = z.object({
  path: z.string(),
  sha256: z.string(),
  rows: z.number().int().nonnegative(),
  columns: z.array(z.string()),
  format: z.string().optional(),
  bytes: z.number().int().nonnegative().optional(),
});
export type InputInfo = z.infer<typeof InputInfo>;

/** One policy check as evaluated (also one JUnit test case). */
export const Check = z.object({
  /** `attack.metric`, or `attack` for a required-attack check. */
  id: z.string(),
  attack: z.string(),
  metric: z.string().nullable(),
  op: z.enum(['<=', '>=']).nullable(),
  threshold: z.number().nullable(),
  value: z.number().nullable(),
  /** The number compared with the threshold: the value, or the interval's pessimistic end. */
  compared: z.number().nullable(),
  passed: z.boolean(),
  /** Why the check passed or failed, in one line. */
  message: z.string(),
  source: z.string().optional(),
});
export type Check = z.infer<typeof Check>;

export const Report = z.object({
  schemaVersion: z.literal(1),
  tool: z.object({ name: z.literal('reidgate'), version: z.string() }),
  verdict: z.enum(['pass', 'fail', 'error']),
  /** One line: why the verdict is what it is. */
  summary: z.string(),
  seed: z.number().int(),
  createdAt: z.string(),
  trial: z.object({
    name: z.string().optional(),
    qi: z.array(z.string()),
    sensitive: z.array(z.string()).default([]),
    attacks: z.array(z.string()),
    workers: z.number().int().positive(),
    /** Where the counting ran: local (Arrow + worker pool), duckdb (embedded DuckDB) or clickhouse (a cluster). */
    engine: z.enum(ENGINE_NAMES).optional(),
    /** The engine's version and settings (never credentials). */
    engineInfo: z.string().optional(),
    /** false when per-record output was turned off (--no-record-risk): no record-risk.csv. */
    recordRisk: z.boolean().optional(),
    /** How suppressed/missing values were treated, stated for the reader. */
    missingSemantics: z.string(),
  }),
  policy: z.object({
    name: z.string(),
    description: z.string(),
    recordThreshold: z.number(),
    sources: z.array(z.string()).default([]),
  }),
  inputs: z.record(z.string(), InputInfo),
  attacks: z.array(AttackResult),
  checks: z.array(Check),
  warnings: z.array(z.string()).default([]),
  /** true only when the user asked for raw values in the report (--include-examples). */
  containsRecordValues: z.boolean().default(false),
  /**
   * Record values shown as examples (e.g. the released QI values of the riskiest groups). Empty unless
   * `containsRecordValues` is true (--include-examples); `validateReport` refuses examples without it.
   */
  examples: z.array(ReportTable).default([]),
});
export type Report = z.infer<typeof Report>;
export type ReportInput = z.input<typeof Report>;

/**
 * Validates a report against the schema before it is written.
 * @throws ReidgateError('INTERNAL') naming the first offending path, or when it holds examples without
 *   `containsRecordValues`.
 */
export function validateReport(report: unknown): Report {
  const r = Report.safeParse(report);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new ReidgateError(
      'INTERNAL',
      `report.json failed its schema at ${first?.path.join('.')}: ${first?.message}`,
    );
  }
  if (r.data.examples.length > 0 && !r.data.containsRecordValues) {
    throw new ReidgateError('INTERNAL', 'report.json holds examples but containsRecordValues is false');
  }
  return r.data;
}

/** The JSON Schema of report.json (committed as schemas/report.schema.json). */
export function reportJsonSchema(): unknown {
  return z.toJSONSchema(Report, { io: 'input' });
}
