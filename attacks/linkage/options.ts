/**
 * @module attacks/linkage/options — the linkage attack's settings, read from `ctx.options.linkage`
 * (`--option linkage.KEY=VALUE`, a trial file's `options: { linkage: … }`, or library callers) and
 * checked once here.
 *
 *   stringComparator   'jaro-winkler' (default) or 'exact': how Fellegi–Sunter compares categorical
 *                      fields (Jaro–Winkler levels: agree ≥ 0.94, partial ≥ 0.85, as in Winkler 1990
 *                      and fastLink, Enamorado, Fifield & Imai, APSR 2019, doi:10.1017/S0003055418000783)
 *   linkability        false turns the Anonymeter-style linkability test off (default on when it can run)
 *   linkabilityA, linkabilityB   the two disjoint column sets the attacker holds per target
 *                      (comma-separated QIs; default: the first ⌈m/2⌉ known QIs and the rest)
 *   linkabilityK       neighbours per column set (default 1, as Giomi et al. 2023)
 *   linkabilityTargets members and as many control records attacked (default: the --targets sample
 *                      size, else 10,000; capped by the rows of --original and --control)
 *   methods            which methods run (comma-separated; default all): exact (with its
 *                      unseen-as-generalized reading), probabilistic, distance (Gower and Manhattan),
 *                      sparse, linkability. On engines other than local exact and sparse are pushed
 *                      down as SQL (compatibleSets; sparseScores, relational trials); with other
 *                      methods the attack runs on rows fetched from the engine
 *                      (src/engine/fetch-local.ts) where the engine answers fetchRows (duckdb, clickhouse), and
 *                      is skipped (failing closed) with a message naming this option otherwise; sparse
 *                      then still counts through the engine (not on a blocked sample: it is left out).
 *   fetchRows          engines other than local: inputs up to this many rows are fetched whole
 *                      (default 1,000,000); above it the release rows in the seeded targets' blocks
 *                      (rows compatible with some target, generalizations understood:
 *                      src/engine/compatible-block.ts)
 *   blockOn            the blocking columns then (comma-separated known QIs; default chosen)
 * (fetchRows and blockOn are read by the run, src/run/run-trial.ts, not here.)
 */
import { listNames, q, ReidgateError } from '../../src/errors.js';
import type { AttackContext } from '../types.js';

export type StringComparator = 'jaro-winkler' | 'exact';

/** Method families `--option linkage.methods` selects from, in report order. */
export const LINKAGE_METHODS = ['exact', 'probabilistic', 'distance', 'sparse', 'linkability'] as const;
export type LinkageMethod = (typeof LINKAGE_METHODS)[number];

/**
 * Methods that count through an engine operation (the others read the encoded columns: local only):
 * exact (compatibleSets) and sparse (sparseScores; duckdb and clickhouse answer both).
 */
const ENGINE_METHODS: ReadonlySet<LinkageMethod> = new Set(['exact', 'sparse']);

/** The settings, checked. */
export interface LinkageSettings {
  stringComparator: StringComparator;
  linkability: boolean;
  /** Column sets as given (undefined: the default split). */
  linkabilityA?: string[];
  linkabilityB?: string[];
  linkabilityK: number;
  /** Targets requested (undefined: the default). */
  linkabilityTargets?: number;
  /** Methods to run (default: all). */
  methods: ReadonlySet<LinkageMethod>;
  /** Whether `methods` was given (the method note then names them). */
  methodsGiven: boolean;
}

const KEYS = [
  'stringComparator',
  'linkability',
  'linkabilityA',
  'linkabilityB',
  'linkabilityK',
  'linkabilityTargets',
  'methods',
  // sparse linkage (relational trials; read in sparse-options.ts)
  'sparseItems',
  'sparseWrong',
  'sparseMissing',
  'sparseDates',
  'sparseDateTolerance',
  'sparsePhi',
  'sparseQi',
  'tables',
  // on engines other than local (src/engine/fetch-local.ts)
  'fetchRows',
  'blockOn',
];

const bad = (what: string) => new ReidgateError('USAGE', `--option linkage.${what}`);

function columnList(key: string, v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  const list = Array.isArray(v) ? v.map(String) : typeof v === 'string' ? v.split(',') : null;
  const names = list?.map((s) => s.trim()).filter((s) => s.length > 0);
  if (!names || names.length === 0) throw bad(`${key}=${q(v)}: expected comma-separated QI columns`);
  return names;
}

/**
 * The methods option, checked.
 * @throws ReidgateError('USAGE') for an unknown method or an empty list
 */
function methodsOf(v: unknown): Set<LinkageMethod> {
  if (v === undefined) return new Set(LINKAGE_METHODS);
  const list = Array.isArray(v) ? v.map(String) : typeof v === 'string' ? v.split(',') : [];
  const names = list.map((s) => s.trim()).filter((s) => s.length > 0);
  if (names.length === 0)
    throw bad(`methods=${q(v)}: expected comma-separated methods (${listNames(LINKAGE_METHODS)})`);
  for (const n of names) {
    if (!(LINKAGE_METHODS as readonly string[]).includes(n))
      throw bad(`methods=${q(v)}: unknown method ${q(n)} (methods: ${listNames(LINKAGE_METHODS)})`);
  }
  return new Set(LINKAGE_METHODS.filter((m) => names.includes(m)));
}

/**
 * Why the linkage attack cannot run on an engine other than local with these options, or null: only
 * the methods in ENGINE_METHODS are pushed down. Used by src/engine/open.ts engineSkipReason.
 * @param options - the attack's options (`--option linkage.…`)
 * @param engine - the engine's name
 * @throws ReidgateError('USAGE') when the methods option is malformed
 */
export function linkageEngineReason(
  options: Readonly<Record<string, unknown>> | undefined,
  engine: string,
): string | null {
  const methods = methodsOf(options?.methods);
  const local = [...methods].filter((m) => !ENGINE_METHODS.has(m));
  if (local.length === 0) return null;
  return (
    `on --engine ${engine} only exact and sparse linkage are pushed down; ${local.join(', ')} run${local.length === 1 ? 's' : ''} on --engine local only: ` +
    'run it with --option linkage.methods=exact,sparse, or with --engine local'
  );
}

/**
 * Reads and checks the linkage options.
 * @param ctx - the attack context
 * @throws ReidgateError('USAGE') for an unknown key or a value out of range
 */
export function linkageSettings(ctx: AttackContext): LinkageSettings {
  const o = ctx.options?.linkage ?? {};
  const unknown = Object.keys(o).filter((key) => !KEYS.includes(key));
  if (unknown.length > 0) throw bad(`${unknown[0]}: unknown option (options: ${listNames(KEYS)})`);
  const sc = o.stringComparator ?? 'jaro-winkler';
  if (sc !== 'jaro-winkler' && sc !== 'exact') {
    throw bad(`stringComparator=${q(sc)}: expected jaro-winkler or exact`);
  }
  const on = o.linkability ?? true;
  if (typeof on !== 'boolean') throw bad(`linkability=${q(on)}: expected true or false`);
  const k = o.linkabilityK ?? 1;
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > 100) {
    throw bad(`linkabilityK=${q(k)}: must be a whole number from 1 to 100`);
  }
  const n = o.linkabilityTargets;
  if (n !== undefined && (typeof n !== 'number' || !Number.isInteger(n) || n < 1)) {
    throw bad(`linkabilityTargets=${q(n)}: must be a whole number of at least 1`);
  }
  return {
    stringComparator: sc,
    linkability: on,
    linkabilityA: columnList('linkabilityA', o.linkabilityA),
    linkabilityB: columnList('linkabilityB', o.linkabilityB),
    linkabilityK: k,
    linkabilityTargets: n,
    methods: methodsOf(o.methods),
    methodsGiven: o.methods !== undefined,
  };
}
