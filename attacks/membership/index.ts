/**
 * @module attacks/membership — can an attacker who holds a person's record tell, from the release,
 * whether that person was in the data the release was made from?
 *
 * Targets are a seeded, balanced sample of members (--original) and non-members (--control, which
 * was never used to make the release, so the release holds none of them); another half of the control
 * is the reference sample (targets.ts). Five scores per target (scores.ts): distance to closest record
 * under Gower and under standardized Manhattan, DCR relative to the reference, a k-NN density ratio
 * (DOMIAS, van Breugel et al. 2023, arXiv 2302.12580) and the PWS Cup 2025 1-NN Manhattan attack, all
 * from exact nearest-neighbour searches on the pool (knn.ts). Each score gets its AUC, advantage and
 * TPR at FPR 0.01 and 0.001 with thresholds chosen on held-out halves and bootstrap intervals
 * (evaluate.ts), following Carlini et al. 2022 (arXiv 2112.03570): TPR at low FPR is what matters.
 * The metrics are the strongest score's (report.ts).
 *
 * The attacker is assumed to know each target's full record over the compared columns: the QIs and
 * the sensitive attributes present in release, original and control.
 */
import { ReidgateError } from '../../src/errors.js';
import { deriveSeed } from '../../src/stats/random.js';
import type { Attack, AttackContext, AttackOutcome } from '../types.js';
import { evaluateScores, type ScoreFigures } from './evaluate.js';
import { type LikelihoodResult, likelihoodScores } from './likelihood.js';
import {
  ALPHAS,
  distanceSummary,
  methodNote,
  randomizationNote,
  resolutionWarnings,
  rocSeries,
  scoreDetails,
  scoreMetrics,
  scoreTable,
  strongest,
} from './report.js';
import { computeScores, SCORE_IDS, type ScoreId } from './scores.js';
import type { ColumnSpec } from './space.js';
import { DEFAULT_TARGETS_PER_CLASS, type MembershipTargets, sampleTargets } from './targets.js';

/** Options read from `ctx.membership` (set by a trial or by library callers). */
export interface MembershipOptions {
  /** Targets per class (members, and as many non-members); default --targets, else 1000. */
  targets?: number;
  /** Neighbours of the density ratio (default 5). */
  k?: number;
  /** Bootstrap resamples (default 500). */
  resamples?: number;
}

/** fetchRows: read by the run on engines other than local (src/engine/fetch-local.ts). */
const OPTION_KEYS = ['targets', 'k', 'resamples', 'fetchRows'];
export const DEFAULT_K = 5;
export const DEFAULT_RESAMPLES = 500;

function positive(name: string, v: number | undefined, min: number): number | undefined {
  if (v !== undefined && !(Number.isInteger(v) && v >= min)) {
    throw new ReidgateError('USAGE', `membership: ${name} ${v} must be a whole number of at least ${min}`);
  }
  return v;
}

/**
 * Targets per class: the option, else --targets (seen as ctx.linkage's sample size when it differs
 * from the run's default of min(rows, 10,000)), else 1000.
 */
function requested(ctx: AttackContext, o: MembershipOptions): [number, MembershipTargets['requestedFrom']] {
  const t = positive('targets', o.targets, 1);
  if (t !== undefined) return [t, 'option'];
  const link = ctx.linkage;
  if (link && link.targetRows.length !== Math.min(link.targets.rows, 10_000)) {
    return [link.targetRows.length, '--targets'];
  }
  return [DEFAULT_TARGETS_PER_CLASS, 'default'];
}

export const membership: Attack = {
  id: 'membership',
  title: 'Membership inference',
  summary:
    'Tells members of the original from people who were not in it (the control) by how close the release comes to their records, and reports how many members are found at a low false-alarm rate.',
  references: [
    'Carlini N, Chien S, Nasr M, Song S, Terzis A, Tramèr F. Membership Inference Attacks From First Principles. IEEE S&P 2022. arXiv:2112.03570',
    'van Breugel B, Sun H, Qian Z, van der Schaar M. Membership Inference Attacks against Synthetic Data through Overfitting Detection (DOMIAS). AISTATS 2023. arXiv:2302.12580',
    'Gower JC. A general coefficient of similarity and some of its properties. Biometrics 1971;27:857-871. doi:10.2307/2528823',
    'PWS Cup 2025 sample scripts, attack/mia.py (1-NN Manhattan membership attack). https://github.com/pwscup/pwscup2025-scripts',
    'Yeom S, Giacomelli I, Fredrikson M, Jha S. Privacy Risk in Machine Learning: Analyzing the Connection to Overfitting. IEEE CSF 2018. doi:10.1109/CSF.2018.00027',
    'Mann HB, Whitney DR. On a test of whether one of two random variables is stochastically larger than the other. Ann Math Stat 1947;18:50-60. doi:10.1214/aoms/1177730491',
  ],
  metrics: {
    targets:
      'Targets attacked: members plus as many non-members (control records never used for the release).',
    auc: 'Chance that the strongest score ranks a random member above a random non-member (0.5 = no better than guessing).',
    advantage:
      'Largest gap between the share of members and the share of non-members flagged, at a threshold chosen on other targets (0 = no leak, 1 = perfect).',
    'tpr@fpr=0.01':
      'Share of members flagged when only 1% of non-members are falsely flagged (threshold chosen on other targets); a random guess gets 0.01.',
    'tpr@fpr=0.001':
      'Share of members flagged when only 0.1% of non-members are falsely flagged; a random guess gets 0.001. Needs at least 2000 targets per class to be resolved.',
  },
  // On engines other than local: run on every row fetched from the engine, up to --option membership.fetchRows.
  fetchable: true,
  needs: (inputs) =>
    inputs.qi === 0
      ? 'no quasi-identifiers given'
      : !inputs.original
        ? 'needs --original (the members: the records the release was made from)'
        : !inputs.control
          ? 'needs --control (records of the same population never used to make the release) as non-members and reference'
          : null,

  async run(ctx: AttackContext): Promise<AttackOutcome> {
    const o = (ctx as { membership?: MembershipOptions }).membership ?? {};
    for (const key of Object.keys(o)) {
      if (!OPTION_KEYS.includes(key)) {
        throw new ReidgateError(
          'USAGE',
          `membership: unknown option \`${key}\` (options: ${OPTION_KEYS.join(', ')})`,
        );
      }
    }
    const k = positive('k', o.k, 1) ?? DEFAULT_K;
    const resamples = positive('resamples', o.resamples, 0) ?? DEFAULT_RESAMPLES;
    const [want, from] = requested(ctx, o);
    const { original, control, release } = ctx;
    if (!original || !control) throw new ReidgateError('USAGE', 'membership: needs --original and --control');
    if (original.rows < 2 || control.rows < 4) {
      throw new ReidgateError(
        'ATTACK_FAILED',
        `membership: needs at least 2 original and 4 control records (2 non-member targets and a reference); got ${original.rows} and ${control.rows}`,
      );
    }
    const names = [
      ...ctx.qi.map((q) => q.name),
      ...ctx.sensitive.filter((s) => !ctx.qi.some((q) => q.name === s)),
    ];
    const columns: ColumnSpec[] = [];
    for (const name of names) {
      const c = release.columns.get(name);
      if (c && original.columns.has(name) && control.columns.has(name)) columns.push({ name, kind: c.kind });
      else if (ctx.qi.some((q) => q.name === name)) {
        throw new ReidgateError(
          'COLUMN',
          `--qi: column \`${name}\` not in the release, original and control`,
        );
      }
    }
    const tg = sampleTargets(original.rows, control.rows, want, from, ctx.seed);
    const m = tg.members.length;
    const sc = await computeScores(ctx.pool, {
      release,
      original,
      control,
      columns,
      compat: ctx.linkage?.compat,
      members: tg.members,
      nonMembers: tg.nonMembers,
      reference: tg.reference,
      k,
    });
    const channels = ctx.randomization;
    let lik: LikelihoodResult | undefined;
    if (channels && columns.some((c) => channels.has(c.name))) {
      lik = await likelihoodScores(ctx.pool, {
        release,
        columns,
        channels,
        targets: [
          { table: original, rows: tg.members },
          { table: control, rows: tg.nonMembers },
        ],
        reference: { table: control, rows: tg.reference },
      });
    }
    const ids: ScoreId[] = lik ? [...SCORE_IDS, 'likelihood'] : [...SCORE_IDS];
    const values: Partial<Record<ScoreId, Float64Array>> = { ...sc.values, likelihood: lik?.values };
    const label = new Uint8Array(2 * m).fill(1, 0, m);
    const perHalf = Math.min(m - (m >> 1), m >> 1);
    const resolved = ALPHAS.map((a) => Math.max(a, 1 / perHalf));
    const list = await evaluateScores(
      ctx.pool,
      ids.map((id) => values[id]!),
      label,
      tg.half,
      resolved,
      deriveSeed(ctx.seed, 'membership/bootstrap'),
      resamples,
    );
    const figs = Object.fromEntries(ids.map((id, i) => [id, list[i]])) as Partial<
      Record<ScoreId, ScoreFigures>
    >;
    const top = strongest(figs, ids);
    const warnings = [...tg.warnings, ...resolutionWarnings(perHalf, resolved)];
    if (ctx.linkage?.compat && [...ctx.linkage.compat.values()].some((c) => c.codes.length > 0)) {
      warnings.push(
        'the release has generalized values: Gower and Manhattan treat a compatible generalized value as a match; the PWS attack compares codes and interval midpoints as they are',
      );
    }
    if (lik) warnings.push(...randomizationNote(lik).warnings);
    return {
      metrics: { targets: { value: 2 * m, ci95: null }, ...scoreMetrics(figs[top]!, 2 * m) },
      tables: [scoreTable(figs, top, resolved, ids)],
      series: [rocSeries(ids, values, label)],
      perTarget: {
        rows: Int32Array.from([...tg.members, ...tg.nonMembers]),
        columns: {
          member: Int32Array.from(label),
          half: Int32Array.from(tg.half),
          ...Object.fromEntries(ids.map((id) => [id, values[id]!])),
        },
      },
      details: {
        verdictScore: top,
        verdictRule:
          'the metrics are those of the score with the highest lower bound of tpr@fpr=0.01 (then the highest tpr@fpr=0.01, then the highest auc)',
        scores: Object.fromEntries(
          ids.map((id) => [id, scoreDetails(id, figs[id]!, values[id]!, label, resolved)]),
        ),
        targets: {
          perClass: m,
          requested: tg.requested,
          requestedFrom: tg.requestedFrom,
          members: m,
          nonMembers: m,
          reference: tg.reference.length,
          nonMembersPerEvaluationHalf: perHalf,
          perTargetRows: 'targetRow is a row of --original when member = 1, of --control when member = 0',
        },
        columns: columns.map((c) => c.name),
        densityK: k,
        bootstrap: { resamples, interval: 'percentile 2.5%-97.5%, stratified by half and class' },
        distances: distanceSummary(sc, m),
        searches: sc.searches,
        ...(lik
          ? {
              randomization: {
                randomized: lik.randomized.map((name) => ({
                  column: name,
                  method: channels!.get(name)!.method,
                })),
                undeclared: lik.undeclared,
                distinctReleaseRows: lik.distinctReleaseRows,
                distinctReferenceRows: lik.distinctReferenceRows,
              },
            }
          : {}),
      },
      warnings,
      method: [
        methodNote(k, resamples, m, tg.reference.length, columns.length),
        lik ? randomizationNote(lik).method : '',
      ]
        .filter(Boolean)
        .join(' '),
    };
  },
};
