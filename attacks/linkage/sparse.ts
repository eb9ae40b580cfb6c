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
 *
 * The known items are drawn from the target's codes (or dated events) put in a canonical order —
 * event table, code label, date window — and wrong items from the original's codes in that order with
 * their multiplicities (sparse-items.ts), so the draw names the same items on every engine. On
 * --engine duckdb and clickhouse the matching is pushed down as SQL (`sparseScores`: release persons
 * grouped per target by the items they match and their demographic compatibility,
 * src/engine/duckdb-sparse.ts and clickhouse-sparse.ts) and the eccentricity test runs on the grouped
 * answer (sparse-board.ts): the same claims, eccentricities to rounding.
 */
import { sharedFloat64, sharedInt32 } from '../../src/encode/encode.js';
import type { Engine } from '../../src/engine/types.js';
import { ReidgateError } from '../../src/errors.js';
import { ranges } from '../../src/pool/pool.js';
import { invertTokens, tableOf } from '../../src/relational/person-view.js';
import { engineTargets, type MatchSetup, setupMatch, tableFilter } from '../person-match/index.js';
import type { AttackContext, AttackOutcome, SeriesOut } from '../types.js';
import type { CurvePoint } from './curve.js';
import type { MethodResult } from './method.js';
import { type Board, boardFromGroups, itemWeight } from './sparse-board.js';
import {
  drawItems,
  eventIndex,
  type HoldingsCsr,
  holdingsOf,
  type ItemUniverse,
  itemEntries,
  type KnownItems,
  noEvents,
  sideEntries,
  sideHoldings,
  viewUniverse,
} from './sparse-items.js';
import { describeModel, ID, type SparseOptions, sparseOptions } from './sparse-options.js';

export { eventIndex } from './sparse-items.js';
export { type SparseOptions, sparseOptions } from './sparse-options.js';

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

/**
 * Sparse linkage, or null when the trial is not relational or has no original event tables. On the
 * local engine it scores over the person view on the pool; on duckdb and clickhouse (no person view)
 * the scoreboard's matching is pushed down as SQL (`sparseScores`; the engine holding the event
 * tables is `ctx.eventEngine`, else `ctx.engine`) with the same known items.
 * @param ctx - the attack context (with `persons`, or an engine answering 'sparseScores', and `linkage`)
 */
export async function sparseLinkage(ctx: AttackContext): Promise<MethodResult | null> {
  if (ctx.persons) return sparseLocal(ctx);
  const engine = ctx.eventEngine ?? ctx.engine;
  const lk = ctx.linkage;
  if (!engine?.relational?.original || !lk || lk.targetsRole !== 'original') return null;
  return sparseOnEngine(ctx, engine);
}

/** The scoreboard on the local engine: the person view's inverted index and the pool. */
async function sparseLocal(ctx: AttackContext): Promise<MethodResult | null> {
  const view = ctx.persons;
  const lk = ctx.linkage;
  if (!view?.original || !view.truth || !lk || lk.targetsRole !== 'original') return null;
  const o = sparseOptions(ctx);
  const keep = tableFilter(ctx, ID, view, o.dates);
  const setup = await setupMatch(ctx, o.qi, ID);
  const r = view.release;
  const index = invertTokens(r.persons, r.setOffsets, r.setCodes, view.codes);
  const weight = sharedFloat64(view.codes);
  for (let c = 0; c < view.codes; c++) weight[c] = itemWeight(index.offsets[c + 1] - index.offsets[c]);
  const events = o.dates ? eventIndex(r, view.codes) : noEvents(view.codes);
  const side = view.original;
  const u = viewUniverse(view, keep, o.dates);
  const items = drawItems(
    u,
    setup.targets.length,
    (t) => sideHoldings(side, setup.targets[t], o.dates),
    sideEntries(u, side, view.codes),
    o,
    ctx.seed,
  );
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
  const tables = view.tables.filter((_, i) => keep[i]).map((t) => t.name);
  return sparseResult(o, setup.knownQi, tables, items, { claimed, eccentricity, candidates });
}

/**
 * The scoreboard on an engine: the targets' codes (or dated events) and the side's code
 * frequencies come back (`personCodes`, `personEvents`, `sparseSources`), the known items are drawn
 * here as on the local engine, and the engine groups the release persons by the items they match
 * (`sparseScores`); the eccentricity test runs here (sparse-board.ts).
 */
async function sparseOnEngine(ctx: AttackContext, engine: Engine): Promise<MethodResult> {
  const rel = engine.relational!;
  if (!engine.personCodes || !engine.sparseSources || !engine.sparseScores || !engine.personEvents)
    throw new ReidgateError(
      'INTERNAL',
      `${ID}: engine ${engine.name} lists sparseScores but lacks its operations`,
    );
  const o = sparseOptions(ctx);
  const keep = tableFilter(ctx, ID, rel, o.dates);
  const { targets, qiNames, knownQi } = engineTargets(ctx, ID, rel, engine.rows('release'), o.qi);
  const u: ItemUniverse = {
    dated: o.dates,
    keep,
    tableOf: (c) => tableOf(rel, c),
    suppressed: (c) => rel.tables[tableOf(rel, c)].suppressed === c,
    label: (c) => rel.labels[c],
  };
  const codes = await engine.personCodes({ side: 'original', rows: targets });
  const events = o.dates ? await engine.personEvents({ side: 'original', rows: targets }) : undefined;
  const src = await engine.sparseSources({ side: 'original', dated: o.dates });
  const csr: HoldingsCsr = {
    setOffsets: codes.offsets,
    setCodes: codes.codes,
    ...(events
      ? { seqOffsets: events.offsets, seqCodes: events.codes, seqLo: events.lo, seqHi: events.hi }
      : {}),
  };
  const items = drawItems(
    u,
    targets.length,
    (t) => holdingsOf(csr, t),
    itemEntries(u, src.code, src.lo, src.hi, src.count),
    o,
    ctx.seed,
  );
  const answer = await engine.sparseScores({
    targetRows: targets,
    knownQi,
    itemOffsets: items.itemOffsets,
    items: items.itemCodes,
    itemLo: items.itemLo,
    itemHi: items.itemHi,
    itemDated: items.itemDated,
  });
  const demoWeight = Float64Array.from(answer.compatibleTotal, (d) =>
    knownQi.length > 0 && d > 0 ? 1 / Math.log(1 + d) : 0,
  );
  const board = boardFromGroups(items.itemOffsets, answer, demoWeight, o.phi);
  const tables = rel.tables.filter((_, i) => keep[i]).map((t) => t.name);
  return sparseResult(o, qiNames, tables, items, board);
}

/** The method's result from the scoreboard's outputs (the same on every engine). */
function sparseResult(
  o: SparseOptions,
  knownQi: string[],
  tables: string[],
  items: KnownItems,
  board: Board,
): MethodResult {
  const { claimed, eccentricity, candidates } = board;
  const T = claimed.length;
  const confidence = Float64Array.from(claimed, (c, t) => (c >= 0 ? eccentricity[t] : Number.NaN));
  let claims = 0;
  let scored = 0;
  let visited = 0;
  for (let t = 0; t < T; t++) {
    if (claimed[t] >= 0) claims++;
    if (!Number.isNaN(eccentricity[t])) scored++;
    visited += candidates[t];
  }
  return {
    method: 'sparse',
    claimed: Int32Array.from(claimed),
    confidence,
    details: {
      attackerModel: describeModel(o, knownQi, tables),
      knownItems: o.items,
      wrongShare: o.wrong,
      missingShare: o.missing,
      dated: o.dates,
      dateTolerance: o.tolerance,
      phi: o.phi,
      knownQi,
      eventTables: tables,
      itemsHeld: items.itemCodes.length,
      wrongItems: items.wrong,
      forgottenItems: items.forgotten,
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
    y: { label: 'share (precision: correct among links; rate: correct among targets)' },
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
