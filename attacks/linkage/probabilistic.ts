/**
 * @module attacks/linkage/probabilistic — Fellegi–Sunter probabilistic linkage with EM-estimated m.
 *
 * 1. Blocking: up to three passes over disjoint sets of QIs (block.ts); a target's candidates are the
 *    union of its compatible buckets, so perturbing a few QIs (PRAM, noise, swapping) does not hide the
 *    true record unless every pass is hit.
 * 2. Comparison levels (compare.ts): equal, generalized-compatible, numeric within NUMERIC_BAND of the
 *    released range or a categorical value of Jaro–Winkler similarity ≥ 0.94 (close), Jaro–Winkler
 *    ≥ 0.85 (partial), disagree, missing. Jaro–Winkler applies to categorical fields unless
 *    `--option linkage.stringComparator=exact`; kernels read the dictionary strings (strings.ts).
 * 3. u from seeded random pairs; m and the share of matches λ among candidate pairs by EM under the
 *    one-to-one model (em.ts; Winkler 1988, Jaro 1989, Sadinle 2017).
 * 4. Match weight W = Σ_k log2(m_k/u_k) (Fellegi & Sunter 1969, doi:10.1080/01621459.1969.10501049).
 *    Each target's best candidate (ties: seeded uniform pick) is linked when its pairwise posterior
 *    match probability λ2^W / (λ2^W + 1 − λ) exceeds 1/2, i.e. W > log2((1 − λ)/λ).
 *    confidence = 2^W* / Σ_candidates 2^W: the attacker's posterior that the linked record is the
 *    target's, given that one of its candidates is (like exact linkage's 1/|S|). Ranking by it, not by
 *    W, is what makes the precision–coverage curve meaningful: tied identical candidates have a high W
 *    but a posterior of 1/k.
 */
import { sharedFloat64, sharedInt32 } from '../../src/encode/encode.js';
import { ranges } from '../../src/pool/pool.js';
import { deriveSeed, rng } from '../../src/stats/random.js';
import type { AttackContext } from '../types.js';
import { buildBlockIndex, planBlocking } from './block.js';
import { type FsPayload, JW_AGREE, JW_PARTIAL, LEVEL_NAMES, LEVELS, MAX_PATTERN_FIELDS } from './compare.js';
import { fitOneToOne, matchWeights } from './em.js';
import { bands, estimateU, mergePairs, patternWeights, tooManyCandidates } from './fs-fit.js';
import type { MethodResult } from './method.js';
import type { LinkageSettings } from './options.js';
import { prepareLinkage, toShared, uniforms } from './prepare.js';
import { fieldStrings } from './strings.js';

/** Expected bucket size at which a pass stops adding QIs. */
const FS_BUDGET = 64;
/** A second or third pass is dropped when its expected bucket size stays above this. */
const FS_MAX_BUCKET = 1000;
/** Targets with more candidates than this are not compared (see fs-fit.ts `tooManyCandidates`). */
const MAX_CANDIDATES = 2000;
/** At most this many fields (so a pattern key in base LEVELS stays below 2^53). */
const MAX_FIELDS = MAX_PATTERN_FIELDS;

/**
 * Runs Fellegi–Sunter linkage for the sampled targets.
 * @param ctx - the attack context (with `linkage`)
 * @returns one claim per target (none when the pairwise posterior is ≤ 1/2), confidence = the posterior of the pick
 */
export async function probabilisticLinkage(
  ctx: AttackContext,
  settings: Pick<LinkageSettings, 'stringComparator'> = { stringComparator: 'jaro-winkler' },
): Promise<MethodResult> {
  const data = prepareLinkage(ctx);
  const T = data.targetRows.length;
  const warnings: string[] = [];
  const plan = planBlocking(data, FS_BUDGET, 3, FS_MAX_BUCKET);
  const passes = plan.map((x) => buildBlockIndex(data, x.fields, x.stats, x.estimate));
  let used = data.fields.map((_, j) => j);
  if (used.length > MAX_FIELDS && plan[0]) {
    const stats = plan[0].stats;
    used = used.sort((a, b) => stats[a].collision - stats[b].collision).slice(0, MAX_FIELDS);
    warnings.push(`probabilistic linkage compared the ${MAX_FIELDS} most discriminating QIs only`);
  }
  const skip = tooManyCandidates(passes, T, MAX_CANDIDATES);
  const skipped = skip.reduce((a, b) => a + b, 0);
  if (skipped > 0) {
    warnings.push(
      `${skipped} target(s) were not linked: each agrees with more than ${MAX_CANDIDATES} release records on every blocking key (the release is too coarse to single them out by weights)`,
    );
  }
  const allStrings = settings.stringComparator === 'jaro-winkler' ? fieldStrings(ctx, data) : null;
  const strings = used.map((j) => allStrings?.[j] ?? null);
  const base: FsPayload = { data, used, bands: bands(data, used), strings, passes, skip, start: 0, end: 0 };
  const { u, seen } = await estimateU(ctx, base);
  const shards = ranges(T, ctx.pool.workers * 4);
  const shardPairs = await ctx.pool.map(
    'linkage.fsPairs',
    shards.map(([start, end]) => ({ ...base, start, end })),
  );
  const pairs = mergePairs(shardPairs);
  const model = fitOneToOne(pairs, u, seen, data.releaseRows);
  const { m, pi, lambda } = model;
  const weights = matchWeights(m, u);
  const threshold = Math.log2((1 - lambda) / lambda);
  if (!model.converged) warnings.push(`EM did not converge in ${model.iterations} iterations`);

  const truth = toShared(ctx.linkage!.truth);
  const out = {
    best: sharedInt32(T),
    bestWeight: sharedFloat64(T),
    posterior: sharedFloat64(T),
    ties: sharedInt32(T),
    candidates: sharedInt32(T),
    truthAmongBest: sharedInt32(T),
    truthInCandidates: sharedInt32(T),
  };
  const uniform = uniforms(T, rng(deriveSeed(ctx.seed, 'probabilistic')));
  await ctx.pool.map(
    'linkage.fsBest',
    shards.map(([start, end], s) => ({
      pairs: shardPairs[s],
      weight: patternWeights(shardPairs[s].keys, weights, used.length),
      start,
      end,
      truth,
      uniform,
      ...out,
    })),
  );
  const claimed = sharedInt32(T);
  const confidence = sharedFloat64(T);
  const expectedSuccess = sharedFloat64(T);
  let linked = 0;
  let withTruth = 0;
  let recalled = 0;
  for (let t = 0; t < T; t++) {
    const link = out.ties[t] > 0 && out.bestWeight[t] > threshold;
    claimed[t] = link ? out.best[t] : -1;
    confidence[t] = link ? out.posterior[t] : Number.NaN;
    expectedSuccess[t] = link && out.truthAmongBest[t] ? 1 / out.ties[t] : 0;
    if (link) linked++;
    if (truth[t] >= 0) {
      withTruth++;
      recalled += out.truthInCandidates[t];
    }
  }
  return {
    method: 'probabilistic',
    claimed,
    confidence,
    expectedSuccess,
    details: {
      blockingPasses: passes.map((b) => b.fields.map((j) => data.fields[j].name)),
      expectedBucketSizes: passes.map((b) => b.estimate),
      candidatePairs: pairs.count.reduce((a, b) => a + b, 0),
      patterns: pairs.keys.length,
      meanCandidatesPerTarget: T > 0 ? out.candidates.reduce((a, b) => a + b, 0) / T : 0,
      targetsWithoutCandidates: out.candidates.filter((c) => c === 0).length,
      targetsWithTooManyCandidates: skipped,
      /** Share of targets with a known true record whose record was among their candidates. */
      blockingRecall: withTruth > 0 ? recalled / withTruth : null,
      /** The attacker's estimate of the share of targets present in the release. */
      presentShare: pi,
      emIterations: model.iterations,
      /** Share of matches among candidate pairs (EM), the prior of the pairwise posterior. */
      matchShare: lambda,
      /** Links are made when W exceeds this: pairwise posterior > 1/2. */
      weightThreshold: threshold,
      /** Links whose weight also dominates the other candidates: 2^W* / Σ 2^W > 1/2. */
      clearLinks: out.posterior.filter((x, t) => claimed[t] >= 0 && x > 0.5).length,
      linked,
      stringComparator: settings.stringComparator,
      fields: used.map((j, a) => ({
        qi: data.fields[j].name,
        closeBand: base.bands[a],
        ...(strings[a] ? { jaroWinkler: { close: JW_AGREE, partial: JW_PARTIAL } } : {}),
        ...Object.fromEntries(
          Array.from({ length: LEVELS - 1 }, (_, x) => x + 1).map((l) => [
            LEVEL_NAMES[l],
            { m: m[a][l], u: u[a][l], weight: weights[a * LEVELS + l] },
          ]),
        ),
      })),
    },
    warnings,
  };
}
