/**
 * @module attacks/membership/scores — the five membership scores of each target (higher = "member").
 *
 * With d_rel^(k) the distance from a target to its k-th nearest release record and d_ref^(k) to its
 * k-th nearest record of the reference sample (the control half that is never a target), ε = 1e-6:
 * 1. `dcr-gower`: −d_rel^(1) under Gower — distance to closest record (DCR; e.g. Park et al. 2018,
 *    "Data synthesis based on GANs", PVLDB 11:1071, doi:10.14778/3231751.3231757).
 * 2. `dcr-manhattan`: −d_rel^(1) under Manhattan distance on standardized numerics.
 * 3. `dcr-relative`: (d_ref^(1) + ε)/(d_rel^(1) + ε) under Gower — closer to the release than to the
 *    population means more suspicious (the reference removes what the release shows of everyone).
 * 4. `density-ratio`: DOMIAS (van Breugel, Sun, Qian & van der Schaar, AISTATS 2023, arXiv 2302.12580),
 *    the ratio of the release's density to the reference's at the target, with nearest-neighbour
 *    density estimates under Gower (Loftsgaarden & Quesenberry 1965, Ann. Math. Statist. 36:1049,
 *    doi:10.1214/aoms/1177700079) so that it works for mixed records: r is the distance to the k-th
 *    nearest record of release ∪ reference (k = 5), c_rel and c_ref the records of each within r, and
 *    score = log((c_rel + ½)/n_rel) − log((c_ref + ½)/n_ref), the log ratio of the two densities over
 *    the same ball (the ½ keeps an empty ball finite). A common radius, unlike a ratio of each set's
 *    k-th distances, stays informative when records repeat: at r = 0 it compares how many exact
 *    copies each set holds (counted in full); for r > 0 records tied at r beyond the k nearest of a
 *    set are not counted.
 * 5. `pws-1nn`: the PWS Cup 2025 reference attack (`attack/mia.py`, github.com/pwscup/pwscup2025-scripts):
 *    every release record marks its nearest candidate (the pooled targets, as the contest's Ai) under
 *    the PWS distance (space.ts); marked candidates are called members. As a score: 1/(1 + δ) for a
 *    marked target, δ the smallest distance of a release record that marked it, and 0 when unmarked,
 *    so the rule "score > 0" is exactly the contest's decision and the ROC extends it.
 * A target with no column comparable with any record gets −∞ (scores 1–2) or the neutral value.
 *
 * Scores 3 and 4 assume the reference and the non-member targets are independent draws from the
 * members' population. Records that cluster inside the control (people of one household share area,
 * household weight, family size) or a shift between control and original (another year) bring
 * non-members closer to the reference and lift those scores a little: on the NIST excerpts, a release
 * of other people over all 24 columns gives them an AUC of about 0.54 (the DCR scores stay at 0.50).
 */
import type { EncodedTable } from '../../src/encode/types.js';
import type { WorkerPool } from '../../src/pool/pool.js';
import type { CompatRelation } from '../types.js';
import { type Neighbours, nearest } from './knn.js';
import { buildSpace, type ColumnSpec, type Points, toPoints } from './space.js';

export const EPSILON = 1e-6;

export const SCORE_IDS = ['dcr-gower', 'dcr-manhattan', 'dcr-relative', 'density-ratio', 'pws-1nn'] as const;
/** The five scores above, and `likelihood` (likelihood.ts) when the trial declares a randomization. */
export type ScoreId = (typeof SCORE_IDS)[number] | 'likelihood';

export interface ScoreInputs {
  release: EncodedTable;
  original: EncodedTable;
  control: EncodedTable;
  columns: readonly ColumnSpec[];
  compat?: ReadonlyMap<string, CompatRelation>;
  members: Int32Array;
  nonMembers: Int32Array;
  reference: Int32Array;
  /** Neighbours for the density ratio. */
  k: number;
}

export interface Scores {
  /** Per score, one value per target: members first, then non-members. */
  values: Record<(typeof SCORE_IDS)[number], Float64Array>;
  /** Distances behind the scores (for summaries). */
  distances: { gower: Float64Array; manhattan: Float64Array; reference: Float64Array };
  /** PWS: release records marking each target. */
  marks: Int32Array;
  /** Search effort per search. */
  searches: Record<string, Neighbours['stats']>;
}

/** Concatenates two point sets laid out in the same space. */
function concat(a: Points, b: Points): Points {
  const data = new Float64Array(new SharedArrayBuffer(Math.max(8, (a.data.length + b.data.length) * 8)));
  data.set(a.data);
  data.set(b.data, a.data.length);
  let numCodes: Int32Array | null = null;
  if (a.numCodes && b.numCodes) {
    const n = a.numCodes.length + b.numCodes.length;
    numCodes = new Int32Array(new SharedArrayBuffer(Math.max(4, n * 4)));
    numCodes.set(a.numCodes);
    numCodes.set(b.numCodes, a.numCodes.length);
  }
  return { n: a.n + b.n, data, numCodes };
}

const ratio = (ref: number, rel: number) => {
  const r = (ref + EPSILON) / (rel + EPSILON);
  return Number.isNaN(r) ? 1 : r;
};

/**
 * The common-radius k-NN density ratio of target t (module comment, score 4).
 * @param rel - k nearest release records per target (with exact-copy counts)
 * @param ref - k nearest reference records per target
 */
export function densityRatio(
  rel: Neighbours,
  ref: Neighbours,
  t: number,
  k: number,
  nRel: number,
  nRef: number,
): number {
  let i = 0;
  let j = 0;
  let r = Number.POSITIVE_INFINITY;
  for (let taken = 0; taken < k; taken++) {
    const a = i < k ? rel.distance[t * k + i] : Number.POSITIVE_INFINITY;
    const b = j < k ? ref.distance[t * k + j] : Number.POSITIVE_INFINITY;
    r = Math.min(a, b);
    if (a <= b) i++;
    else j++;
  }
  let cRel = 0;
  let cRef = 0;
  if (r === 0) {
    cRel = rel.zeros[t];
    cRef = ref.zeros[t];
  } else if (r < Number.POSITIVE_INFINITY) {
    for (let q = 0; q < k; q++) {
      if (rel.distance[t * k + q] <= r) cRel++;
      if (ref.distance[t * k + q] <= r) cRef++;
    }
  }
  return Math.log((cRel + 0.5) / Math.max(1, nRel)) - Math.log((cRef + 0.5) / Math.max(1, nRef));
}

/**
 * Computes the five scores.
 * @param pool - worker pool for the searches
 * @param s - tables, compared columns, targets and reference
 */
export async function computeScores(pool: WorkerPool, s: ScoreInputs): Promise<Scores> {
  const mem = { table: s.original, rows: s.members };
  const non = { table: s.control, rows: s.nonMembers };
  const ref = { table: s.control, rows: s.reference };
  const rel = { table: s.release };
  const T = s.members.length + s.nonMembers.length;
  const targetsIn = (space: Parameters<typeof toPoints>[0], names: Parameters<typeof toPoints>[1]) =>
    concat(toPoints(space, names, mem), toPoints(space, names, non));

  // Each search builds its tree in this thread, then runs on the pool; started together, the next
  // tree is built while the workers search.
  const k = Math.max(1, s.k);
  const g = buildSpace('gower', s.columns, [rel, mem, non, ref], s.compat);
  const gTargets = targetsIn(g.space, g.names);
  const m = buildSpace('manhattan', s.columns, [rel], s.compat);
  const p = buildSpace('pws', s.columns, [mem, non]);
  const [gRel, gRef, mRel, pRel] = await Promise.all([
    nearest(pool, g.space, gTargets, toPoints(g.space, g.names, rel), k),
    nearest(pool, g.space, gTargets, toPoints(g.space, g.names, ref), k),
    nearest(pool, m.space, targetsIn(m.space, m.names), toPoints(m.space, m.names, rel), 1),
    nearest(pool, p.space, toPoints(p.space, p.names, rel), targetsIn(p.space, p.names), 1),
  ]);
  const marks = new Int32Array(T);
  const delta = new Float64Array(T).fill(Number.POSITIVE_INFINITY);
  for (let r = 0; r < s.release.rows; r++) {
    const t = pRel.index[r];
    if (t < 0) continue;
    marks[t]++;
    if (pRel.distance[r] < delta[t]) delta[t] = pRel.distance[r];
  }

  const values = Object.fromEntries(SCORE_IDS.map((id) => [id, new Float64Array(T)])) as Scores['values'];
  const gower = new Float64Array(T);
  const manhattan = new Float64Array(T);
  const reference = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    gower[t] = gRel.distance[t * k];
    manhattan[t] = mRel.distance[t];
    reference[t] = gRef.distance[t * k];
    values['dcr-gower'][t] = -gower[t];
    values['dcr-manhattan'][t] = -manhattan[t];
    values['dcr-relative'][t] = ratio(reference[t], gower[t]);
    values['density-ratio'][t] = densityRatio(gRel, gRef, t, k, s.release.rows, s.reference.length);
    values['pws-1nn'][t] = marks[t] > 0 ? 1 / (1 + delta[t]) : 0;
  }
  return {
    values,
    distances: { gower, manhattan, reference },
    marks,
    searches: {
      'gower: targets → release': gRel.stats,
      'gower: targets → reference': gRef.stats,
      'manhattan: targets → release': mRel.stats,
      'pws: release → targets': pRel.stats,
    },
  };
}
