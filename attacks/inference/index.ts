/**
 * @module attacks/inference — can the release be used to infer members' sensitive attributes beyond
 * what it teaches about anyone?
 *
 * Re-implemented from the paper (not from Anonymeter's code): Giomi, Boenisch, Wehmeyer & Tasnádi,
 * "A Unified Framework for Quantifying Privacy Risk in Synthetic Data", PETS 2023(2):312–328,
 * doi:10.56553/popets-2023-0055. The attacker knows a target's quasi-identifiers and guesses each
 * secret from its nearest released record(s) under Gower distance (neighbours.ts, guess.ts). The same
 * attack on non-members (--control) measures what the release says about the population; guesses
 * drawn from the release's marginal are the naive baseline; risk = (main − control)/(1 − control)
 * (score.ts). For categorical secrets the correct attribution probability CAP and targeted TCAP of
 * Taub, Elliot et al. (PSD 2018, doi:10.1007/978-3-319-99771-1_9) are reported too (cap.ts).
 *
 * Work on the pool: the nearest-neighbour search, sharded by target (results do not depend on the
 * number of workers). Guessing, CAP and scoring are linear passes in the main thread.
 */
import { ReidgateError } from '../../src/errors.js';
import { deriveSeed, rng } from '../../src/stats/random.js';
import type { Attack, AttackContext, AttackOutcome, MetricOut } from '../types.js';
import { capOf } from './cap.js';
import { classSecrets, releaseClasses } from './classes.js';
import { baselineGuesses, guessSecret, modeGuesses } from './guess.js';
import { neighboursOf } from './neighbours.js';
import { settings } from './options.js';
import { guessByPosterior, posteriorOf } from './posterior.js';
import { columnOf, gowerScales, sampleTargets, secretsOf, shuffleRelease } from './prepare.js';
import { describeSecret, methodNote, secretTable, secretWarnings } from './report.js';
import { type SecretScore, type SecretTally, scoreSecret } from './score.js';

export type { InferenceOptions } from './options.js';

const metric = (r: { value: number; ci: [number, number]; n: number }): MetricOut => ({
  value: r.value,
  ci95: r.ci,
  n: r.n,
});

/** The secret with the largest figure `pick` (null when no secret has it). */
function maxBy(scores: readonly SecretScore[], pick: (s: SecretScore) => number | undefined) {
  let best: SecretScore | null = null;
  for (const s of scores) {
    const v = pick(s);
    if (v !== undefined && (best === null || v > pick(best)!)) best = s;
  }
  return best;
}

export const inference: Attack = {
  id: 'inference',
  title: 'Attribute inference (Anonymeter)',
  summary:
    'Guesses each member’s sensitive attributes from the released records nearest to their quasi-identifiers, and checks how much more often this works for members than for people who were not in the data.',
  references: [
    'Giomi M, Boenisch F, Wehmeyer C, Tasnádi B. A Unified Framework for Quantifying Privacy Risk in Synthetic Data. Proc. Priv. Enhancing Technol. 2023(2):312-328. doi:10.56553/popets-2023-0055',
    'Taub J, Elliot M, Pampaka M, Smith D. Differential Correct Attribution Probability for Synthetic Data: An Exploration. Privacy in Statistical Databases 2018, LNCS 11126:122-137. doi:10.1007/978-3-319-99771-1_9',
    'Taub J, Elliot M, Sakshaug JW. The impact of synthetic data generation on data utility with application to the 1991 UK Samples of Anonymised Records. Transactions on Data Privacy 2020;13(1):1-23',
    'Gower JC. A general coefficient of similarity and some of its properties. Biometrics 1971;27(4):857-871. doi:10.2307/2528823',
  ],
  metrics: {
    targets: 'Member targets attacked (and as many non-member control targets).',
    accuracy:
      'Share of member targets whose sensitive value the attacker guesses right from the release (the secret with the largest risk).',
    controlAccuracy:
      'Share of non-members (never used to make the release) guessed right the same way: what the release says about anyone.',
    baselineAccuracy:
      'Share of members guessed right by drawing a value at random from the release (a naive attacker).',
    risk: 'Inference risk attributable to the release: (accuracy − control)/(1 − control), the largest over the secrets.',
    capMean:
      'Mean correct attribution probability: the share of release records sharing a member’s QI values that hold the member’s sensitive value (the largest over categorical secrets).',
    tcap: 'Targeted CAP: among members whose QI values pick out release records that (nearly) all share one sensitive value, the share for which that value is right (the largest over categorical secrets).',
  },
  // On engines other than local: run on every row fetched from the engine, up to --option inference.fetchRows
  // (its figures need the whole of every input, so above the bound it is skipped, never approximated).
  fetchable: true,
  needs: (inputs) =>
    inputs.qi === 0
      ? 'no quasi-identifiers given'
      : inputs.sensitive === 0
        ? 'needs --sensitive (the attributes the attacker tries to infer)'
        : !inputs.original
          ? 'needs --original (the members the release was made from) to check the guesses'
          : !inputs.control
            ? 'needs --control (records of the same population not used for the release) to separate a leak from what the release teaches about everyone'
            : null,

  async run(ctx: AttackContext): Promise<AttackOutcome> {
    const s = settings(ctx);
    if (!ctx.original || !ctx.control) {
      throw new ReidgateError('USAGE', 'inference: needs --original and --control');
    }
    const secrets = secretsOf(ctx);
    const qi = ctx.qi.map((x) => x.name);
    for (const [t, role] of [
      [ctx.release, 'release'],
      [ctx.original, 'original'],
      [ctx.control, 'control'],
    ] as const) {
      for (const name of qi) columnOf(t, name, '--qi', role);
    }
    const warnings: string[] = [];
    const n = Math.min(s.requested, ctx.original.rows, ctx.control.rows);
    if (n < s.requested && s.explicit) {
      warnings.push(
        `${s.requested} targets requested; the original has ${ctx.original.rows} records and the control ${ctx.control.rows}, so ${n} of each were attacked`,
      );
    }
    if (ctx.release.rows === 0 || n === 0) {
      throw new ReidgateError('ATTACK_FAILED', 'inference: the release or a target set has no records');
    }
    const sets = sampleTargets(ctx, n);
    const names = secrets.map((x) => x.name);
    const shuffled = shuffleRelease(
      ctx.release,
      [...qi, ...names],
      deriveSeed(ctx.seed, 'inference:shuffle'),
    );
    const release = shuffled.table;
    const scales = gowerScales(release, sets, qi);
    const nn = await neighboursOf(ctx.pool, release, sets, qi, s.k, scales, ctx.linkage?.compat);

    const rc = releaseClasses(
      qi.map((c) => release.columns.get(c)!),
      release.rows,
    );
    const compat = qi.map((c) => ctx.linkage?.compat.get(c));
    const scores: SecretScore[] = [];
    const channels: Record<string, string> = {};
    const perTarget: Record<string, Float64Array> = {};
    for (const x of secrets) {
      const rel = release.columns.get(x.name)!;
      const truth = sets.map((set) => set.table.columns.get(x.name)!);
      // A declared channel on the secret: invert it by Bayes' rule (posterior.ts).
      const channel = ctx.randomization?.get(x.name);
      const model = channel ? posteriorOf(rel, channel) : undefined;
      const [main, control] = sets.map((set, i) =>
        model
          ? guessByPosterior(truth[i], set.rows, nn[i], x.numeric, s.tolerance, model)
          : guessSecret(rel, truth[i], set.rows, nn[i], x.numeric, s.tolerance),
      );
      if (channel) channels[x.name] = channel.method;
      const random = rng(deriveSeed(ctx.seed, `inference:baseline:${x.name}`));
      const baseline = baselineGuesses(rel, truth[0], sets[0].rows, x.numeric, s.tolerance, random);
      const [majorityMain, majorityControl] = sets.map((set, i) =>
        modeGuesses(rel, truth[i], set.rows, x.numeric, s.tolerance),
      );
      let cap: SecretTally['cap'];
      if (!x.numeric) {
        const cs = classSecrets(rc, rel);
        const [m, c] = sets.map((set, i) =>
          capOf(
            rc,
            cs,
            qi.map((q) => set.table.columns.get(q)!),
            truth[i],
            set.rows,
            compat,
            s.tau,
          ),
        );
        cap = { main: m, control: c };
        perTarget[`${x.name}.cap`] = m.cap;
      }
      perTarget[`${x.name}.correct`] = Float64Array.from(main.correct, (v) => (v < 0 ? Number.NaN : v));
      const majority = { main: majorityMain, control: majorityControl };
      const score = scoreSecret({ ...x, secret: x.name, main, control, baseline, majority, cap });
      scores.push(score);
      warnings.push(...secretWarnings(score, n));
    }

    const top = maxBy(scores, (x) => x.risk?.value);
    if (!top) {
      throw new ReidgateError(
        'ATTACK_FAILED',
        `inference: no secret could be scored (${names.join(', ')}): no member or control target has a known value`,
      );
    }
    const metrics: Record<string, MetricOut> = {
      targets: { value: n, ci95: null },
      accuracy: metric(top.main!),
      controlAccuracy: metric(top.control!),
      baselineAccuracy: metric(top.baseline!),
      risk: { value: top.risk!.value, ci95: top.risk!.ci, n: top.main!.n },
    };
    const capTop = maxBy(scores, (x) => x.cap?.main.capMean?.value);
    if (capTop) metrics.capMean = metric(capTop.cap!.main.capMean!);
    const tcapTop = maxBy(scores, (x) => x.cap?.main.tcap?.value);
    if (tcapTop) metrics.tcap = metric(tcapTop.cap!.main.tcap!);
    else if (capTop)
      warnings.push(`TCAP: no member target falls in a release class whose modal value has share ≥ ${s.tau}`);

    return {
      metrics,
      tables: [secretTable(scores, top.secret, s)],
      perTarget: { rows: Int32Array.from(sets[0].rows), columns: perTarget },
      details: {
        verdictSecret: top.secret,
        verdictRule:
          'accuracy, controlAccuracy, baselineAccuracy and risk are those of the secret with the largest risk',
        capSecret: capTop?.secret ?? null,
        tcapSecret: tcapTop?.secret ?? null,
        k: s.k,
        tolerance: s.tolerance,
        tau: s.tau,
        targetsRequested: s.requested,
        targets: n,
        distance: 'gower',
        tieBreak: 'seeded random order of the release',
        releaseRecordsVisitedPerTarget: nn.reduce((a, x) => a + x.visited, 0) / (2 * n),
        releaseClasses: rc.count,
        secrets: Object.fromEntries(
          scores.map((x) => [x.secret, { ...describeSecret(x), channel: channels[x.secret] ?? null }]),
        ),
      },
      warnings,
      method: methodNote(s, n, qi, top.secret, channels),
    };
  },
};
