/**
 * @module attacks/linkage/distance — distance-based linkage (issue 4, method 3): each target is linked
 * to its nearest released record under Gower distance for mixed types (Gower 1971, Biometrics 27:857,
 * doi:10.2307/2528823) or Manhattan distance on standardized numerics (distance-pair.ts has the exact
 * definitions, including how generalized, suppressed and missing values count).
 *
 * Per sampled target t, with d1 ≤ d2 its nearest and second-nearest distances over the known QIs:
 * - claimed_t = the nearest release row (ties: the lowest row, deterministic);
 * - confidence_t = 1 − d1/d2, the distance-ratio test (Lowe 2004, IJCV 60:91,
 *   doi:10.1023/B:VISI.0000029664.99615.94): 1 when d1 = 0 < d2 or when no second comparable record
 *   exists; 0 when d1 = d2 (including d1 = d2 = 0: records equally near are ambiguous); a ratio d1/d2
 *   near 1 means an ambiguous link;
 * - expectedSuccess_t (with ground truth) = 1/m_t when the true record is at distance d1, else 0,
 *   where m_t is the number of release rows at exactly d1: the success of an attacker who breaks ties
 *   at random among the equally nearest records;
 * - a target with no known QI value comparable with any release record gets no claim (−1, NaN).
 *
 * The search is exact (identical to a brute-force scan of every release row; see
 * distance-trie.ts), so there is no approximation to report.
 */
import { sharedFloat64, sharedInt32 } from '../../src/encode/encode.js';
import { ReidgateError } from '../../src/errors.js';
import type { AttackContext } from '../types.js';
import { buildNeighbourIndexOn, nearestNeighbours } from './distance-neighbours.js';
import { type DistanceMetric, pairDistance } from './distance-pair.js';
import { pairColumns } from './distance-scales.js';
import type { MethodResult } from './method.js';

export {
  buildNeighbourIndexOn,
  type NeighbourOptions,
  type Neighbours,
  nearestNeighbours,
} from './distance-neighbours.js';
export type { DistanceMetric } from './distance-pair.js';
export { pairDistance } from './distance-pair.js';
export { distanceScales, pairColumns, type TableRows } from './distance-scales.js';

/**
 * The confidence of a nearest-neighbour link from its two nearest distances: 1 − d1/d2 (0 when
 * d1 = d2, 1 when d1 = 0 < d2 or d2 = +∞ with d1 finite; NaN when d1 = +∞, i.e. no link).
 */
export function distanceConfidence(d1: number, d2: number): number {
  if (!(d1 < Number.POSITIVE_INFINITY)) return Number.NaN;
  if (d2 === Number.POSITIVE_INFINITY) return 1;
  if (d1 === d2) return 0;
  return 1 - d1 / d2;
}

/**
 * Links each sampled target to its nearest release record.
 * @param ctx - the attack context; needs `ctx.linkage` (targets, known QIs, compat relations)
 * @param metric - 'gower' or 'manhattan'
 * @returns claims, confidence 1 − d1/d2 and, with ground truth, expected success under random
 *   tie-breaking; distance summaries (no record values) in details
 * @throws ReidgateError('INTERNAL') when the context has no linkage inputs (the caller checks)
 */
export async function distanceLinkage(ctx: AttackContext, metric: DistanceMetric): Promise<MethodResult> {
  const link = ctx.linkage;
  if (!link)
    throw new ReidgateError('INTERNAL', `distance-${metric}: no linkage inputs in the attack context`);
  const columns = link.knownQi.filter((c) => ctx.release.columns.has(c) && link.targets.columns.has(c));
  const T = link.targetRows.length;
  const reference = { table: ctx.release };
  const query = { table: link.targets, rows: link.targetRows };
  const claimed = sharedInt32(T).fill(-1);
  const confidence = sharedFloat64(T).fill(Number.NaN);
  const warnings: string[] = [];
  if (columns.length === 0 || T === 0 || ctx.release.rows === 0) {
    warnings.push(`distance-${metric}: no targets, release rows or known QIs to compare; no links claimed`);
    return { method: `distance-${metric}`, claimed, confidence, details: { metric, targets: T }, warnings };
  }
  const index = await buildNeighbourIndexOn(ctx.pool, reference, columns);
  const nn = await nearestNeighbours(ctx.pool, query, reference, columns, metric, 2, {
    compat: link.compat,
    index,
    countTies: true,
  });
  const pairs = pairColumns(link.targets, ctx.release, columns, nn.scales, link.compat);
  const withTruth = link.groundTruth !== 'none';
  const expectedSuccess = withTruth ? sharedFloat64(T) : undefined;
  let noLink = 0;
  let exactZero = 0;
  let tiedNearest = 0;
  let truthAtNearest = 0;
  const d1s: number[] = [];
  for (let t = 0; t < T; t++) {
    const d1 = nn.distance[2 * t];
    const d2 = nn.distance[2 * t + 1];
    if (!(d1 < Number.POSITIVE_INFINITY)) {
      noLink++;
      continue;
    }
    claimed[t] = nn.index[2 * t];
    confidence[t] = distanceConfidence(d1, d2);
    d1s.push(d1);
    if (d1 === 0) exactZero++;
    const ties = nn.ties![t];
    if (ties > 1) tiedNearest++;
    const truth = link.truth[t];
    if (expectedSuccess && truth >= 0 && pairDistance(metric, pairs, link.targetRows[t], truth) === d1) {
      expectedSuccess[t] = 1 / ties;
      truthAtNearest++;
    }
  }
  if (noLink > 0) {
    warnings.push(
      `distance-${metric}: ${noLink} target(s) have no known QI value comparable with any release record; no link claimed for them`,
    );
  }
  d1s.sort((a, b) => a - b);
  const quantile = (f: number) =>
    d1s.length ? d1s[Math.min(d1s.length - 1, Math.floor(f * d1s.length))] : null;
  return {
    method: `distance-${metric}`,
    claimed,
    confidence,
    expectedSuccess,
    details: {
      metric,
      columns,
      exact: true,
      tieBreak: 'lowest release row',
      confidence: '1 - d1/d2 (0 when d1 = d2; 1 when d1 = 0 < d2)',
      scales:
        metric === 'gower'
          ? 'numeric terms |x - y| / range over release and sampled targets, clamped to 1'
          : 'numeric terms |x - y| / release standard deviation',
      targets: T,
      linked: T - noLink,
      atDistanceZero: exactZero,
      tiedAtNearest: tiedNearest,
      truthAtNearest: withTruth ? truthAtNearest : null,
      nearestDistanceQuartiles: [quantile(0.25), quantile(0.5), quantile(0.75)],
      releaseRows: nn.stats.referenceRows,
      distinctReleaseTuples: nn.stats.tuples,
      tuplesEvaluatedPerTarget: nn.stats.evaluated / T,
    },
    warnings,
  };
}
