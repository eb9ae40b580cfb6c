/**
 * @module attacks/population/descriptor — the population attack's metrics and references.
 */

/** Metric name → one-line plain explanation (policies may check only these). */
export const POPULATION_METRICS: Readonly<Record<string, string>> = {
  populationUniques:
    'Estimated number of people in the whole population who are unique on the released quasi-identifiers (the estimator chosen by Dankar et al.’s rule).',
  populationUniqueFraction: 'That estimate as a share of the population size (as ARX reports it).',
  journalistRiskMax:
    'Highest chance that an attacker who does not know who is in the release re-identifies a record (1 / smallest population class).',
  journalistRiskMean:
    'Average chance of such a re-identification over the records (ARX’s journalist success rate).',
  marketerRisk: 'Expected share of records an attacker re-identifies by matching everyone at once.',
  recordsAtRiskJournalist:
    "Records whose journalist re-identification chance exceeds the policy's record threshold.",
  recordsAtRiskJournalistFraction:
    "Share of records whose journalist re-identification chance exceeds the policy's record threshold.",
  individualRiskMax:
    'Highest per-record re-identification risk estimated from the sampling weights (Benedetti–Franconi model, as in sdcMicro).',
  individualRiskMean: 'Average per-record risk from the sampling weights (sdcMicro’s global risk).',
  expectedReidentifications: 'Expected number of records re-identified: the sum of the per-record risks.',
};

/** Papers and tools the attack follows. */
export const POPULATION_REFERENCES: readonly string[] = [
  'Dankar FK, El Emam K, Neisa A, Roffey T. Estimating the re-identification risk of clinical data sets. BMC Med Inform Decis Mak 2012;12:66. doi:10.1186/1472-6947-12-66',
  "Hoshino N. Applying Pitman's sampling formula to microdata disclosure risk assessment. J Off Stat 2001;17(4):499-520",
  'Zayatz LV. Estimation of the percent of unique population elements on a microdata file using the sample. US Bureau of the Census, Statistical Research Division Report RR-91/08, 1991',
  'Chen G, Keller-McNulty S. Estimation of identification disclosure risk in microdata. J Off Stat 1998;14(1):79-95',
  'Haas PJ, Naughton JF, Seshadri S, Stokes L. Sampling-based estimation of the number of distinct values of an attribute. VLDB 1995:311-322',
  'El Emam K, Dankar FK. Protecting privacy using k-anonymity. JAMIA 2008;15(5):627-637. doi:10.1197/jamia.M2716',
  'El Emam K. Guide to the De-Identification of Personal Health Information. CRC Press 2013. doi:10.1201/b14764',
  'Franconi L, Polettini S. Individual risk estimation in μ-Argus: a review. PSD 2004, LNCS 3050:262-272. doi:10.1007/978-3-540-25955-8_20',
  'Templ M, Kowarik A, Meindl B. Statistical disclosure control for micro-data using the R package sdcMicro. J Stat Softw 2015;67(4):1-36. doi:10.18637/jss.v067.i04',
  'Prasser F, Eicher J, Spengler H, Bild R, Kuhn KA. Flexible data anonymization using ARX — current status and challenges ahead. Softw Pract Exper 2020;50(7):1277-1304. doi:10.1002/spe.2812',
];
