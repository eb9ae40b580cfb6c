/**
 * @module evidence/manifest — `OUT/manifest.json`, the evidence bundle's index: what was run (the trial as
 * resolved, every default filled), on exactly which bytes (SHA-256 of every input and output file), with which
 * seed, tool version, Node version and platform, each attack's parameters and timings, and the resulting
 * numbers (every metric's value and interval), so that `reidgate verify` can re-hash and `reidgate replay` can
 * re-run and compare.
 *
 * A manifest holds paths, column names, hashes, options and aggregate numbers: never a record value.
 * Its zod schema is {@link Manifest}; the JSON Schema is committed as `schemas/manifest.schema.json`.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { z } from 'zod';
import { outputError, writeAtomic } from '../../reports/atomic.js';
import { inputFile, isClickHouseUri } from '../engine/paths.js';
import { ENGINE_NAMES } from '../engine/types.js';
import { q, ReidgateError } from '../errors.js';
import { CODE_SYSTEMS } from '../relational/codes.js';
import type { Report } from '../report/model.js';
import { ColumnKind, RandomizationEntry, REPORT_FORMATS, REPORT_LANGS, type Trial } from '../trial/schema.js';
import { VERSION } from '../version.js';

/** The manifest's file name inside the output directory. */
export const MANIFEST_FILE = 'manifest.json';
/** The detached signature's file name inside the output directory. */
export const SIGNATURE_FILE = 'manifest.sig';

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

const QiSpecSchema = z
  .object({ name: z.string(), kind: ColumnKind, hierarchy: z.string().optional() })
  .strict();

/** The resolved trial (src/trial/schema.ts `Trial`): paths absolute, every default filled. */
export const ResolvedTrial = z
  .object({
    name: z.string().optional(),
    file: z.string().optional(),
    release: z.string(),
    original: z.string().optional(),
    control: z.string().optional(),
    auxiliary: z.string().optional(),
    qi: z.array(QiSpecSchema),
    sensitive: z.array(QiSpecSchema),
    id: z.string().optional(),
    aligned: z.boolean(),
    attacks: z.array(z.string()).optional(),
    policy: z.string().optional(),
    preset: z.string().optional(),
    seed: z.number().int().nonnegative(),
    workers: z.number().int().positive(),
    targets: z.number().int().positive().optional(),
    out: z.string(),
    format: z.array(z.enum(REPORT_FORMATS)),
    missing: z.array(z.string()).optional(),
    delimiter: z.string().optional(),
    population: z.number().int().positive().optional(),
    samplingFraction: z.number().optional(),
    populationTable: z.string().optional(),
    weights: z.string().optional(),
    wildcard: z.array(z.string()),
    suda: z
      .object({
        maxMsuSize: z.number().int().optional(),
        disFraction: z.number().optional(),
        maxMsus: z.number().int().optional(),
      })
      .strict()
      .optional(),
    options: z
      .record(z.string(), z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])))
      .optional(),
    lang: z.enum(REPORT_LANGS).optional(),
    includeExamples: z.boolean().optional(),
    engine: z.enum(ENGINE_NAMES).optional(),
    memoryLimit: z.string().optional(),
    recordRisk: z.boolean().optional(),
    /** ClickHouse server URLs (credentials are never part of them) and the credentials file's path. */
    clickhouseUrl: z.string().optional(),
    clickhouseConfig: z.string().optional(),
    randomization: z.record(z.string(), RandomizationEntry).optional(),
    key: z.string().optional(),
    events: z
      .array(
        z
          .object({
            name: z.string(),
            release: z.string(),
            original: z.string().optional(),
            key: z.string().optional(),
            code: z.string().optional(),
            date: z.string().optional(),
            codeSystem: z.enum(CODE_SYSTEMS),
            codeTruncation: z.number().int().optional(),
            datePrecision: z.enum(['day', 'month', 'year']).optional(),
            dateShift: z.number(),
            values: z.array(
              z.object({ name: z.string(), min: z.number().optional(), max: z.number().optional() }).strict(),
            ),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();

/** One hashed file. */
export const HashedFile = z.object({
  /** Inputs: the role (`release`, `policy`, `trial`, `hierarchy:age`, …); outputs: absent. */
  role: z.string().optional(),
  /** Inputs: the absolute path read; outputs: the file name inside the output directory. */
  path: z.string(),
  /** Inputs: the path relative to the output directory (to find moved bundles). */
  relative: z.string().optional(),
  sha256: Sha256,
  bytes: z.number().int().nonnegative(),
});
export type HashedFile = z.infer<typeof HashedFile>;

/** A metric's numbers as they were reported. */
export const ManifestMetric = z.object({
  value: z.number(),
  ci95: z.tuple([z.number(), z.number()]).nullable(),
});

export const Manifest = z
  .object({
    schemaVersion: z.literal(1),
    kind: z.literal('reidgate-manifest'),
    tool: z.object({ name: z.literal('reidgate'), version: z.string() }),
    runtime: z.object({ node: z.string(), platform: z.string(), arch: z.string() }),
    createdAt: z.string(),
    seed: z.number().int().nonnegative(),
    trial: ResolvedTrial,
    /** The policy as resolved (preset name or file), its record threshold. */
    policy: z.object({ name: z.string(), recordThreshold: z.number() }),
    inputs: z.array(HashedFile),
    outputs: z.array(HashedFile),
    /** Per planned attack: status, derived seed, options as given, seconds. */
    attacks: z.array(
      z.object({
        id: z.string(),
        status: z.enum(['ok', 'skipped', 'error']),
        seed: z.number().int(),
        options: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
        seconds: z.number().nonnegative(),
      }),
    ),
    timings: z.object({
      loadSeconds: z.number().nonnegative(),
      attacksSeconds: z.number().nonnegative(),
      writeSeconds: z.number().nonnegative(),
      totalSeconds: z.number().nonnegative(),
    }),
    /** The numbers replay must reproduce: the verdict and every metric (`attack.metric`). */
    results: z.object({
      verdict: z.enum(['pass', 'fail', 'error']),
      metrics: z.record(z.string(), ManifestMetric),
    }),
  })
  .strict();
export type Manifest = z.infer<typeof Manifest>;

// The manifest's trial schema and the Trial type must describe the same object: exactly the same keys
// (optional ones included, which plain assignability would not catch) and assignable both ways.
type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never]
  ? true
  : { onlyInFirst: Exclude<keyof A, keyof B>; onlyInSecond: Exclude<keyof B, keyof A> };
const _trialKeys: SameKeys<z.infer<typeof ResolvedTrial>, Trial> = true;
const _trialMatches: z.infer<typeof ResolvedTrial> = {} as Trial;
const _trialMatchesBack: Trial = {} as z.infer<typeof ResolvedTrial>;
void _trialKeys;
void _trialMatches;
void _trialMatchesBack;

/** The JSON Schema of manifest.json (committed as schemas/manifest.schema.json). */
export function manifestJsonSchema(): unknown {
  return z.toJSONSchema(Manifest, { io: 'input' });
}

/**
 * SHA-256 and size of a file, streamed.
 * @param path - the file
 * @returns hex digest and byte count
 * @throws the file system's error when it cannot be read
 */
export async function hashFile(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/**
 * Every input file of a trial, by role: the data files, the population table, the policy file, the trial file
 * and the hierarchy files.
 * @param trial - the resolved trial
 * @returns role and absolute path of each
 */
export function trialInputFiles(trial: Trial): Array<{ role: string; path: string }> {
  const out: Array<{ role: string; path: string }> = [];
  // A table inside a database file (`data.duckdb#table`) is hashed as its file.
  const add = (role: string, path: string | undefined) => {
    // A ClickHouse table (`clickhouse://…`) is not a file: it is named in the report, not hashed.
    if (path && !isClickHouseUri(path)) out.push({ role, path: inputFile(path) });
  };
  add('release', trial.release);
  add('original', trial.original);
  add('control', trial.control);
  add('auxiliary', trial.auxiliary);
  add('populationTable', trial.populationTable);
  add('policy', trial.policy);
  add('trial', trial.file);
  for (const x of trial.qi) add(`hierarchy:${x.name}`, x.hierarchy);
  for (const e of trial.events ?? []) {
    add(`events.${e.name}.release`, e.release);
    add(`events.${e.name}.original`, e.original);
  }
  return out;
}

/** What the run knows when it writes the manifest. */
export interface ManifestInput {
  trial: Trial;
  report: Report;
  /** Input hashes already computed while loading (by absolute path). */
  knownHashes: ReadonlyMap<string, { sha256: string; bytes: number }>;
  /** Output files written (absolute paths inside trial.out). */
  written: readonly string[];
  /** Per planned attack: its derived seed. */
  seeds: Readonly<Record<string, number>>;
  timings: Manifest['timings'];
}

/**
 * The numbers of a report that replay must reproduce.
 * @param report - a report
 * @returns the verdict and every metric of every attack that ran, by `attack.metric`
 */
export function resultsOf(report: Report): Manifest['results'] {
  const metrics: Manifest['results']['metrics'] = {};
  for (const a of report.attacks) {
    for (const [k, m] of Object.entries(a.metrics))
      metrics[`${a.id}.${k}`] = { value: m.value, ci95: m.ci95 };
  }
  return { verdict: report.verdict, metrics };
}

/**
 * Builds the manifest of a finished run.
 * @param m - the run's trial, report, files and timings
 * @returns the manifest (validated)
 * @throws the file system's error when an input or output cannot be re-read for hashing
 */
export async function buildManifest(m: ManifestInput): Promise<Manifest> {
  const { trial, report } = m;
  const inputs: HashedFile[] = [];
  for (const { role, path } of trialInputFiles(trial)) {
    const h = m.knownHashes.get(path) ?? (await hashFile(path));
    inputs.push({ role, path, relative: relative(trial.out, path), ...h });
  }
  const outputs: HashedFile[] = [];
  for (const path of m.written) outputs.push({ path: basename(path), ...(await hashFile(path)) });
  const manifest: Manifest = {
    schemaVersion: 1,
    kind: 'reidgate-manifest',
    tool: { name: 'reidgate', version: VERSION },
    runtime: { node: process.version, platform: process.platform, arch: process.arch },
    createdAt: report.createdAt,
    seed: trial.seed,
    trial: structuredClone(trial),
    policy: { name: report.policy.name, recordThreshold: report.policy.recordThreshold },
    inputs,
    outputs,
    attacks: report.attacks.map((a) => ({
      id: a.id,
      status: a.status,
      seed: m.seeds[a.id] ?? 0,
      options: { ...(trial.options?.[a.id] ?? {}), ...(a.id === 'suda' ? (trial.suda ?? {}) : {}) },
      seconds: a.seconds,
    })),
    timings: m.timings,
    results: resultsOf(report),
  };
  return Manifest.parse(manifest);
}

/**
 * Writes `OUT/manifest.json` atomically.
 * @param out - the output directory
 * @param manifest - the manifest
 * @returns the path written
 */
export async function writeManifest(out: string, manifest: Manifest): Promise<string> {
  const path = join(out, MANIFEST_FILE);
  try {
    await writeAtomic(path, `${JSON.stringify(manifest, null, 2)}\n`);
  } catch (e) {
    throw outputError(path, e);
  }
  return path;
}

/**
 * Reads and validates a manifest.
 * @param path - manifest.json, or the output directory holding it
 * @returns the manifest, its exact bytes (what a signature covers) and its path
 * @throws ReidgateError('INPUT_NOT_FOUND') when unreadable, ('INPUT_PARSE') when not a valid manifest
 */
export async function readManifest(
  path: string,
): Promise<{ manifest: Manifest; bytes: Buffer; path: string }> {
  let file = path;
  let bytes: Buffer;
  try {
    if ((await stat(path)).isDirectory()) file = join(path, MANIFEST_FILE);
    bytes = await readFile(file);
  } catch {
    throw new ReidgateError(
      'INPUT_NOT_FOUND',
      `manifest ${q(file, 200)}: cannot read it (missing or not permitted)`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new ReidgateError('INPUT_PARSE', `manifest ${q(file, 200)}: not JSON (${(e as Error).message})`);
  }
  const r = Manifest.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new ReidgateError(
      'INPUT_PARSE',
      `manifest ${q(file, 200)}: not a reidgate manifest (${i.path.join('.') || 'manifest'}: ${i.message})`,
    );
  }
  return { manifest: r.data, bytes, path: file };
}
