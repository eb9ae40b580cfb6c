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
import { ranges } from '../../src/pool/pool.js';
import { invertTokens } from '../../src/relational/person-view.js';
import { type MatchSetup, setupMatch, tableFilter } from '../person-match/index.js';
import type { AttackContext, AttackOutcome, SeriesOut } from '../types.js';
import type { CurvePoint } from './curve.js';
import type { MethodResult } from './method.js';
import { drawItems, eventIndex, noEvents } from './sparse-items.js';
import { describeModel, ID, sparseOptions } from './sparse-options.js';

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
