/**
 * @module attacks/suda — special uniques: minimal sample uniques (SUDA2), SUDA and DIS-SUDA scores,
 * reproducing sdcMicro 5.8.1's `suda2` (DisFraction 0.01, original_scores = TRUE) number for number.
 *
 * A minimal sample unique (MSU) of a record is a set of quasi-identifiers on which the record's values
 * occur in no other record, while on every proper subset they do. Small MSUs mean that little
 * knowledge singles the record out. MSUs are found with the SUDA2 recursive search (Manning, Haglin &
 * Keane, Data Min Knowl Disc 16:165, 2008, doi:10.1007/s10618-007-0078-6; search.ts), sharded over the
 * pool; scores follow Elliot et al. (SUDA, doi:10.1142/S0218488502001600) and Skinner & Elliot
 * (DIS, doi:10.1111/1467-9868.00365) — formulas in scores.ts:
 *
 *   w(k)   = ∏_{i=k}^{M-1} (ATT − i)     SUDA weight of an MSU of size k (M = largest size searched)
 *   s_i    = Σ_{MSUs of i} w(|MSU|)       SUDA score
 *   DIS_i  = 1 / (1 + (U/dis − U) / (s_i^Q · Σ_j s_j^−Q)),  dis = U·f / (U·f + D·(1 − f)),
 *            Q = 1 + (8 − ATT)/20,  U = sample uniques, D = records in classes of size 2, f = DisFraction.
 *
 * Missing values never form part of an MSU and match nothing (sdcMicro maps NA to its `missing` code
 * and skips it); with --wildcard a wildcard is not part of an MSU either but matches every value.
 *
 * The MSUs are counted through the trial's engine (`subsetUniques`, src/engine/types.ts): the SUDA2
 * search on the local engine (local.ts), one GROUP BY per QI subset in SQL on DuckDB and ClickHouse
 * (src/engine/suda-sql.ts); both answer MSUs per column combination and records per SUDA score, from
 * which every figure here is computed the same way, under --wildcard too (the SQL plan then drops the
 * candidates a wildcard row matches). The work bound maxMsus bounds the local search only.
 */
import { LocalEngine } from '../../src/engine/local.js';
import { q, ReidgateError } from '../../src/errors.js';
import type { Attack, AttackContext, AttackOutcome, MetricOut } from '../types.js';
import { DIS_BINS, disBin, disExponent, disScorer, msuWeights, popcount } from './scores.js';

/** Optional SUDA parameters, read from `ctx.suda` when the trial sets them. */
export interface SudaParams {
  /** Largest MSU size searched (default: all QIs). */
  maxMsuSize?: number;
  /** DIS-SUDA sampling fraction (default 0.01, sdcMicro's DisFraction). */
  disFraction?: number;
  /** Work bound: stop after this many MSUs and report lower bounds (default 10,000,000). */
  maxMsus?: number;
}

const DEFAULT_MAX_MSUS = 10_000_000;
/** Column masks are 32-bit integers. */
const MAX_QIS = 30;
const TOP_COMBINATIONS = 10;

/** Validates the parameters (they come from a trial file or flag). */
function readParams(ctx: AttackContext, m: number) {
  const p = (ctx as { suda?: SudaParams }).suda ?? {};
  const att = Math.max(m, 3);
  const maxMsuSize = p.maxMsuSize ?? att;
  const disFraction = p.disFraction ?? 0.01;
  const maxMsus = p.maxMsus ?? DEFAULT_MAX_MSUS;
  if (!Number.isInteger(maxMsuSize) || maxMsuSize < 1) {
    throw new ReidgateError(
      'USAGE',
      `suda: maxMsuSize ${q(maxMsuSize)} must be a whole number of at least 1`,
    );
  }
  if (!(disFraction > 0 && disFraction < 1)) {
    throw new ReidgateError('USAGE', `suda: disFraction ${q(disFraction)} must lie strictly between 0 and 1`);
  }
  if (!Number.isInteger(maxMsus) || maxMsus < 1) {
    throw new ReidgateError('USAGE', `suda: maxMsus ${q(maxMsus)} must be a whole number of at least 1`);
  }
  return {
    att,
    weightSize: Math.min(maxMsuSize, att),
    searchSize: Math.min(maxMsuSize, m),
    disFraction,
    maxMsus,
  };
}

export const suda: Attack = {
  id: 'suda',
  title: 'Special uniques (SUDA2, SUDA and DIS-SUDA scores)',
  summary:
    'Finds, for every record, the smallest sets of quasi-identifiers on which it is unique; records singled out by few, small sets are the easiest to re-identify.',
  references: [
    'Manning AM, Haglin DJ, Keane JA. A recursive search algorithm for statistical disclosure assessment. Data Min Knowl Disc 2008;16:165-196. doi:10.1007/s10618-007-0078-6',
    'Elliot MJ, Manning AM, Ford RW. A computational algorithm for handling the special uniques problem. IJUFKS 2002;10(5):493-509. doi:10.1142/S0218488502001600',
    'Skinner CJ, Elliot MJ. A measure of disclosure risk for microdata. J R Stat Soc B 2002;64(4):855-867. doi:10.1111/1467-9868.00365',
    'Templ M, Kowarik A, Meindl B. Statistical disclosure control for micro-data using the R package sdcMicro. J Stat Softw 2015;67(4). doi:10.18637/jss.v067.i04',
  ],
  metrics: {
    recordsWithMsu:
      'Records unique on some set of quasi-identifiers (records with at least one minimal sample unique).',
    recordsWithMsuFraction: 'Share of records that some set of quasi-identifiers singles out.',
    msuCount:
      'Minimal sample uniques found: smallest sets of quasi-identifier values that single a record out.',
    sudaScoreMax: 'Highest SUDA score: more and smaller singling-out sets give a higher score.',
    sudaScoreMean: 'Average SUDA score over all records.',
    disSudaScoreMax:
      'Highest DIS-SUDA score: estimated chance that a match on a special unique is a correct re-identification.',
    disSudaScoreMean: 'Average DIS-SUDA score over all records.',
    recordsAtRisk:
      "Records whose DIS-SUDA score (an estimated re-identification probability) exceeds the policy's record threshold.",
    recordsAtRiskFraction: "Share of records whose DIS-SUDA score exceeds the policy's record threshold.",
  },
  needs: (inputs) =>
    inputs.qi === 0
      ? 'no quasi-identifiers given'
      : inputs.qi > MAX_QIS
        ? `SUDA searches at most ${MAX_QIS} quasi-identifiers (got ${inputs.qi})`
        : null,

  engine: ['subsetUniques'],
  async run(ctx: AttackContext): Promise<AttackOutcome> {
    // The subset counting runs on the trial's engine (the SUDA2 search locally, SQL on DuckDB / ClickHouse).
    const engine = ctx.engine ?? new LocalEngine({ release: ctx.release }, ctx.pool);
    if (!engine.subsetUniques)
      throw new ReidgateError('INTERNAL', `suda: --engine ${engine.name} answers no subsetUniques`);
    const names = ctx.qi.map((c) => c.name);
    const m = names.length;
    if (m > MAX_QIS)
      throw new ReidgateError('USAGE', `suda: at most ${MAX_QIS} quasi-identifiers (got ${m})`);
    const par = readParams(ctx, m);
    const weights = msuWeights(par.att, par.weightSize);
    const wantPerRecord = ctx.recordRisk !== false;
    const found = await engine.subsetUniques({
      role: 'release',
      columns: names,
      maxSize: par.searchSize,
      weights: weights.subarray(0, par.searchSize + 1),
      wildcard: ctx.wildcard,
      maxMsus: par.maxMsus,
      perRecord: wantPerRecord,
    });
    const n = found.records;
    const truncated = found.truncated;
    const dis = disScorer(found.scores, found.sampleUniques, found.pairRecords, par.disFraction, par.att);

    // Everything below is a sum of whole numbers (exact) or runs over rows grouped by score in
    // ascending order, so every engine gives the same figures.
    const bySize = new Array(weights.length).fill(0);
    const columnWeight = new Float64Array(m);
    let msus = 0;
    for (const { mask, msus: count } of found.byMask) {
      const k = popcount(mask);
      bySize[k] += count;
      msus += count;
      for (let c = 0; c < m; c++) if (mask & (1 << c)) columnWeight[c] += count * weights[k];
    }
    let withMsu = 0;
    let atRisk = 0;
    let scoreSum = 0;
    let scoreMax = 0;
    let disSum = 0;
    let disMax = 0;
    const records = new Array(DIS_BINS.length).fill(0);
    for (const { score, records: r } of found.scores) {
      const d = dis(score);
      withMsu += r;
      if (d > ctx.recordThreshold) atRisk += r;
      scoreSum += score * r;
      disSum += d * r;
      scoreMax = Math.max(scoreMax, score);
      disMax = Math.max(disMax, d);
      records[disBin(d)] += r;
    }
    records[0] += n - withMsu;
    const classes = records.slice();
    classes[0] = found.classes - withMsu; // every record with an MSU is a class of its own
    let perRecord: AttackOutcome['perRecord'];
    if (wantPerRecord && found.perRecord) {
      const sudaScore = found.perRecord;
      const disSudaScore = new Float64Array(n);
      for (let i = 0; i < n; i++) disSudaScore[i] = dis(sudaScore[i]);
      perRecord = { sudaScore, disSudaScore };
    }
    const exact = (value: number): MetricOut => ({ value, ci95: null, n });
    const combos = found.byMask
      .map(({ mask, msus: count }): [number, number] => [mask, count])
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, TOP_COMBINATIONS)
      .map(([mask, count]) => ({ columns: names.filter((_, c) => mask & (1 << c)), msus: count }));

    const warnings: string[] = [];
    if (truncated) {
      warnings.push(
        `SUDA stopped at its work bound of ${par.maxMsus} minimal sample uniques (maxMsus): MSU counts, SUDA and DIS-SUDA scores and the records at risk are lower bounds`,
      );
    }
    const missing = found.missingIn;
    if (missing.length > 0) {
      warnings.push(
        `missing values in ${missing.join(', ')} are never part of a minimal sample unique and match no other value (sdcMicro's treatment)`,
      );
    }
    return {
      metrics: {
        recordsWithMsu: exact(withMsu),
        recordsWithMsuFraction: exact(withMsu / n),
        msuCount: exact(msus),
        sudaScoreMax: exact(scoreMax),
        sudaScoreMean: exact(scoreSum / n),
        disSudaScoreMax: exact(disMax),
        disSudaScoreMean: exact(disSum / n),
        recordsAtRisk: exact(atRisk),
        recordsAtRiskFraction: exact(atRisk / n),
      },
      perRecord,
      histograms: [{ label: 'DIS-SUDA score', bins: DIS_BINS, classes, records }],
      tables: [
        {
          title: 'Quasi-identifier combinations that single out the most records (minimal sample uniques)',
          note: 'Each row is a set of QIs on which some records are unique while no smaller subset makes them unique; generalizing one of these QIs removes those MSUs.',
          columns: ['QI combination', 'MSUs'],
          rows: combos.map((c) => [c.columns.join(' + '), c.msus]),
        },
        {
          title: 'Contribution of each quasi-identifier to the SUDA scores',
          columns: ['QI', 'share of SUDA score'],
          rows: names
            .map((name, c): [string, number] => [name, scoreSum > 0 ? columnWeight[c] / scoreSum : 0])
            .sort((a, b) => b[1] - a[1]),
        },
      ],
      details: {
        truncated,
        maxMsuSize: par.searchSize,
        attributes: par.att,
        disFraction: par.disFraction,
        disExponent: disExponent(par.att),
        maxMsus: par.maxMsus,
        msusBySize: Object.fromEntries(bySize.map((c, k) => [String(k), c]).slice(1)),
        msuWeights: Object.fromEntries([...weights].map((w, k) => [String(k), w]).slice(1)),
        attributeContributions: Object.fromEntries(
          names.map((name, c) => [name, scoreSum > 0 ? columnWeight[c] / scoreSum : 0]),
        ),
        topCombinations: combos,
        sampleUniques: found.sampleUniques,
        recordsInClassesOfTwo: found.pairRecords,
        equivalenceClasses: found.classes,
        recordThreshold: ctx.recordThreshold,
      },
      warnings,
      method: [
        'Exact search for minimal sample uniques (the SUDA2 recursive search on --engine local; on DuckDB and ClickHouse a count of every QI subset, level by level, in SQL: the same MSUs)' +
          (par.searchSize < m ? ` up to size ${par.searchSize}` : ' of every size') +
          `; SUDA scores with sdcMicro 5.8.1's original_scores weights (ATT = ${par.att}${m < 3 ? ', padded to 3 as sdcMicro pads one or two key variables' : ''}) and DIS-SUDA scores with DisFraction ${par.disFraction}.`,
        'Missing values are not part of any MSU and match nothing (as in sdcMicro);',
        ctx.wildcard
          ? 'wildcards match every value of their column and are not part of any MSU (sample uniques and classes of two for DIS-SUDA count exact values).'
          : 'suppressed tokens are ordinary values.',
        'DIS-SUDA is evaluated in double precision (sdcMicro rounds part of it to single precision, which can differ by about 1e-8).',
        truncated
          ? 'The search hit its work bound: figures are lower bounds.'
          : `The work bound maxMsus (${par.maxMsus}) applies to the local search only; the SQL count finds every MSU.`,
      ]
        .filter((s) => s)
        .join(' '),
    };
  },
};
