/**
 * @module attacks/uniqueness — equivalence classes over the quasi-identifiers (sample uniqueness and
 * prosecutor risk).
 *
 * Records with identical released QI values form a class; an attacker who knows a target is in the
 * release and knows its QIs can do no better than pick uniformly within the class, so the record's
 * re-identification (prosecutor) risk is 1/|class| (El Emam & Dankar, "Protecting privacy using
 * k-anonymity", JAMIA 15(5):627, 2008, doi:10.1197/jamia.M2716; El Emam, "Guide to the
 * De-Identification of Personal Health Information", CRC Press 2013).
 *
 *   prosecutorRiskMax  = 1 / min |class|
 *   prosecutorRiskMean = (number of classes) / (number of records)   (mean over records of 1/|class|)
 *   sampleUniques      = records in classes of size 1
 *
 * A suppressed or missing value is its own token, unless --wildcard turns on ARX's wildcard model
 * (wildcard.ts), where a suppressed value matches any value.
 */
import { LocalEngine } from '../../src/engine/local.js';
import type { Engine } from '../../src/engine/types.js';
import { ReidgateError } from '../../src/errors.js';
import type { Attack, AttackContext, AttackOutcome, TableOut } from '../types.js';
import { classSizeHistogram, riskHistogram, summarize } from './summary.js';

export { type Classes, groupRows } from './group.js';
export { classSizeHistogram, riskHistogram, summarize } from './summary.js';

/** Leave-one-QI-out figures are computed up to this many rows × QIs (each costs one more grouping). */
const LEAVE_ONE_OUT_MAX_CELLS = 4_000_000;

/**
 * For each QI, the sample uniques and records at risk when that QI is left out (fully generalized):
 * which QI drives the risk. Exact grouping, one per QI, on the trial's engine.
 */
async function leaveOneOut(names: readonly string[], engine: Engine, recordThreshold: number) {
  const rows: Array<[string, number, number, number]> = [];
  for (let j = 0; j < names.length; j++) {
    const rest = names.filter((_, k) => k !== j);
    const sizes = await engine.classSizes({ role: 'release', columns: rest });
    const s = summarize(sizes.table, recordThreshold);
    rows.push([names[j], s.uniques, s.atRisk, sizes.classes]);
  }
  return rows.sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
}

export const uniqueness: Attack = {
  id: 'uniqueness',
  title: 'Sample uniqueness and prosecutor risk',
  summary:
    'Groups records by their released quasi-identifier values; an attacker who knows a person is in the release and knows those values can single them out when their group is small.',
  references: [
    'El Emam K, Dankar FK. Protecting privacy using k-anonymity. JAMIA 2008;15(5):627-637. doi:10.1197/jamia.M2716',
    'Sweeney L. k-anonymity: a model for protecting privacy. IJUFKS 2002;10(5):557-570. doi:10.1142/S0218488502001648',
  ],
  metrics: {
    records: 'Records in the release.',
    equivalenceClasses: 'Groups of records sharing all quasi-identifier values.',
    minClassSize: 'Size of the smallest group (the k of k-anonymity).',
    sampleUniques: 'Records alone in their group: singled out by their quasi-identifiers.',
    sampleUniqueFraction: 'Share of records that are alone in their group.',
    prosecutorRiskMax: 'Highest chance of re-identifying a record (1 / smallest group size).',
    prosecutorRiskMean: 'Average chance of re-identifying a record (groups / records).',
    recordsAtRisk: "Records whose re-identification chance exceeds the policy's record threshold.",
    recordsAtRiskFraction:
      "Share of records whose re-identification chance exceeds the policy's record threshold.",
  },
  needs: (inputs) => (inputs.qi > 0 ? null : 'no quasi-identifiers given'),

  engine: ['classSizes'],

  async run(ctx: AttackContext): Promise<AttackOutcome> {
    // The counting runs on the trial's engine (local kernels, or SQL pushed down to DuckDB).
    const engine = ctx.engine ?? new LocalEngine({ release: ctx.release }, ctx.pool);
    const names = ctx.qi.map((q) => q.name);
    if (ctx.wildcard && names.length > 30) {
      throw new ReidgateError(
        'USAGE',
        `--wildcard: the wildcard model supports at most 30 quasi-identifiers (got ${names.length})`,
      );
    }
    // Per-row class sizes only when per-record output is wanted: the metrics come from the size table.
    const wantPerRecord = ctx.recordRisk !== false;
    const sizes = await engine.classSizes({
      role: 'release',
      columns: names,
      wildcard: ctx.wildcard,
      perRecord: wantPerRecord,
    });
    const n = sizes.records;
    const compatible = sizes.wildcardFound;
    const s = summarize(sizes.table, ctx.recordThreshold);
    let perRecord: AttackOutcome['perRecord'];
    if (wantPerRecord) {
      const effective = sizes.perRecord!;
      const prosecutorRisk = new Float64Array(n);
      for (let i = 0; i < n; i++) prosecutorRisk[i] = 1 / effective[i];
      perRecord = { classSize: effective, prosecutorRisk };
    }
    const exact = (value: number) => ({ value, ci95: null });
    const warnings: string[] = [];
    if (sizes.missingIn.length > 0) {
      warnings.push(
        `missing values in ${sizes.missingIn.join(', ')} were treated as their own value: records with a missing value group together rather than matching any value`,
      );
    }
    if (ctx.wildcard && !compatible)
      warnings.push('--wildcard was given but no quasi-identifier holds a wildcard token');
    const tables: TableOut[] = [];
    if (names.length >= 2 && !compatible && n * names.length <= LEAVE_ONE_OUT_MAX_CELLS) {
      tables.push({
        title: 'Risk by quasi-identifier: the release with one QI left out',
        note: `With all QIs: ${s.uniques} sample uniques, ${s.atRisk} records at risk. Rows sorted by sample uniques: the QIs at the top drive the risk most; generalizing or dropping them helps most.`,
        columns: ['QI left out', 'sampleUniques', 'recordsAtRisk', 'equivalenceClasses'],
        rows: await leaveOneOut(names, engine, ctx.recordThreshold),
      });
    } else if (names.length >= 2 && !compatible) {
      warnings.push(
        `the leave-one-QI-out table was not computed: ${n} rows × ${names.length} QIs exceeds ${LEAVE_ONE_OUT_MAX_CELLS} cells`,
      );
    }
    return {
      metrics: {
        records: exact(n),
        equivalenceClasses: exact(sizes.classes),
        minClassSize: exact(s.min),
        sampleUniques: exact(s.uniques),
        sampleUniqueFraction: exact(s.uniques / n),
        prosecutorRiskMax: exact(1 / s.min),
        // Without wildcards Σ 1/|class| over records is exactly the number of classes.
        prosecutorRiskMean: exact(compatible ? s.riskSum / n : sizes.classes / n),
        recordsAtRisk: exact(s.atRisk),
        recordsAtRiskFraction: exact(s.atRisk / n),
      },
      perRecord,
      histograms: [
        classSizeHistogram(sizes.table, compatible ? 'compatible-set size' : 'class size'),
        riskHistogram(sizes.table),
      ],
      tables,
      details: {
        maxClassSize: s.max,
        averageClassSize: n / sizes.classes,
        semantics: compatible
          ? 'wildcard: a suppressed value matches any value'
          : 'exact: a suppressed value is its own value',
        recordsViolatingK: Object.fromEntries([...s.violating].map(([k, v]) => [`k${k}`, v])),
        recordThreshold: ctx.recordThreshold,
      },
      warnings,
      method: compatible
        ? "Wildcard model (as ARX): a suppressed QI value matches any value; each record's class is the set of records compatible with it, counted exactly. equivalenceClasses counts distinct released QI tuples."
        : 'Exact counting of equivalence classes over the released values; a missing or suppressed value is its own token.',
    };
  },
};
