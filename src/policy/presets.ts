/**
 * @module policy/presets — named policies, each number with where it comes from.
 */
import type { Policy } from './schema.js';

const EL_EMAM_2013 =
  'El Emam K. Guide to the De-Identification of Personal Health Information. CRC Press, 2013 (maximum-risk thresholds 0.33, 0.2, 0.1, 0.05 chosen by the sensitivity of the data and the controls on the recipient)';
const EL_EMAM_DANKAR_2008 =
  'El Emam K, Dankar FK. Protecting privacy using k-anonymity. JAMIA 2008;15(5):627-637. doi:10.1197/jamia.M2716 (k=5 as the common choice for data shared with a trusted recipient)';
const CMS_11 =
  'US Centers for Medicare & Medicaid Services, cell size suppression policy: no cell (and so no group of records) under 11 in public data (k=11)';
const EMA_0070 =
  'European Medicines Agency, External guidance on the implementation of Policy 0070 (2016/2018): re-identification risk threshold 0.09 for public release of clinical reports (≈ k=11)';
const NDB_10 =
  'Japan MHLW, NDB (National Database of Health Insurance Claims) third-party provision and open-data publication rules: counts of fewer than 10 patients are not published (≈ k=10)';
const UNIQ =
  'El Emam K. Heuristics for de-identifying health data. IEEE Security & Privacy 2008;6(4):58-61. doi:10.1109/MSP.2008.84 (uniqueness thresholds of 5% and 20% used in practice)';

const CARLINI_2022 =
  'Carlini N, Chien S, Nasr M, Song S, Terzis A, Tramèr F. Membership Inference Attacks From First Principles. IEEE S&P 2022, arXiv:2112.03570 (judge membership by the TPR at a low FPR such as 0.01)';
const KAIROUZ_2015 =
  'Kairouz P, Oh S, Viswanath P. The Composition Theorem for Differential Privacy. ICML 2015, arXiv:1311.0776 (an ε-DP release keeps every membership test at TPR ≤ e^ε·FPR: TPR ≤ 0.05 at FPR 0.01 is what ε = ln 5 ≈ 1.6 allows)';
const YEOM_2018 =
  'Yeom S, Giacomelli I, Fredrikson M, Jha S. Privacy Risk in Machine Learning: Analyzing the Connection to Overfitting. IEEE CSF 2018, doi:10.1109/CSF.2018.00027 (membership advantage TPR − FPR)';
const GIOMI_2023 =
  'Giomi M, Boenisch F, Wehmeyer C, Tasnádi B. A Unified Framework for Quantifying Privacy Risk in Synthetic Data. PoPETs 2023(2):312-328, doi:10.56553/popets-2023-0055 (singling-out and inference risks of synthetic data measured against a control set; the paper sets no pass mark)';
const WP29_2014 =
  'Article 29 Working Party, Opinion 05/2014 on Anonymisation Techniques (WP216): singling out, linkability and inference as the three risks an anonymised release must resist; it gives no numeric threshold';
const SYNTHETIC_CHOICE =
  'reidgate project choice (no regulator or standard sets numeric thresholds for synthetic or randomized releases): membership TPR ≤ 0.05 at FPR 0.01 and advantage ≤ 0.1, inference risk ≤ 0.2, each on the upper 95% bound; singling-out risk ≤ 0.1 on its point value';

/**
 * Synthetic, randomized or DP releases: no release row is a real person, so record-level risk says
 * little; the preset checks the three attacks that measure what such a release can still leak. The
 * numbers are the project's choice, grounded as follows:
 * - membership `tpr@fpr=0.01` ≤ 0.05 (upper bound): Carlini et al. judge attacks at low FPR; by the
 *   hypothesis-testing view of DP (Kairouz et al. 2015) an ε-DP release allows at most
 *   TPR = e^ε·FPR, so 0.05 at FPR 0.01 is the most an ε ≈ 1.6 release could leak there.
 * - membership `advantage` ≤ 0.1 (upper bound; Yeom et al.): catches a broad, low-level leak that
 *   the low-FPR figure misses (10 points more members than non-members flagged at the best
 *   held-out threshold).
 * - inference `risk` ≤ 0.2 (upper bound; Giomi et al.): a fifth of the way from what the release
 *   teaches about non-members to a perfect attack. Not 0.1: a member and a control sample of one
 *   population differ by chance in how guessable a secret is, which moves the residual risk without
 *   any leak (income on the Anonymeter Adult fixtures: ≈ 0.09 from the samples' composition alone,
 *   upper bound 0.18 for the CTGAN release); copies of the data score near 1.
 * - singling-out `risk` ≤ 0.1 on the point value: the headline is the larger of the univariate and
 *   multivariate risks, and the univariate mode can rest on a handful of predicates (16 on the CTGAN
 *   Adult release, interval [0, 0.30]) — an interval that reflects how few predicates the release
 *   offers, not a leak. The report states how many predicates each mode generated.
 * All three attacks are required (so --original, --control and --sensitive must be given): the
 * preset fails closed when one cannot run.
 */
function synthetic(): Policy {
  return {
    name: 'synthetic',
    description:
      'Synthetic, randomized or DP release: membership inference at most TPR 0.05 at FPR 0.01 and advantage 0.1, inference risk at most 0.2 (upper 95% bounds), singling-out risk at most 0.1. Project thresholds, not a regulator’s.',
    recordThreshold: 0.2,
    required: ['membership', 'inference', 'singling-out'],
    optional: [],
    checks: [
      { attack: 'membership', metric: 'tpr@fpr=0.01', max: 0.05, bound: 'pessimistic', source: KAIROUZ_2015 },
      { attack: 'membership', metric: 'advantage', max: 0.1, bound: 'pessimistic', source: YEOM_2018 },
      { attack: 'inference', metric: 'risk', max: 0.2, bound: 'pessimistic', source: GIOMI_2023 },
      { attack: 'singling-out', metric: 'risk', max: 0.1, bound: 'point', source: GIOMI_2023 },
    ],
    sources: [SYNTHETIC_CHOICE, CARLINI_2022, KAIROUZ_2015, YEOM_2018, GIOMI_2023, WP29_2014],
  };
}

function maxRisk(name: string, description: string, threshold: number, sources: string[]): Policy {
  return {
    name,
    description,
    recordThreshold: threshold,
    required: ['uniqueness'],
    optional: [],
    checks: [
      {
        attack: 'uniqueness',
        metric: 'prosecutorRiskMax',
        max: threshold,
        bound: 'pessimistic',
        source: sources[0],
      },
      // Evaluated when the population attack runs (the trial describes the population): the same
      // threshold applies to the journalist, who does not know whether the target is in the release.
      {
        attack: 'population',
        metric: 'journalistRiskMax',
        max: threshold,
        bound: 'pessimistic',
        source: sources[0],
      },
      // Evaluated when linkage runs (--original or --auxiliary): the share of targets actually
      // re-identified, by its upper 95% bound, may not exceed the record threshold either. This is
      // lenient next to the per-record maximum above, which it complements with a measured attack.
      {
        attack: 'linkage',
        metric: 'reidentificationRate',
        max: threshold,
        bound: 'pessimistic',
        source: sources[0],
      },
    ],
    sources,
  };
}

const KM_M2 =
  'reidgate choice (documented in README): at most 5% of targets unique given their demographics and 2 known codes (a neighbour who knows two of their diagnoses or drugs), judged on the upper 95% bound. The 5% ceiling is the uniqueness heuristic of El Emam, IEEE S&P 2008 (doi:10.1109/MSP.2008.84) applied to km-anonymity (Terrovitis et al., PVLDB 2008, doi:10.14778/1453856.1453874) with m = 2; no regulator sets this number';
const RARE_10 =
  'Japan MHLW NDB rules (no counts under 10) and the PPC guidelines on anonymously processed information (delete 特異な記述 such as ages over 100): no code, extreme value or age ≥ 100 held by fewer than 10 patients';

/**
 * The medical preset: jp-ndb on the demographics, no rare values (N = 10), and code-set uniqueness at
 * m = 2 at most 5% (pessimistic bound). Needs a relational trial (event tables).
 */
function jpMedical(): Policy {
  const base = maxRisk(
    'jp-medical',
    'Japanese medical release (relational): demographic classes of at least 10 (risk ≤ 0.1), no value held by fewer than 10 patients (特異な記述), and at most 5% of patients unique given their demographics and two known codes.',
    0.1,
    [NDB_10],
  );
  return {
    ...base,
    required: ['uniqueness', 'rare-values', 'code-sets'],
    checks: [
      ...base.checks,
      { attack: 'rare-values', metric: 'rareValues', max: 0, bound: 'point', source: RARE_10 },
      { attack: 'code-sets', metric: 'uniqueShareM2', max: 0.05, bound: 'pessimistic', source: KM_M2 },
    ],
    sources: [NDB_10, RARE_10, KM_M2],
  };
}

function uniquenessCeiling(name: string, ceiling: number): Policy {
  return {
    name,
    description: `At most ${ceiling * 100}% of records unique on their quasi-identifiers.`,
    recordThreshold: 0.2,
    required: ['uniqueness'],
    optional: [],
    checks: [
      {
        attack: 'uniqueness',
        metric: 'sampleUniqueFraction',
        max: ceiling,
        bound: 'pessimistic',
        source: UNIQ,
      },
    ],
    sources: [UNIQ],
  };
}

/** Every preset, by name. `controlled` is the default. */
export const PRESETS: Readonly<Record<string, Policy>> = {
  controlled: maxRisk(
    'controlled',
    'Controlled sharing under a data-use agreement: no record with re-identification risk above 0.2 (every group ≥ 5).',
    0.2,
    [EL_EMAM_2013, EL_EMAM_DANKAR_2008],
  ),
  'controlled-k3': maxRisk(
    'controlled-k3',
    'Controlled sharing with strong recipient controls: no record with risk above 1/3 (every group ≥ 3).',
    1 / 3,
    [EL_EMAM_2013],
  ),
  public: maxRisk(
    'public',
    'Public release: no record with re-identification risk above 1/11 (every group ≥ 11).',
    1 / 11,
    [CMS_11, EMA_0070],
  ),
  'jp-ndb': maxRisk(
    'jp-ndb',
    'Japanese NDB publication rule: no group of fewer than 10 patients (risk ≤ 0.1).',
    0.1,
    [NDB_10],
  ),
  'jp-medical': jpMedical(),
  'uniqueness-5': uniquenessCeiling('uniqueness-5', 0.05),
  'uniqueness-20': uniquenessCeiling('uniqueness-20', 0.2),
  synthetic: synthetic(),
};

/** The preset used when neither --policy nor --preset is given. */
export const DEFAULT_PRESET = 'controlled';
