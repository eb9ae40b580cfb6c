/**
 * @module attacks/person-match — what the person-level attacks (code-sets, trajectory) share: the
 * targets and their truth, the release persons ranked by demographic class with each target's
 * compatible rank ranges, the counting on the pool, and the per-level summary.
 *
 * Targets: with original event tables, the seeded sample of original persons (--targets, default at
 * most 10,000; the same sample linkage uses), whose true release person is found by the person key.
 * Without them, a seeded sample of release persons, each its own truth: the attacker's knowledge is
 * then read off the release itself (km-anonymity of the published data, Terrovitis et al. 2008).
 */
import { sharedInt32 } from '../../src/encode/encode.js';
import { ReidgateError } from '../../src/errors.js';
import { ranges } from '../../src/pool/pool.js';
import type { PersonSide, PersonView } from '../../src/relational/person-view.js';
import { deriveSeed, rng, sampleIndices } from '../../src/stats/random.js';
import { classBlocking } from '../linkage/exact.js';
import { prepareLinkage } from '../linkage/prepare.js';
import { classIndex } from '../shared/classes.js';
import type { AttackContext, AvailableInputs } from '../types.js';

export { type LevelSummary, summarizeLevels } from './summary.js';

/** Default number of sampled targets when the trial has no original (release-only mode). */
const DEFAULT_TARGETS = 10_000;

/** Targets, their truth, and the demographic ranges they may hide in. */
export interface MatchSetup {
  mode: 'original' | 'release';
  /** The side the attacker's knowledge comes from. */
  known: PersonSide;
  /** Per target: its person row on the known side. */
  targets: Int32Array;
  /** Per target: its release person row, or −1. */
  truth: Int32Array;
  /** Release persons by rank (order[r] = person) and the inverse. */
  order: Int32Array;
  rankOf: Int32Array;
  /** Per target: compatible rank ranges (CSR). */
  rangeOffsets: Int32Array;
  rangeLo: Int32Array;
  rangeHi: Int32Array;
  /** QIs the attacker knows ([] when demographics are not used). */
  knownQi: string[];
}

/** `needs` of the person-level attacks: a relational trial (event tables), else the reason to skip. */
export function needsEvents(inputs: AvailableInputs): string | null {
  return (inputs.events ?? 0) > 0 ? null : 'needs event tables (a relational trial: key and events)';
}

/** The person view of the context, or an INTERNAL error (needs() keeps attacks from running without one). */
export function viewOf(ctx: AttackContext, attack: string): PersonView {
  if (!ctx.persons) throw new ReidgateError('INTERNAL', `${attack}: no person view (needs event tables)`);
  return ctx.persons;
}

function inverse(order: Int32Array): Int32Array {
  const rankOf = sharedInt32(order.length);
  for (let r = 0; r < order.length; r++) rankOf[order[r]] = r;
  return rankOf;
}

function identity(n: number): Int32Array {
  const a = sharedInt32(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

/** Per target, the one range [0, n): no demographic knowledge. */
function everyone(T: number, n: number) {
  const rangeOffsets = sharedInt32(T + 1);
  for (let t = 0; t <= T; t++) rangeOffsets[t] = t;
  return { rangeOffsets, rangeLo: sharedInt32(T), rangeHi: sharedInt32(T).fill(n) };
}

/** Turns per-target sorted class lists into merged rank ranges (classes are contiguous in rank order). */
function classRanges(perTarget: Int32Array[], starts: Int32Array) {
  const offsets = sharedInt32(perTarget.length + 1);
  const lo: number[] = [];
  const hi: number[] = [];
  perTarget.forEach((cls, t) => {
    for (let k = 0; k < cls.length; k++) {
      const c = cls[k];
      if (k > 0 && cls[k - 1] === c - 1) hi[hi.length - 1] = starts[c + 1];
      else {
        lo.push(starts[c]);
        hi.push(starts[c + 1]);
      }
    }
    offsets[t + 1] = lo.length;
  });
  const rangeLo = sharedInt32(lo.length);
  rangeLo.set(lo);
  const rangeHi = sharedInt32(hi.length);
  rangeHi.set(hi);
  return { rangeOffsets: offsets, rangeLo, rangeHi };
}

/**
 * The release-only mode's targets: a seeded sample of the n release persons (--option ATTACK.targets,
 * default at most 10,000), the same on every engine.
 */
export function releaseTargets(ctx: AttackContext, attack: string, n: number): Int32Array {
  const k = Math.min(n, intOption(ctx, attack, 'targets', DEFAULT_TARGETS, 1, 100_000_000));
  return sampleIndices(n, k, rng(deriveSeed(ctx.seed, 'targets')));
}

/**
 * Chooses targets and the demographic ranges each may hide in.
 * @param ctx - the attack context (with `persons`)
 * @param useQi - whether the attacker knows the targets' demographic QIs
 * @param attack - the attack id (for messages)
 */
export async function setupMatch(ctx: AttackContext, useQi: boolean, attack: string): Promise<MatchSetup> {
  const view = viewOf(ctx, attack);
  const n = view.release.persons;
  const lk = ctx.linkage;
  if (view.original && view.truth && lk && lk.targetsRole === 'original') {
    const targets = lk.targetRows;
    const truth = Int32Array.from(targets, (r) => view.truth![r]);
    if (!useQi || lk.knownQi.length === 0) {
      const order = identity(n);
      return {
        mode: 'original',
        known: view.original,
        targets,
        truth,
        order,
        rankOf: order,
        ...everyone(targets.length, n),
        knownQi: [],
      };
    }
    const data = prepareLinkage(ctx);
    const { classes, view: cv, block } = await classBlocking(ctx, data);
    const shards = ranges(targets.length, ctx.pool.workers * 4);
    const parts = await ctx.pool.map(
      'personMatch.qiClasses',
      shards.map(([start, end]) => ({ data: cv, block, start, end })),
    );
    const perTarget: Int32Array[] = [];
    parts.forEach((part, s) => {
      const [start, end] = shards[s];
      for (let t = start; t < end; t++) {
        perTarget.push(part.classes.subarray(part.offsets[t - start], part.offsets[t - start + 1]));
      }
    });
    return {
      mode: 'original',
      known: view.original,
      targets,
      truth,
      order: classes.order,
      rankOf: inverse(classes.order),
      ...classRanges(perTarget, classes.starts),
      knownQi: lk.knownQi,
    };
  }
  // Release-only: the attacker knows release persons' own released values.
  const targets = releaseTargets(ctx, attack, n);
  const truth = Int32Array.from(targets);
  const qiCols = ctx.qi.map((q) => ctx.release.columns.get(q.name)).filter((c) => c !== undefined);
  if (!useQi || qiCols.length === 0) {
    const order = identity(n);
    return {
      mode: 'release',
      known: view.release,
      targets,
      truth,
      order,
      rankOf: order,
      ...everyone(targets.length, n),
      knownQi: [],
    };
  }
  const classes = await classIndex(qiCols, n, ctx.pool);
  const perTarget = Array.from(targets, (r) => Int32Array.of(classes.classOf[r]));
  return {
    mode: 'release',
    known: view.release,
    targets,
    truth,
    order: classes.order,
    rankOf: inverse(classes.order),
    ...classRanges(perTarget, classes.starts),
    knownQi: qiCols.map((c) => c.name),
  };
}

/** The targets of a person-level attack counted on an engine, and what the attacker knows of them. */
export interface EngineTargets {
  /** Original persons (truth by the person key) or release persons (each its own truth). */
  original: boolean;
  side: 'release' | 'original';
  targets: Int32Array;
  /** The known QIs' names, and with their kinds (the engine query's `knownQi`). */
  qiNames: string[];
  knownQi: Array<{ name: string; kind: AttackContext['qi'][number]['kind'] }>;
}

/**
 * The targets setupMatch would choose, for counting on an engine: linkage's original targets when
 * some event table has an original, else a seeded sample of release persons; the QIs known with
 * `useQi` (linkage's known QIs, or every QI for release targets).
 */
export function engineTargets(
  ctx: AttackContext,
  attack: string,
  rel: { original: boolean },
  releaseRows: number,
  useQi: boolean,
): EngineTargets {
  const lk = ctx.linkage;
  const original = rel.original && lk !== undefined && lk.targetsRole === 'original';
  const targets = original ? lk.targetRows : releaseTargets(ctx, attack, releaseRows);
  const kinds = new Map(ctx.qi.map((q) => [q.name, q.kind]));
  const qiNames = !useQi ? [] : original ? lk.knownQi : ctx.qi.map((q) => q.name);
  return {
    original,
    side: original ? 'original' : 'release',
    targets,
    qiNames,
    knownQi: qiNames.map((name) => ({ name, kind: kinds.get(name) ?? 'categorical' })),
  };
}

/** Known items per target (CSR of items, each a CSR of alternative tokens). */
export interface KnownItems {
  itemOffsets: Int32Array;
  altOffsets: Int32Array;
  alts: Int32Array;
}

/**
 * Counts, on the pool, the compatible release persons of every target at levels 1 … M.
 * @param ctx - the attack context
 * @param setup - targets and ranges
 * @param index - the inverted index over release tokens (ranks)
 * @param items - the targets' known items
 * @param levels - M
 * @returns per target and level (t·M + m − 1): set size (−1 when the target has fewer than m items) and truth membership
 */
export async function countMatches(
  ctx: AttackContext,
  setup: MatchSetup,
  index: { offsets: Int32Array; postings: Int32Array },
  items: KnownItems,
  levels: number,
): Promise<{ size: Int32Array; truthIn: Int32Array }> {
  const T = setup.targets.length;
  const size = sharedInt32(T * levels);
  const truthIn = sharedInt32(T * levels);
  const truthRank = sharedInt32(T);
  for (let t = 0; t < T; t++) truthRank[t] = setup.truth[t] >= 0 ? setup.rankOf[setup.truth[t]] : -1;
  await ctx.pool.map(
    'personMatch.count',
    ranges(T, ctx.pool.workers * 4).map(([start, end]) => ({
      postOffsets: index.offsets,
      postings: index.postings,
      ...items,
      rangeOffsets: setup.rangeOffsets,
      rangeLo: setup.rangeLo,
      rangeHi: setup.rangeHi,
      truthRank,
      levels,
      start,
      end,
      size,
      truthIn,
    })),
  );
  return { size, truthIn };
}

/**
 * Reads a whole-number attack option.
 * @throws ReidgateError('USAGE') naming the option when it is not an integer in [min, max]
 */
export function intOption(
  ctx: AttackContext,
  attack: string,
  key: string,
  def: number,
  min: number,
  max: number,
): number {
  const v = ctx.options?.[attack]?.[key];
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ReidgateError(
      'USAGE',
      `--option ${attack}.${key}=${String(v)}: expected a whole number from ${min} to ${max}`,
    );
  }
  return n;
}

/**
 * Reads the `tables` option (comma-separated event table names) as a per-table filter.
 * @returns per event table of the view: 1 when its codes count
 * @throws ReidgateError('USAGE') for an unknown table name
 */
export function tableFilter(
  ctx: AttackContext,
  attack: string,
  view: { tables: ReadonlyArray<{ name: string; codes: number; dated: boolean }> },
  datedOnly: boolean,
): Uint8Array {
  const v = ctx.options?.[attack]?.tables;
  const keep = new Uint8Array(view.tables.length);
  const names = view.tables.map((t) => t.name);
  if (v === undefined) {
    view.tables.forEach((t, i) => {
      keep[i] = t.codes > 0 && (!datedOnly || t.dated) ? 1 : 0;
    });
    return keep;
  }
  for (const name of String(v)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const i = names.indexOf(name);
    if (i < 0) {
      throw new ReidgateError(
        'USAGE',
        `--option ${attack}.tables: no event table named \`${name}\` (tables: ${names.join(', ')})`,
      );
    }
    keep[i] = 1;
  }
  return keep;
}

/** Seeded partial Fisher–Yates: the first `k` of a random permutation of `pool` (in place). */
export function pickFirst(pool: number[], k: number, random: () => number): number[] {
  const n = pool.length;
  const m = Math.min(k, n);
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(random() * (n - i));
    const x = pool[i];
    pool[i] = pool[j];
    pool[j] = x;
  }
  return pool.slice(0, m);
}

/** Copies a CSR (offsets, values) built in plain arrays onto shared memory. */
export function sharedCsr(altOffsets: readonly number[], alts: readonly number[]) {
  const o = sharedInt32(altOffsets.length);
  o.set(altOffsets);
  const a = sharedInt32(alts.length);
  a.set(alts);
  return { altOffsets: o, alts: a };
}
