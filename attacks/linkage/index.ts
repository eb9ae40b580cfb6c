/**
 * @module attacks/linkage — linkage attacks: an attacker holding identified records (the auxiliary
 * data, else the QI columns of the original) links them to the release.
 *
 * Methods, each scored the same way (score.ts) and reported separately; the strongest drives the
 * headline metrics and so the verdict:
 *   exact          compatible-set linkage, generalization-aware, uniform pick (exact.ts)
 *   exact-unseen-as-generalized  the same, reading released labels the targets never hold as
 *                  generalizations of unknown extent (only when there are such labels)
 *   probabilistic  Fellegi–Sunter with EM-estimated m/u over blocked pairs (probabilistic.ts)
 *   distance-gower, distance-manhattan   nearest neighbour under Gower / standardized Manhattan
 *                  distance, confidence 1 − d1/d2 (distance.ts)
 *   sparse         relational trials: Narayanan–Shmatikov scoreboard over the patients' code sets
 *                  (or dated events) with rarity weights and the eccentricity test (sparse.ts)
 * With ground truth (--id or --aligned): rates with Wilson intervals in the prosecutor and journalist
 * settings, precision, a random-guess baseline and precision–coverage curves. Without it, only what
 * the attacker sees (claims, confidence, unique matches).
 *   linkability    with --original and --control, ground truth or not: the Anonymeter-style test of
 *                  Giomi et al. 2023 (linkability.ts), its own metrics (linkabilityRisk …), outside
 *                  the strongest-method headline.
 */
import { ReidgateError } from '../../src/errors.js';
import type { Attack, AttackContext, AttackOutcome } from '../types.js';
import { distanceLinkage } from './distance.js';
import { exactLinkage } from './exact.js';
import { NUMERIC_BAND } from './fs-fit.js';
import { type LinkabilityResult, linkability } from './linkability.js';
import type { MethodResult } from './method.js';
import { type LinkageMethod, type LinkageSettings, linkageEngineReason, linkageSettings } from './options.js';
import { buildOutcome, withLinkability } from './outcome.js';
import { probabilisticLinkage } from './probabilistic.js';
import { sparseLinkage, sparseSeries } from './sparse.js';

export type { MethodResult } from './method.js';

/** The methods, in report order. */
const METHODS: ReadonlyArray<
  [LinkageMethod, (ctx: AttackContext, s: LinkageSettings) => Promise<MethodResult | null>]
> = [
  ['exact', (ctx) => exactLinkage(ctx)],
  ['exact', exactReadingUnseenLabels],
  ['probabilistic', probabilisticLinkage],
  ['distance', (ctx) => distanceLinkage(ctx, 'gower')],
  ['distance', (ctx) => distanceLinkage(ctx, 'manhattan')],
  ['sparse', sparseLinkage],
];

/**
 * Exact linkage by an attacker who reads released labels it has never seen (e.g. "Technical" for
 * occupations, when no hierarchy file says what it covers) as generalizations of unknown extent,
 * matching any value. Without hierarchy files the strict relation makes such labels match nothing,
 * which would understate the risk of a generalized release. Null when no label of the known QIs is
 * unseen.
 */
async function exactReadingUnseenLabels(ctx: AttackContext): Promise<MethodResult | null> {
  return exactLinkage(ctx, 'unseen-as-generalized');
}

/** The method note's sentence on the linkability test. */
function linkabilityNote(r: LinkabilityResult): string {
  if (!r.ok) return ` Linkability (Giomi et al. 2023) was not tested: ${r.reason}.`;
  const l = r.value;
  return (
    ` Linkability (Giomi et al., PETS 2023, re-implemented from the paper): for ${l.targets} seeded members of --original and ${l.targets} seeded records of --control, the attacker holds columns A = {${l.columnsA.join(', ')}} and B = {${l.columnsB.join(', ')}} as if from two sources, takes the ${l.k} nearest release record(s) by A and by B under Gower distance (generalized released values covering the target's count as equal; equal distances in one seeded random order of the release, the same for A and B) and claims a link when they share a record. ` +
    'It assumes the control records come from the same population as the members and were not used for the release, so that the control rate is what the release links for anyone (e.g. through correlated columns); risk = (main − control)/(1 − control) on Wilson centres with first-order error propagation; baseline: k release records drawn at random for A and for B. ' +
    'No ground truth is used, so it measures linking of two halves of a record, not re-identification of a named person; it is its own method and does not enter the strongest-method headline.'
  );
}

export const linkage: Attack = {
  id: 'linkage',
  title: 'Linkage (re-identification by an attacker with identified records)',
  summary:
    "Links the attacker's identified records to the release by exact compatible sets, Fellegi–Sunter probabilistic matching and nearest-neighbour distance, and counts how many people are correctly re-identified.",
  references: [
    'Fellegi IP, Sunter AB. A theory for record linkage. JASA 1969;64(328):1183-1210. doi:10.1080/01621459.1969.10501049',
    'Winkler WE. Using the EM algorithm for weight computation in the Fellegi-Sunter model of record linkage. Proc. Section on Survey Research Methods, ASA 1988:667-671',
    'Jaro MA. Advances in record-linkage methodology as applied to matching the 1985 census of Tampa, Florida. JASA 1989;84(406):414-420. doi:10.1080/01621459.1989.10478785',
    'Sweeney L. k-anonymity: a model for protecting privacy. IJUFKS 2002;10(5):557-570. doi:10.1142/S0218488502001648',
    'Gower JC. A general coefficient of similarity and some of its properties. Biometrics 1971;27(4):857-871. doi:10.2307/2528823',
    'Sadinle M. Bayesian estimation of bipartite matchings for record linkage. JASA 2017;112(518):600-612. doi:10.1080/01621459.2016.1148612',
    'Narayanan A, Shmatikov V. Robust de-anonymization of large sparse datasets. IEEE S&P 2008:111-125. doi:10.1109/SP.2008.33',
    'El Emam K, Dankar FK. Protecting privacy using k-anonymity. JAMIA 2008;15(5):627-637. doi:10.1197/jamia.M2716',
    'Wilson EB. Probable inference, the law of succession, and statistical inference. JASA 1927;22:209-212. doi:10.1080/01621459.1927.10502953',
  ],
  metrics: {
    targets:
      'Targets scored in the headline setting (prosecutor: targets whose record is in the release; else all targets).',
    claims: 'Targets the strongest method linked to some release record.',
    coverage: 'Share of targets the strongest method linked to some release record (claims / targets).',
    reidentified: 'Targets the strongest method linked to their own release record.',
    reidentificationRate:
      'Share of targets correctly re-identified by the strongest method (95% Wilson interval).',
    precision: "Share of the strongest method's links that are correct (95% Wilson interval).",
    baselineRate: 'Chance that a uniformly random guess among the release records is right.',
    expectedReidentificationRate:
      "Exact linkage's expected success: mean over targets of 1/(compatible records) when the true record is among them (exact for the attacker's random pick).",
    journalistTargets: 'All targets, including those not in the release (journalist setting).',
    journalistReidentified: 'Targets correctly re-identified in the journalist setting.',
    journalistReidentificationRate:
      'Share of all targets correctly re-identified, including targets absent from the release (95% Wilson interval).',
    journalistPrecision: 'Share of links that are correct when some targets are not in the release.',
    journalistBaselineRate: 'Success of a random guess when some targets are not in the release.',
    uniqueMatches: 'Without ground truth: targets that match exactly one release record.',
    uniqueMatchRate: 'Without ground truth: share of targets that match exactly one release record.',
    linkabilityRisk:
      'Linkability (needs --original and --control; no ground truth needed): how much more often the release links two disjoint column sets of a member than of a non-member, (main − control)/(1 − control) (95% interval).',
    linkabilityRate:
      "Share of members whose two column sets' nearest release records coincide (95% Wilson interval).",
    linkabilityControlRate: 'The same share for non-members (--control): what the release links for anyone.',
    linkabilityBaselineRate: 'The same share when the release records are drawn at random.',
  },
  // Exact linkage counts through the engine; the other methods read the encoded columns, so on other
  // engines the attack runs with methods=exact as SQL, else on rows fetched from the engine.
  engine: ['compatibleSets'],
  engineNeeds: (_inputs, engine, options) => linkageEngineReason(options, engine),
  // Its other methods run on rows fetched from the engine (src/engine/fetch-local.ts).
  fetchable: true,

  needs: (inputs) =>
    inputs.qi === 0
      ? 'no quasi-identifiers given'
      : inputs.original || inputs.auxiliary
        ? null
        : "needs the attacker's identified records: --original or --auxiliary",

  async run(ctx: AttackContext): Promise<AttackOutcome> {
    const lk = ctx.linkage;
    if (!lk) throw new ReidgateError('INTERNAL', 'linkage: no targets (needs --original or --auxiliary)');
    if (lk.knownQi.length === 0) {
      throw new ReidgateError('COLUMN', `--${lk.targetsRole}: holds none of the quasi-identifiers`);
    }
    const settings = linkageSettings(ctx);
    const results: MethodResult[] = [];
    for (const [family, method] of METHODS) {
      if (!settings.methods.has(family)) continue;
      const r = await method(ctx, settings);
      if (r) results.push(r);
    }
    const linkable: LinkabilityResult = settings.methods.has('linkability')
      ? await linkability(ctx, settings)
      : { ok: false, reason: 'left out by --option linkage.methods' };
    const outcome = withLinkability(buildOutcome(results, lk, ctx.release.rows), linkable);
    const head = outcome.metrics;
    if (head.claims && head.targets && head.targets.value > 0) {
      head.coverage = { value: head.claims.value / head.targets.value, ci95: null, n: head.targets.value };
    }
    const sparse = results.find((r) => r.method === 'sparse');
    const series = sparse ? sparseSeries(outcome) : undefined;
    if (series) outcome.series = [...(outcome.series ?? []), series];
    const unknown = ctx.qi.filter((q) => !lk.knownQi.includes(q.name)).map((q) => q.name);
    if (unknown.length > 0) {
      outcome.warnings = [
        ...(outcome.warnings ?? []),
        `the attacker's data (--${lk.targetsRole}) lacks ${unknown.join(', ')}: linkage uses ${lk.knownQi.join(', ')}`,
      ];
    }
    return {
      ...outcome,
      method:
        `Targets: ${lk.targetRows.length} records of --${lk.targetsRole} (seeded sample), known QIs ${lk.knownQi.join(', ')}; ground truth: ${lk.groundTruth}. ` +
        (settings.methodsGiven
          ? `Methods run (--option linkage.methods): ${[...settings.methods].join(', ')}. `
          : '') +
        'Exact: the set of release records compatible with the target on every known QI (equal value, numbers by value; or a generalization covering it: interval, coarser date, mask, hierarchy ancestor, suppression); the attacker picks one uniformly (seeded: the ⌊u·|set|⌋-th record, classes of equal released values in order of their first record, records ascending within a class), expected success 1/|set| when the true record is in it. ' +
        `Probabilistic: Fellegi–Sunter over candidates from up to three blocking passes on disjoint QI sets; comparison levels equal / compatible through a generalization / numeric within ${NUMERIC_BAND * 100}% of the released range / similar spelling / disagree / missing (a value compatible with everything, like \`*\`, counts as missing); u from 200,000 seeded random pairs, m by EM under the one-to-one model (each target has at most one record); each target is linked to its best-weight candidate (seeded pick among ties) when the pairwise posterior match probability exceeds 1/2; confidence is the posterior that the pick is the record, 2^W / Σ 2^W over its candidates. ` +
        'Distance (Gower; Manhattan on standardized numerics): each target is linked to its nearest release record (ties: the lowest row), confidence 1 − d1/d2 from the two nearest distances; see the method details for how generalized values count. ' +
        (settings.stringComparator === 'jaro-winkler'
          ? 'Probabilistic linkage compares categorical values that are not equal by Jaro–Winkler similarity of their spellings (code points; ≥ 0.94 "close", ≥ 0.85 "partial", each with its own EM-fitted weight), so typos and variant spellings count as partial agreement; generalized released values are never compared by spelling. Exact linkage and the distance methods compare values as they are. '
          : 'String similarity is off (--option linkage.stringComparator=exact): misspelt values count as disagreements. ') +
        'Missing target values are unknown to the attacker and skipped; a missing released value matches nothing in exact linkage and is "missing" (no evidence) in probabilistic linkage.' +
        linkabilityNote(linkable) +
        (sparse ? ` ${String(sparse.details?.attackerModel)}` : ''),
    };
  },
};
