/**
 * @module trial/resolve — trial file + command-line flags → a validated Trial.
 *
 * Flags are parsed here, at the boundary, into typed values; every message names the flag and
 * echoes the value.
 */
import { readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import YAML from 'yaml';
import { isClickHouseUri } from '../engine/paths.js';
import { ENGINE_NAMES, type EngineName } from '../engine/types.js';
import { q, ReidgateError } from '../errors.js';
import type { EventTableSpec } from '../relational/load.js';
import {
  ColumnKind,
  MEMORY_LIMIT,
  type QiSpec,
  REPORT_FORMATS,
  REPORT_LANGS,
  type Trial,
  TrialFile,
} from './schema.js';

/** Flags of `reidgate run` as commander hands them over (strings, unparsed). */
export interface RunFlags {
  release?: string;
  original?: string;
  control?: string;
  auxiliary?: string;
  qi?: string;
  sensitive?: string;
  id?: string;
  key?: string;
  aligned?: boolean;
  attacks?: string;
  policy?: string;
  preset?: string;
  seed?: string;
  workers?: string;
  targets?: string;
  out?: string;
  format?: string;
  lang?: string;
  includeExamples?: boolean;
  missing?: string;
  delimiter?: string;
  population?: string;
  samplingFraction?: string;
  populationTable?: string;
  weights?: string;
  wildcard?: string;
  sudaMaxSize?: string;
  hierarchy?: string;
  engine?: string;
  memoryLimit?: string;
  /** false for --no-record-risk (absent: the trial file's `recordRisk`, else true). */
  recordRisk?: boolean;
  clickhouseUrl?: string;
  clickhouseConfig?: string;
  /** Repeated `--option attack.key=value`. */
  option?: string[];
}

/** Splits a comma-separated flag value, dropping empty items. */
export function splitList(s: string): string[] {
  return s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0);
}

/**
 * Parses a whole-number flag.
 * @throws ReidgateError('USAGE') naming the flag when the value is not an integer within [min, max]
 */
export function parseIntFlag(
  flag: string,
  value: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const t = value.trim();
  if (!/^[+-]?\d+$/.test(t)) throw new ReidgateError('USAGE', `${flag} ${q(value)}: expected a whole number`);
  const n = Number(t);
  if (n < min || n > max) {
    throw new ReidgateError(
      'USAGE',
      `${flag} ${q(value)}: must be between ${min} and ${max === Number.MAX_SAFE_INTEGER ? '∞' : max}`,
    );
  }
  return n;
}

/**
 * Parses a fraction flag in (0, 1].
 * @throws ReidgateError('USAGE') naming the flag when the value is not a number in (0, 1]
 */
export function parseFraction(flag: string, value: string): number {
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n))
    throw new ReidgateError('USAGE', `${flag} ${q(value)}: expected a number`);
  if (!(n > 0 && n <= 1)) throw new ReidgateError('USAGE', `${flag} ${q(value)}: must lie in (0, 1]`);
  return n;
}

/** A flag or file value as the attack option it means: numbers and booleans parsed. */
function optionValue(v: string): string | number | boolean {
  if (v === 'true' || v === 'false') return v === 'true';
  const n = Number(v);
  return v.trim() !== '' && Number.isFinite(n) ? n : v;
}

/**
 * Merges `--option attack.key=value` flags over the trial file's `options`.
 * @throws ReidgateError('USAGE') for a flag not of that form
 */
function mergeOptions(
  fromFile: Record<string, Record<string, string | number | boolean>>,
  flags: readonly string[],
): Record<string, Record<string, string | number | boolean>> {
  const out = structuredClone(fromFile);
  for (const f of flags) {
    const m = f.match(/^([^.=\s]+)\.([^=\s]+)=(.*)$/);
    if (!m)
      throw new ReidgateError(
        'USAGE',
        `--option ${q(f)}: expected ATTACK.KEY=VALUE, e.g. singling-out.n=5000`,
      );
    out[m[1]] = { ...(out[m[1]] ?? {}), [m[2]]: optionValue(m[3]) };
  }
  return out;
}

/** Parses `age:numeric` or `sex` into a QI spec. */
function parseQi(entry: string, flag: string): QiSpec {
  const i = entry.lastIndexOf(':');
  if (i > 0) {
    const kind = entry.slice(i + 1);
    const k = ColumnKind.safeParse(kind);
    if (k.success) return { name: entry.slice(0, i), kind: k.data };
    throw new ReidgateError(
      'USAGE',
      `${flag} ${q(entry)}: unknown kind ${q(kind)} (kinds: ${ColumnKind.options.join(', ')})`,
    );
  }
  return { name: entry, kind: 'categorical' };
}

/**
 * Reads a trial file.
 * @throws ReidgateError('INPUT_NOT_FOUND') when unreadable, ('TRIAL') when invalid (names the field)
 */
export function readTrialFile(path: string): TrialFile {
  let text: string;
  try {
    if (statSync(path).isDirectory()) throw new Error('directory');
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ReidgateError(
      'INPUT_NOT_FOUND',
      `trial file ${path}: cannot read it (missing, a directory or not permitted)`,
    );
  }
  let raw: unknown;
  try {
    raw = YAML.parse(text);
  } catch (e) {
    throw new ReidgateError(
      'TRIAL',
      `trial file ${path}: not valid YAML or JSON (${(e as Error).message.split('\n')[0]})`,
    );
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ReidgateError('TRIAL', `trial file ${path}: expected a mapping of fields (release, qi, …)`);
  }
  const r = TrialFile.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new ReidgateError('TRIAL', `trial file ${path}: ${i.path.join('.') || 'trial'}: ${i.message}`);
  }
  return r.data;
}

/**
 * Checks a relational trial's key and event tables against each other and the QIs.
 * @throws ReidgateError('USAGE') naming the field
 */
function checkRelational(
  key: string | undefined,
  events: EventTableSpec[] | undefined,
  qi: readonly QiSpec[],
  sensitive: readonly QiSpec[],
): void {
  if (events && key === undefined) {
    throw new ReidgateError(
      'USAGE',
      'events: event tables need the person key that joins them (key: or --key COL)',
    );
  }
  if (key !== undefined && [...qi, ...sensitive].some((x) => x.name === key)) {
    throw new ReidgateError(
      'USAGE',
      `--key ${q(key)}: the person key is ground truth only; it cannot also be a quasi-identifier or sensitive attribute`,
    );
  }
  const names = (events ?? []).map((e) => e.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new ReidgateError('USAGE', `events: two event tables are named ${q(dup)}`);
  for (const e of events ?? []) {
    const k = e.key ?? key;
    if (e.code === k || e.date === k) {
      throw new ReidgateError(
        'USAGE',
        `events ${q(e.name)}: the key ${q(k)} cannot be the code or date column`,
      );
    }
  }
}

/** The default worker count: the machine's cores, at most 8. */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

/**
 * Merges a trial file (optional) and flags into a Trial. Flags win.
 * @param trialPath - the trial file, if any
 * @param flags - raw flag values
 * @param cwd - base for flag paths
 * @throws ReidgateError('USAGE') for bad flags or a missing release / QI list
 */
export function resolveTrial(trialPath: string | undefined, flags: RunFlags, cwd = process.cwd()): Trial {
  const file = trialPath ? readTrialFile(trialPath) : {};
  const base = trialPath ? dirname(resolve(cwd, trialPath)) : cwd;
  // A ClickHouse table (`clickhouse://host:port/db.table`) is an address, not a path: kept as given.
  const fromFile = (p: string | undefined) =>
    p === undefined ? undefined : isClickHouseUri(p) ? p : resolve(base, p);
  const fromFlag = (p: string | undefined) =>
    p === undefined ? undefined : isClickHouseUri(p) ? p : resolve(cwd, p);

  const release = fromFlag(flags.release) ?? fromFile(file.release);
  if (!release) {
    throw new ReidgateError(
      'USAGE',
      '--release: no release given (pass --release FILE or a trial file with `release:`)',
    );
  }
  let qi: QiSpec[];
  if (flags.qi !== undefined) qi = splitList(flags.qi).map((e) => parseQi(e, '--qi'));
  else {
    qi = (file.qi ?? []).map((e) =>
      typeof e === 'string'
        ? parseQi(e, 'qi')
        : { name: e.name, kind: e.kind, hierarchy: fromFile(e.hierarchy) },
    );
  }
  if (flags.hierarchy !== undefined) {
    for (const entry of splitList(flags.hierarchy)) {
      const eq = entry.indexOf('=');
      const target = eq > 0 ? qi.find((x) => x.name === entry.slice(0, eq)) : undefined;
      if (!target) {
        throw new ReidgateError(
          'USAGE',
          `--hierarchy ${q(entry)}: expected QI=FILE naming one of the quasi-identifiers (${qi.map((x) => x.name).join(', ')})`,
        );
      }
      target.hierarchy = fromFlag(entry.slice(eq + 1));
    }
  }
  if (qi.length === 0) {
    throw new ReidgateError(
      'USAGE',
      '--qi: no quasi-identifiers given (pass --qi a,b,c or `qi:` in the trial file)',
    );
  }
  const dupQi = qi.find((x, i) => qi.findIndex((y) => y.name === x.name) !== i);
  if (dupQi) throw new ReidgateError('USAGE', `--qi: column ${q(dupQi.name)} is listed twice`);
  const sensitive =
    flags.sensitive !== undefined
      ? splitList(flags.sensitive).map((e) => parseQi(e, '--sensitive'))
      : (file.sensitive ?? []).map((e) =>
          typeof e === 'string' ? parseQi(e, 'sensitive') : { name: e.name, kind: e.kind },
        );
  const both = sensitive.find((s) => qi.some((x) => x.name === s.name));
  if (both) {
    throw new ReidgateError(
      'USAGE',
      `--sensitive: column ${q(both.name)} is also a quasi-identifier; a column is one or the other`,
    );
  }
  const population =
    flags.population !== undefined ? parseIntFlag('--population', flags.population, 1) : file.population;
  const samplingFraction =
    flags.samplingFraction !== undefined
      ? parseFraction('--sampling-fraction', flags.samplingFraction)
      : file.samplingFraction;
  const populationTable = fromFlag(flags.populationTable) ?? fromFile(file.populationTable);
  const weights = flags.weights ?? file.weights;
  const given = [
    population !== undefined && '--population',
    samplingFraction !== undefined && '--sampling-fraction',
    populationTable !== undefined && '--population-table',
  ].filter(Boolean);
  if (given.length > 1) {
    throw new ReidgateError(
      'USAGE',
      `${given.join(' and ')}: give one description of the population, not several`,
    );
  }
  if (weights && sensitive.some((s) => s.name === weights)) {
    throw new ReidgateError('USAGE', `--weights: column ${q(weights)} is also a sensitive attribute`);
  }
  if (weights && qi.some((s) => s.name === weights)) {
    throw new ReidgateError('USAGE', `--weights: column ${q(weights)} is also a quasi-identifier`);
  }
  const key = flags.key ?? file.key;
  const original = fromFlag(flags.original) ?? fromFile(file.original);
  const auxiliary = fromFlag(flags.auxiliary) ?? fromFile(file.auxiliary);
  const events = file.events?.map((e) => ({
    ...e,
    release: resolve(base, e.release),
    original: fromFile(e.original),
    values: e.values.map((v) => (typeof v === 'string' ? { name: v } : v)),
  }));
  checkRelational(key, events, qi, sensitive);
  const wildcard = flags.wildcard !== undefined ? splitList(flags.wildcard) : (file.wildcard ?? []);
  const suda = { ...file.suda };
  if (flags.sudaMaxSize !== undefined)
    suda.maxMsuSize = parseIntFlag('--suda-max-size', flags.sudaMaxSize, 1, qi.length);

  const format = flags.format !== undefined ? splitList(flags.format) : (file.format ?? [...REPORT_FORMATS]);
  for (const f of format) {
    if (!(REPORT_FORMATS as readonly string[]).includes(f)) {
      throw new ReidgateError(
        'USAGE',
        `--format ${q(f)}: unknown format (formats: ${REPORT_FORMATS.join(', ')})`,
      );
    }
  }
  if (format.length === 0)
    throw new ReidgateError('USAGE', `--format: give at least one of ${REPORT_FORMATS.join(', ')}`);
  const attacks = flags.attacks !== undefined ? splitList(flags.attacks) : file.attacks;
  if (attacks && attacks.length === 0) throw new ReidgateError('USAGE', '--attacks: the list is empty');
  if (flags.delimiter !== undefined && ![',', ';', '\t', '|', '\\t', 'tab'].includes(flags.delimiter)) {
    throw new ReidgateError('USAGE', `--delimiter ${q(flags.delimiter)}: use one of , ; tab |`);
  }
  const delimiter =
    flags.delimiter === '\\t' || flags.delimiter === 'tab' ? '\t' : (flags.delimiter ?? file.delimiter);

  const { engine, memoryLimit } = resolveEngine(flags, file);
  const clickhouseUrl = flags.clickhouseUrl ?? file.clickhouseUrl;
  const clickhouseConfig = fromFlag(flags.clickhouseConfig) ?? fromFile(file.clickhouseConfig);
  if ((clickhouseUrl !== undefined || clickhouseConfig !== undefined) && engine !== 'clickhouse') {
    throw new ReidgateError(
      'USAGE',
      `${clickhouseUrl !== undefined ? '--clickhouse-url' : '--clickhouse-config'}: applies to --engine clickhouse only`,
    );
  }
  for (const [flag, p] of [
    ['--release', release],
    ['--original', original],
    ['--control', fromFlag(flags.control) ?? fromFile(file.control)],
    ['--auxiliary', auxiliary],
  ] as const) {
    if (p !== undefined && isClickHouseUri(p) && engine !== 'clickhouse')
      throw new ReidgateError('USAGE', `${flag} ${q(p)}: a ClickHouse table needs --engine clickhouse`);
  }
  const lang = flags.lang ?? file.lang ?? 'en';
  if (!(REPORT_LANGS as readonly string[]).includes(lang)) {
    throw new ReidgateError(
      'USAGE',
      `--lang ${q(lang)}: unknown language (languages: ${REPORT_LANGS.join(', ')})`,
    );
  }

  return {
    name: file.name,
    file: trialPath ? resolve(cwd, trialPath) : undefined,
    release,
    original,
    control: fromFlag(flags.control) ?? fromFile(file.control),
    auxiliary,
    qi,
    sensitive,
    // The person key is the ground truth of a relational trial unless --id names another column.
    id: flags.id ?? file.id ?? (original || auxiliary ? key : undefined),
    key,
    events,
    aligned: flags.aligned ?? file.aligned ?? false,
    attacks,
    policy: fromFlag(flags.policy) ?? fromFile(file.policy),
    preset: flags.preset ?? (flags.policy ? undefined : file.preset),
    seed: flags.seed !== undefined ? parseIntFlag('--seed', flags.seed, 0, 2 ** 31 - 1) : (file.seed ?? 1),
    workers:
      flags.workers !== undefined
        ? parseIntFlag('--workers', flags.workers, 1, 256)
        : (file.workers ?? defaultWorkers()),
    targets: flags.targets !== undefined ? parseIntFlag('--targets', flags.targets, 1) : file.targets,
    out: fromFlag(flags.out) ?? (file.out ? resolve(base, file.out) : resolve(cwd, 'reidgate-report')),
    format: format as Trial['format'],
    lang: lang as Trial['lang'],
    includeExamples: flags.includeExamples ?? file.includeExamples ?? false,
    missing: flags.missing !== undefined ? flags.missing.split(',') : file.missing,
    delimiter,
    population,
    samplingFraction,
    populationTable,
    weights,
    wildcard,
    suda: Object.keys(suda).length > 0 ? suda : undefined,
    randomization: file.randomization
      ? Object.fromEntries(
          Object.entries(file.randomization).map(([col, r]) => [
            col,
            r.method === 'pram' && typeof r.matrix === 'string'
              ? { ...r, matrix: resolve(base, r.matrix) }
              : r,
          ]),
        )
      : undefined,
    options: mergeOptions(file.options ?? {}, flags.option ?? []),
    engine,
    memoryLimit,
    recordRisk: flags.recordRisk ?? file.recordRisk ?? true,
    clickhouseUrl,
    clickhouseConfig,
  };
}

/**
 * The engine and its memory limit from flags and the trial file.
 * @throws ReidgateError('USAGE') for an unknown engine, a malformed limit, or a limit on the local engine
 */
function resolveEngine(flags: RunFlags, file: TrialFile): { engine: EngineName; memoryLimit?: string } {
  const engine = flags.engine ?? file.engine ?? 'local';
  if (!(ENGINE_NAMES as readonly string[]).includes(engine)) {
    throw new ReidgateError(
      'USAGE',
      `--engine ${q(engine)}: unknown engine (engines: ${ENGINE_NAMES.join(', ')})`,
    );
  }
  const memoryLimit = flags.memoryLimit ?? file.memoryLimit;
  if (memoryLimit !== undefined && !MEMORY_LIMIT.test(memoryLimit)) {
    throw new ReidgateError('USAGE', `--memory-limit ${q(memoryLimit)}: give a size such as 2GB or 512MiB`);
  }
  if (memoryLimit !== undefined && engine !== 'duckdb' && engine !== 'clickhouse') {
    throw new ReidgateError(
      'USAGE',
      `--memory-limit ${q(memoryLimit)}: applies to --engine duckdb or clickhouse only`,
    );
  }
  return { engine: engine as EngineName, memoryLimit };
}
