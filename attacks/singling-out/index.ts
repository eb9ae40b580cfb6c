/**
 * @module attacks/singling-out — can the release be used to single out members of the original?
 *
 * Re-implemented from the paper (not from Anonymeter's code): Giomi, Boenisch, Wehmeyer & Tasnádi,
 * "A Unified Framework for Quantifying Privacy Risk in Synthetic Data", PETS 2023(2):312–328,
 * doi:10.56553/popets-2023-0055; singling out as in Article 29 Working Party Opinion 05/2014 and,
 * as predicates, Cohen & Nissim, PNAS 117(15):8344, 2020, doi:10.1073/pnas.1914598117.
 *
 * The attacker sees only the release. From it they build predicates over the quasi-identifiers
 * that match exactly one release record, guessing "exactly one person has these values":
 * univariate ones from values held by one record and numeric extremes, multivariate ones from the
 * values of a random record on 2–4 random QIs (mode.ts, predicates.ts, kernels.ts). A guess
 * succeeds when the predicate matches exactly one member (a record of --original). The same
 * predicates on --control measure what the release teaches about the population at large; random
 * predicates on the original are the naive baseline. risk = (main − control)/(1 − control) with a
 * propagated Wilson interval; original and control are compared at equal size (normalize.ts).
 */
import { ReidgateError } from '../../src/errors.js';
import type { Rate } from '../../src/stats/intervals.js';
import type { Attack, AttackContext, AttackOutcome, MetricOut } from '../types.js';
import { type Mode, type ModeResult, runMode } from './mode.js';
import { scaleFor } from './normalize.js';
import { describeMode, methodNote, modeTable, modeWarnings } from './report.js';

/** Options read from `ctx.singlingOut` (set by a trial or by library callers). */
export interface SinglingOutOptions {
  /** Predicates per mode (default 2000). */
  n?: number;
  /** Which predicates (default both). */
  mode?: Mode | 'both';
}

export const DEFAULT_PREDICATES = 2000;

function options(ctx: AttackContext): { n: number; modes: Mode[] } {
  const o = (ctx as { singlingOut?: SinglingOutOptions }).singlingOut ?? {};
  const n = o.n ?? DEFAULT_PREDICATES;
  if (!Number.isInteger(n) || n < 1) {
    throw new ReidgateError('USAGE', `singling-out: predicates ${n} must be a whole number of at least 1`);
  }
  const mode = o.mode ?? 'both';
  if (!['univariate', 'multivariate', 'both'].includes(mode)) {
    throw new ReidgateError(
      'USAGE',
      `singling-out: mode \`${mode}\` is not one of univariate, multivariate, both`,
    );
  }
  return { n, modes: mode === 'both' ? ['univariate', 'multivariate'] : [mode as Mode] };
}

const rate = (r: Rate): MetricOut => ({ value: r.value, ci95: r.ci, n: r.n });

export const singlingOut: Attack = {
  id: 'singling-out',
  title: 'Singling out (Anonymeter)',
  summary:
    'Builds predicates from the release that each describe exactly one released record and checks how often they describe exactly one real member, beyond what they do for people not in the data.',
  references: [
    'Giomi M, Boenisch F, Wehmeyer C, Tasnádi B. A Unified Framework for Quantifying Privacy Risk in Synthetic Data. Proc. Priv. Enhancing Technol. 2023(2):312-328. doi:10.56553/popets-2023-0055',
    'Article 29 Data Protection Working Party. Opinion 05/2014 on Anonymisation Techniques (WP216), 2014',
    'Cohen A, Nissim K. Towards formalizing the GDPR’s notion of singling out. PNAS 2020;117(15):8344-8352. doi:10.1073/pnas.1914598117',
  ],
  metrics: {
    predicatesRequested: 'Predicates the attack was asked to try (per mode, summed over the modes run).',
    predicatesGenerated:
      'Distinct predicates that single out exactly one released record and were actually tried; fewer than requested means the release offered no more.',
    successRate:
      'Share of those predicates that single out exactly one real member of the original data (the mode with the larger risk).',
    controlRate:
      'Share of the same predicates that single out exactly one person of the control set, who was not used to make the release: what the release says about anyone.',
    baselineRate: 'Share of randomly built predicates that single out exactly one member (a naive attacker).',
    risk: 'Singling-out risk attributable to the release: (success − control)/(1 − control), the larger of the univariate and multivariate risks.',
  },
  // On engines other than local: run on every row fetched from the engine, up to --option singling-out.fetchRows
  // (its figures need the whole of every input, so above the bound it is skipped, never approximated).
  fetchable: true,
  needs: (inputs) =>
    inputs.qi === 0
      ? 'no quasi-identifiers given'
      : !inputs.original
        ? 'needs --original (the members the release was made from) to check the guesses'
        : !inputs.control
          ? 'needs --control (records of the same population not used for the release) to separate a leak from what the release teaches about everyone'
          : null,

  async run(ctx: AttackContext): Promise<AttackOutcome> {
    const { n, modes } = options(ctx);
    if (!ctx.original || !ctx.control) {
      throw new ReidgateError('USAGE', 'singling-out: needs --original and --control');
    }
    const pick = (t: NonNullable<AttackContext['original']>, role: string) =>
      ctx.qi.map((q) => {
        const c = t.columns.get(q.name);
        if (!c) throw new ReidgateError('COLUMN', `--qi: column \`${q.name}\` not in ${role}`);
        return c;
      });
    const nOriginal = ctx.original.rows;
    const nControl = ctx.control.rows;
    const m = Math.min(nOriginal, nControl);
    const inputs = {
      release: pick(ctx.release, 'release'),
      original: pick(ctx.original, 'original'),
      control: pick(ctx.control, 'control'),
      scaleOriginal: scaleFor(nOriginal, m),
      scaleControl: scaleFor(nControl, m),
    };
    const results: ModeResult[] = [];
    for (const mode of modes) results.push(await runMode(mode, ctx, inputs, n));
    const scored = results.filter((r) => r.risk);
    if (scored.length === 0) {
      throw new ReidgateError(
        'ATTACK_FAILED',
        `singling-out: no predicate over the QIs isolates a single record of the release (${ctx.release.rows} rows, modes ${modes.join(', ')}), so no guess can be tested`,
      );
    }
    const top = scored.reduce((a, b) => (b.risk!.value > a.risk!.value ? b : a));
    const warnings = results.flatMap((r) => modeWarnings(r));
    if (nOriginal !== nControl) {
      const raw = top.unscaled!;
      warnings.push(
        `the original has ${nOriginal} records and the control ${nControl}: both were compared at ${m} records (exact average over equal-size subsamples of the larger)${nOriginal > nControl ? `, so a leak shows at about ${(m / nOriginal).toFixed(2)} of its strength (on all ${nOriginal} members the ${top.mode} predicates single out ${raw.original.value.toFixed(4)}, against ${raw.control.value.toFixed(4)} of the ${nControl} control records, unadjusted for size); a control as large as the original avoids this` : ''}`,
      );
    }
    if (ctx.wildcard) {
      warnings.push('suppressed (wildcard) release values are not used in predicates and match no value');
    }
    const requested = n * modes.length;
    const generated = results.reduce((s, r) => s + r.generated, 0);
    return {
      metrics: {
        predicatesRequested: { value: requested, ci95: null },
        predicatesGenerated: { value: generated, ci95: null },
        successRate: rate(top.main!),
        controlRate: rate(top.control!),
        baselineRate: rate(top.baseline!),
        risk: { value: top.risk!.value, ci95: top.risk!.ci, n: top.generated },
      },
      tables: [modeTable(results, top.mode)],
      details: {
        verdictMode: top.mode,
        verdictRule: 'the metrics are those of the mode with the larger risk',
        modes: Object.fromEntries(results.map((r) => [r.mode, describeMode(r)])),
        normalization: {
          originalRows: nOriginal,
          controlRows: nControl,
          comparedAt: m,
          originalCountCap: inputs.scaleOriginal.cap,
          controlCountCap: inputs.scaleControl.cap,
        },
      },
      warnings,
      method: methodNote(top.mode, nOriginal, nControl, m),
    };
  },
};
