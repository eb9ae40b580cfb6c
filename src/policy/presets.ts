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
};

/** The preset used when neither --policy nor --preset is given. */
export const DEFAULT_PRESET = 'controlled';
