/**
 * @module attacks/linkage/sparse — sparse linkage on person-level views (method `sparse` of the
 * `linkage` attack, relational trials only): Narayanan–Shmatikov scoreboard matching of what an
 * attacker knows of a patient's codes (and, optionally, dated events) against every release patient.
 *
 * Attacker model (Narayanan & Shmatikov, "Robust de-anonymization of large sparse datasets", IEEE
 * S&P 2008, doi:10.1109/SP.2008.33). Targets are linkage's seeded sample of original patients, truth by
 * the person key. For each target the attacker holds `sparseItems` items (default 4), a seeded random
 * choice among the target's distinct codes (or dated events, with `sparseDates=true`) in the original,
 * at the release's truncation and date precision; then noise:
 *   wrong    round(sparseWrong · k) of the k items are replaced by codes the target does NOT have, drawn
 *            in proportion to how many original patients hold each code (plausible false beliefs);
 *   missing  each remaining true item is forgotten with probability sparseMissing (seeded), so the
 *            attacker's knowledge is incomplete and varies between targets;
 *   dates    a dated item matches a release event of its code whose date window overlaps the known
 *            window widened by sparseDateTolerance periods (of that table's precision).
 * With demographics (`sparseQi`, default true when the targets carry QIs) the QI combination counts
 * as one more item (compatibility as in exact linkage). Scoring and the eccentricity test φ
 * (`sparsePhi`, default 1.5): sparse-kernels.ts. Only patients sharing a known code are visited,
 * through an inverted index code → patients; the scores of the rest are known without visiting them.
 */
import { sharedFloat64, sharedInt32 } from '../../src/encode/encode.js';
import { ReidgateError } from '../../src/errors.js';
import { ranges } from '../../src/pool/pool.js';
import { invertTokens, type PersonSide, type PersonView, tableOf } from '../../src/relational/person-view.js';
import { deriveSeed, rng } from '../../src/stats/random.js';
import { intOption, type MatchSetup, pickFirst, setupMatch, tableFilter } from '../person-match/index.js';
import type { AttackContext, AttackOutcome, SeriesOut } from '../types.js';
import type { CurvePoint } from './curve.js';
import type { MethodResult } from './method.js';

const ID = 'linkage';

/** The attacker model of sparse linkage (from `--option linkage.sparse*=…`). */
export interface SparseOptions {
  items: number;
  wrong: number;
  missing: number;
  dates: boolean;
  tolerance: number;
  phi: number;
  qi: boolean;
}

function shareOption(ctx: AttackContext, key: string, def: number, max: number): number {
  const v = ctx.options?.[ID]?.[key];
  if (v === undefined) return def;
  const x = Number(v);
  if (typeof v === 'boolean' || !Number.isFinite(x) || x < 0 || x > max) {
    throw new ReidgateError(
      'USAGE',
      `--option ${ID}.${key}=${String(v)}: expected a number from 0 to ${max}`,
    );
  }
  return x;
}

function boolOption(ctx: AttackContext, key: string, def: boolean): boolean {
  const v = ctx.options?.[ID]?.[key];
  if (v === undefined) return def;
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  throw new ReidgateError('USAGE', `--option ${ID}.${key}=${String(v)}: expected true or false`);
}

/**
 * Reads the sparse attacker model from the linkage options.
 * @throws ReidgateError('USAGE') naming the option when a value is out of range
 */
export function sparseOptions(ctx: AttackContext): SparseOptions {
  return {
    items: intOption(ctx, ID, 'sparseItems', 4, 1, 64),
    wrong: shareOption(ctx, 'sparseWrong', 0, 1),
    missing: shareOption(ctx, 'sparseMissing', 0, 0.99),
    dates: boolOption(ctx, 'sparseDates', false),
    tolerance: intOption(ctx, ID, 'sparseDateTolerance', 0, 0, 100_000),
    phi: shareOption(ctx, 'sparsePhi', 1.5, 1000),
    qi: boolOption(ctx, 'sparseQi', true),
  };
}

/** The attacker's known items, per target (CSR), in the kernel's layout. */
interface KnownItems {
  itemOffsets: Int32Array;
  itemCodes: Int32Array;
  itemLo: Int32Array;
  itemHi: Int32Array;
  itemDated: Uint8Array;
  wrong: number;
  forgotten: number;
}

/** Whether sorted run a[from, to) holds x. */
function holds(a: Int32Array, from: number, to: number, x: number): boolean {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (a[m] < x) lo = m + 1;
    else hi = m;
  }
  return lo < to && a[lo] === x;
}

/**
 * Draws each target's known items with the declared noise.
 * @param view - the person view (tables, for precision and the table filter)
 * @param side - the original side
 * @param targets - the targets' original person rows
 * @param keep - per event table, 1 when its codes may be known
 * @param o - the attacker model
 * @param seed - the attack's seed
 */
export function drawItems(
  view: PersonView,
  side: PersonSide,
  targets: Int32Array,
  keep: Uint8Array,
  o: SparseOptions,
  seed: number,
): KnownItems {
  const random = rng(deriveSeed(seed, 'sparse-items'));
  const codes: number[] = [];
  const lo: number[] = [];
  const hi: number[] = [];
  const dated: number[] = [];
  const itemOffsets = sharedInt32(targets.length + 1);
  const nWrong = Math.round(o.wrong * o.items);
  let wrong = 0;
  let forgotten = 0;
  // Sources of wrong items: every (kept) code or dated event of the original, so frequent codes are drawn more often.
  const sourceN = o.dates ? side.seqCodes.length : side.setCodes.length;
  const sourceCode = o.dates ? side.seqCodes : side.setCodes;
  const push = (code: number, l: number, h: number, d: boolean) => {
    const tol = d ? o.tolerance : 0;
    codes.push(code);
    lo.push(d ? l - tol : 0);
    hi.push(d ? h + tol : 0);
    dated.push(d ? 1 : 0);
  };
  targets.forEach((p, t) => {
    const pool: number[] = [];
    if (o.dates) {
      for (let j = side.seqOffsets[p]; j < side.seqOffsets[p + 1]; j++) {
        if (keep[tableOf(view, side.seqCodes[j])]) pool.push(j);
      }
    } else {
      for (let j = side.setOffsets[p]; j < side.setOffsets[p + 1]; j++) {
        if (keep[tableOf(view, side.setCodes[j])]) pool.push(side.setCodes[j]);
      }
    }
    const picked = pickFirst(pool, o.items, random);
    const nFalse = Math.min(nWrong, picked.length);
    const chosen = new Set<number>();
    for (let k = nFalse; k < picked.length; k++) {
      if (o.missing > 0 && random() < o.missing) {
        forgotten++;
        continue;
      }
      const j = picked[k];
      if (o.dates) push(side.seqCodes[j], side.seqLo[j], side.seqHi[j], true);
      else push(j, 0, 0, false);
      chosen.add(o.dates ? side.seqCodes[j] : j);
    }
    // Wrong items: codes the target does not hold (rejection sampling; given up after 64 tries).
    for (let k = 0; k < nFalse && sourceN > 0; k++) {
      for (let tries = 0; tries < 64; tries++) {
        const j = Math.floor(random() * sourceN);
        const c = sourceCode[j];
        if (!keep[tableOf(view, c)] || chosen.has(c)) continue;
        if (holds(side.setCodes, side.setOffsets[p], side.setOffsets[p + 1], c)) continue;
        chosen.add(c);
        if (o.dates) push(c, side.seqLo[j], side.seqHi[j], true);
        else push(c, 0, 0, false);
        wrong++;
        break;
      }
    }
    itemOffsets[t + 1] = codes.length;
  });
  const itemCodes = sharedInt32(codes.length);
  itemCodes.set(codes);
  const itemLo = sharedInt32(lo.length);
  itemLo.set(lo);
  const itemHi = sharedInt32(hi.length);
  itemHi.set(hi);
  const itemDated = new Uint8Array(new SharedArrayBuffer(dated.length));
  itemDated.set(dated);
  return { itemOffsets, itemCodes, itemLo, itemHi, itemDated, wrong, forgotten };
}

/** A side's dated events sorted by (code, lo), for the kernel's dated items. */
export interface EventIndex {
  evOffsets: Int32Array;
  evPerson: Int32Array;
  evLo: Int32Array;
  evHi: Int32Array;
  evWidth: number;
}

/**
 * Sorts a side's dated events by code, then by start date (a counting sort by date, then a stable
 * counting sort by code: linear in events, codes and the date span).
 * @param side - the release side of the person view
 * @param nCodes - the number of combined codes
 */
export function eventIndex(side: PersonSide, nCodes: number): EventIndex {
  const E = side.seqCodes.length;
  let min = Infinity;
  let max = -Infinity;
  let width = 0;
  for (let e = 0; e < E; e++) {
    min = Math.min(min, side.seqLo[e]);
    max = Math.max(max, side.seqLo[e]);
    width = Math.max(width, side.seqHi[e] - side.seqLo[e]);
  }
  let byLo: Int32Array;
  const span = E > 0 ? max - min + 1 : 1;
  if (span <= 4 * E + 1_000_000) {
    const count = new Int32Array(span + 1);
    for (let e = 0; e < E; e++) count[side.seqLo[e] - min + 1]++;
    for (let d = 0; d < span; d++) count[d + 1] += count[d];
    byLo = new Int32Array(E);
    for (let e = 0; e < E; e++) byLo[count[side.seqLo[e] - min]++] = e;
  } else {
    byLo = Int32Array.from(
      Array.from({ length: E }, (_, e) => e).sort((a, b) => side.seqLo[a] - side.seqLo[b]),
    );
  }
  const person = new Int32Array(E);
  for (let p = 0; p < side.persons; p++) person.fill(p, side.seqOffsets[p], side.seqOffsets[p + 1]);
  const evOffsets = sharedInt32(nCodes + 1);
  for (let e = 0; e < E; e++) evOffsets[side.seqCodes[e] + 1]++;
  for (let c = 0; c < nCodes; c++) evOffsets[c + 1] += evOffsets[c];
  const fill = evOffsets.slice(0, nCodes);
  const evPerson = sharedInt32(E);
  const evLo = sharedInt32(E);
  const evHi = sharedInt32(E);
  for (const e of byLo) {
    const k = fill[side.seqCodes[e]]++;
    evPerson[k] = person[e];
    evLo[k] = side.seqLo[e];
    evHi[k] = side.seqHi[e];
  }
  return { evOffsets, evPerson, evLo, evHi, evWidth: width };
}

/** An empty event index (code-only items never read it). */
function noEvents(nCodes: number): EventIndex {
  const z = sharedInt32(0);
  return { evOffsets: sharedInt32(nCodes + 1), evPerson: z, evLo: z, evHi: z, evWidth: 0 };
}

/** Per target, the demographic item's weight 1/ln(1 + D) (0 without demographics). */
function demoWeights(setup: MatchSetup): Float64Array {
  const T = setup.targets.length;
  const w = sharedFloat64(T);
  if (setup.knownQi.length === 0) return w;
  for (let t = 0; t < T; t++) {
    let d = 0;
    for (let k = setup.rangeOffsets[t]; k < setup.rangeOffsets[t + 1]; k++)
      d += setup.rangeHi[k] - setup.rangeLo[k];
    w[t] = d > 0 ? 1 / Math.log(1 + d) : 0;
  }
  return w;
}

/** A sentence stating the attacker model (for the report's method note). */
export function describeModel(
  o: SparseOptions,
  knownQi: readonly string[],
  tables: readonly string[],
): string {
  const what = o.dates
    ? `dated events (code and date at the release precision${o.tolerance > 0 ? `, matched within ±${o.tolerance} periods` : ', same period'})`
    : 'codes';
  return (
    `Sparse (Narayanan–Shmatikov scoreboard): the attacker knows ${o.items} of each target's ${what} from ${tables.join(', ')} (seeded), ` +
    `${o.wrong > 0 ? `${Math.round(o.wrong * o.items)} of them WRONG (codes the target does not have, drawn by code frequency)` : 'none wrong'}, ` +
    `${o.missing > 0 ? `each true one forgotten with probability ${o.missing}` : 'none forgotten'}` +
    `${knownQi.length > 0 ? `, plus the demographic QIs ${knownQi.join(', ')} as one more item` : ', and no demographics'}; ` +
    `every release patient is scored Σ w(item) over the known items it holds, w = 1/ln(1 + patients holding the code); the attacker claims the best-scoring patient when (best − second best)/σ(scores over all patients) ≥ φ = ${o.phi}; confidence is that eccentricity.`
  );
}

/**
 * Sparse linkage, or null when the trial is not relational or has no original event tables.
 * @param ctx - the attack context (with `persons` and `linkage`)
 */
export async function sparseLinkage(ctx: AttackContext): Promise<MethodResult | null> {
  const view = ctx.persons;
  const lk = ctx.linkage;
  if (!view?.original || !view.truth || !lk || lk.targetsRole !== 'original') return null;
  const o = sparseOptions(ctx);
  const keep = tableFilter(ctx, ID, view, o.dates);
  const setup = await setupMatch(ctx, o.qi, ID);
  const r = view.release;
  const index = invertTokens(r.persons, r.setOffsets, r.setCodes, view.codes);
  const weight = sharedFloat64(view.codes);
  for (let c = 0; c < view.codes; c++) {
    const support = index.offsets[c + 1] - index.offsets[c];
    weight[c] = support > 0 ? 1 / Math.log(1 + support) : 0;
  }
  const events = o.dates ? eventIndex(r, view.codes) : noEvents(view.codes);
  const items = drawItems(view, view.original, setup.targets, keep, o, ctx.seed);
  const T = setup.targets.length;
  const claimed = sharedInt32(T);
  const eccentricity = sharedFloat64(T);
  const candidates = sharedInt32(T);
  const demoWeight = demoWeights(setup);
  const { wrong, forgotten, ...known } = items;
  await ctx.pool.map(
    'linkage.sparseScore',
    ranges(T, ctx.pool.workers * 4).map(([start, end]) => ({
      persons: r.persons,
      postOffsets: index.offsets,
      postings: index.postings,
      ...events,
      weight,
      ...known,
      rankOf: setup.rankOf,
      order: setup.order,
      rangeOffsets: setup.rangeOffsets,
      rangeLo: setup.rangeLo,
      rangeHi: setup.rangeHi,
      demoWeight,
      phi: o.phi,
      start,
      end,
      claimed,
      eccentricity,
      candidates,
    })),
  );
  const confidence = Float64Array.from(claimed, (c, t) => (c >= 0 ? eccentricity[t] : Number.NaN));
  let claims = 0;
  let scored = 0;
  let visited = 0;
  for (let t = 0; t < T; t++) {
    if (claimed[t] >= 0) claims++;
    if (!Number.isNaN(eccentricity[t])) scored++;
    visited += candidates[t];
  }
  const tables = view.tables.filter((_, i) => keep[i]).map((t) => t.name);
  return {
    method: 'sparse',
    claimed: Int32Array.from(claimed),
    confidence,
    details: {
      attackerModel: describeModel(o, setup.knownQi, tables),
      knownItems: o.items,
      wrongShare: o.wrong,
      missingShare: o.missing,
      dated: o.dates,
      dateTolerance: o.tolerance,
      phi: o.phi,
      knownQi: setup.knownQi,
      eventTables: tables,
      itemsHeld: items.itemCodes.length,
      wrongItems: wrong,
      forgottenItems: forgotten,
      targetsScored: scored,
      coverage: T > 0 ? claims / T : 0,
      meanPatientsScored: T > 0 ? visited / T : 0,
    },
    warnings:
      scored < T
        ? [`${T - scored} target(s) share no known item with any release patient (no score, no claim)`]
        : [],
  };
}

/**
 * The sparse method's precision–coverage curve as a chart series (targets ranked by eccentricity),
 * from the curve the linkage outcome computed; undefined without ground truth.
 */
export function sparseSeries(outcome: AttackOutcome): SeriesOut | undefined {
  const methods = outcome.details?.methods as
    | Record<string, { precisionCoverage?: CurvePoint[] }>
    | undefined;
  const curve = methods?.sparse?.precisionCoverage;
  if (!curve) return undefined;
  return {
    id: 'sparse-precision-coverage',
    title: `Sparse linkage: precision–coverage, targets ranked by eccentricity (${String(outcome.details?.setting)} setting)`,
    x: { label: 'coverage: most eccentric share of targets linked (%)', scale: 'log' },
    y: { label: 'precision (correct among links)' },
    mark: 'line',
    points: curve.flatMap((p) =>
      p.precision === null
        ? []
        : [
            { x: p.coverage, y: p.precision, group: 'precision' },
            { x: p.coverage, y: p.rate, group: 'reidentification rate' },
          ],
    ),
    note: 'Only targets whose eccentricity passed φ are claimed; the curve stops at the share claimed.',
  };
}
