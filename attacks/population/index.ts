/**
 * @module attacks/population — population uniqueness, journalist and marketer risk, and individual
 * risk from sampling weights.
 *
 * The release is a sample of a population; an attacker who matches a person from the population
 * against it succeeds when that person's QI values are rare in the population, not just in the
 * release. From the release's class-size profile and what the trial says of the population (size,
 * sampling fraction, weights or an exact population table), this attack reports:
 *
 * - population uniques by Pitman (Hoshino 2001), Zayatz (1991) and SNB (Chen & Keller-McNulty
 *   1998), and Dankar et al.'s rule (2012) choosing among them — see dankar.ts and the model files;
 * - journalist and marketer risk as ARX computes them (journalist.ts);
 * - the Benedetti–Franconi individual risk of every record and the expected number of
 *   re-identifications, as sdcMicro's measure_risk computes them (individual-risk.ts).
 *
 * Classes are records with identical released QI values (a missing or suppressed value is its own
 * token), grouped on the pool by the uniqueness attack's `groupRows`.
 */
import { sharedFloat64 } from '../../src/encode/encode.js';
import { LocalEngine } from '../../src/engine/local.js';
import type { WeightRow } from '../../src/engine/types.js';
import { ReidgateError } from '../../src/errors.js';
import type { Attack, AttackContext, AttackOutcome, MetricOut } from '../types.js';
import { estimatePopulationUniques } from './dankar.js';
import { POPULATION_METRICS, POPULATION_REFERENCES } from './descriptor.js';
import { classesOfSize, profileOfTable } from './frequencies.js';
import { individualRisk, type RiskMethod } from './individual-risk.js';
import { journalistRisk, journalistRiskOfSizes } from './journalist.js';
import { resolvePopulation } from './knowledge.js';

const exact = (value: number, n?: number): MetricOut =>
  n === undefined ? { value, ci95: null } : { value, ci95: null, n };

/** 1/f per record. */
function inverseOf(classSize: Int32Array): Float64Array {
  const out = new Float64Array(classSize.length);
  for (let i = 0; i < classSize.length; i++) out[i] = 1 / classSize[i];
  return out;
}

/**
 * Benedetti–Franconi risk over classes by (f, F̂): its maximum, Σ over records (summed in the
 * groups' order, so every engine adds the same terms in the same order), and the risk by (f, F̂).
 */
function riskOfGroups(groups: readonly WeightRow[], method: RiskMethod) {
  let max = 0;
  let sum = 0;
  const bySize = new Map<number, Map<number, number>>();
  for (const g of groups) {
    const r = individualRisk(g.size, g.weight, method);
    if (r > max) max = r;
    sum += r * g.size * g.classes;
    let m = bySize.get(g.size);
    if (!m) {
      m = new Map();
      bySize.set(g.size, m);
    }
    m.set(g.weight, r);
  }
  return { max, sum, bySize };
}

/** Each record's risk, looked up by its (f, F̂). */
function perRecordRisk(
  classSize: Int32Array,
  Fhat: Float64Array,
  bySize: ReadonlyMap<number, ReadonlyMap<number, number>>,
): Float64Array {
  const out = new Float64Array(classSize.length);
  for (let i = 0; i < out.length; i++) {
    out[i] = bySize.get(classSize[i])?.get(Fhat[i]) ?? individualRisk(classSize[i], Fhat[i], 'approx');
  }
  return out;
}

export const population: Attack = {
  id: 'population',
  title: 'Population uniqueness, journalist and marketer risk, individual risk',
  summary:
    'Estimates how many people in the whole population are unique on the released quasi-identifiers, and how likely an attacker who does not know who is in the release is to re-identify a record.',
  references: POPULATION_REFERENCES,
  metrics: POPULATION_METRICS,
  needs: (inputs) =>
    inputs.qi === 0
      ? 'no quasi-identifiers given'
      : inputs.population
        ? null
        : 'needs knowledge of the population: --population N, --sampling-fraction F, --population-table FILE or --weights COL',

  engine: ['classWeights'],
  engineNeeds: (inputs, engine) =>
    engine !== 'local' && inputs.populationTable
      ? `--population-table is joined with the release on --engine local only (not pushed down to --engine ${engine}): run it with --engine local, or give --population N / --sampling-fraction F / --weights COL instead`
      : null,

  async run(ctx: AttackContext): Promise<AttackOutcome> {
    const pop = ctx.population;
    if (!pop) throw new ReidgateError('INTERNAL', 'population attack run without population knowledge');
    const n = ctx.release.rows;
    const resolved = resolvePopulation(pop, n);
    const given = resolved.weights.kind === 'given' ? resolved.weights.column : undefined;
    // The counting runs on the trial's engine; called directly, on a local engine holding the weights.
    const engine =
      ctx.engine ??
      new LocalEngine({ release: ctx.release }, ctx.pool, {
        release: new Map(given !== undefined && pop.weights ? [[given, pop.weights]] : []),
      });
    if (pop.populationClassSize && engine.name !== 'local')
      throw new ReidgateError('INTERNAL', 'population: a population table on an engine other than local');
    if (!engine.classWeights)
      throw new ReidgateError('INTERNAL', `population: ${engine.name} lacks classWeights`);
    const cw = await engine.classWeights({
      role: 'release',
      columns: ctx.qi.map((q) => q.name),
      weights: given,
      // Per-row arrays only for record-risk.csv (--no-record-risk leaves them out) or a population table.
      perRecord: ctx.recordRisk !== false || pop.populationClassSize !== undefined,
    });
    const classSize = cw.perRecord?.size;
    const profile = profileOfTable(cw.table);
    const metrics: Record<string, MetricOut> = {};
    const details: Record<string, unknown> = {
      source: pop.source,
      records: n,
      classes: profile.classes,
      sampleUniques: classesOfSize(profile, 1),
      populationSize: resolved.size ?? null,
      samplingFraction: resolved.samplingFraction ?? null,
      populationSizeFrom: resolved.sizeFrom,
      recordThreshold: ctx.recordThreshold,
    };
    const warnings: string[] = [];
    const method: string[] = [];

    // Population uniqueness.
    if (resolved.size !== undefined) {
      const est = estimatePopulationUniques(profile, resolved.size, ctx.seed);
      const N = resolved.size;
      metrics.populationUniques = exact(est.uniques);
      metrics.populationUniqueFraction = exact(est.uniques / N);
      details.populationUniqueness = {
        chosen: est.chosen,
        reason: est.reason,
        estimates: {
          pitman: est.pitman,
          zayatz: est.zayatz,
          snb: est.snb,
        },
        fractions: {
          pitman: est.pitman === null ? null : est.pitman / N,
          zayatz: est.zayatz === null ? null : est.zayatz / N,
          snb: est.snb === null ? null : est.snb / N,
        },
        parameters: est.parameters,
      };
      method.push(
        `Population uniques: Pitman (ML by Newton–Raphson as in ARX), Zayatz and SNB (method of moments) from the release's class-size profile, population size ${N} (from ${resolved.sizeFrom}); Dankar et al.'s rule chose ${est.chosen}: ${est.reason}. Assumes the release is a simple random sample of the population.`,
      );
    } else {
      warnings.push(
        `population uniqueness not estimated: the population size is unknown (${resolved.sizeFrom})`,
      );
    }

    // Journalist and marketer risk.
    // Without a population table F = f: the figures follow from the class sizes alone.
    const j = pop.populationClassSize
      ? journalistRisk(classSize!, profile.classes, ctx.recordThreshold, pop.populationClassSize)
      : {
          ...journalistRiskOfSizes(cw.table, ctx.recordThreshold),
          perRecord: classSize ? inverseOf(classSize) : undefined,
        };
    metrics.journalistRiskMax = exact(j.max);
    metrics.journalistRiskMean = exact(j.mean);
    metrics.marketerRisk = exact(j.marketer);
    metrics.recordsAtRiskJournalist = exact(j.recordsAtRisk, n);
    metrics.recordsAtRiskJournalistFraction = exact(j.recordsAtRisk / n, n);
    details.journalist = {
      populationClassSizes: pop.populationClassSize
        ? 'exact (population table)'
        : 'release class sizes (upper bound)',
      classAverage: j.classAverage,
      recordAverage: j.recordAverage,
    };
    method.push(
      pop.populationClassSize
        ? 'Journalist and marketer risk use the population table’s class sizes (ARX RiskModelSampleSummary with a population).'
        : 'Journalist and marketer risk take each class’s population size to be its size in the release, as ARX does without a population table: an upper bound on the risk (population classes are at least as large), equal to prosecutor risk; the individual risk below is the model-based estimate.',
    );
    if (j.inconsistentRecords > 0) {
      warnings.push(
        `${j.inconsistentRecords} release record(s) have a population class smaller than their class in the release (absent from the population table?); their population class size was raised to the release's`,
      );
    }

    // Individual risk (sdcMicro's measure_risk, Benedetti–Franconi "approx").
    const perRecord: Record<string, Float64Array> = {};
    if (classSize && j.perRecord) perRecord.journalistRisk = j.perRecord;
    if (resolved.weights.kind !== 'none') {
      const w = resolved.weights;
      // Classes by (f, F̂): F̂ = Σ weights per class, or f · 1/f_sampling with a constant weight.
      const groups =
        w.kind === 'given'
          ? cw.table
          : cw.table.map((r) => ({ size: r.size, weight: r.size * w.value, classes: r.classes }));
      const approx = riskOfGroups(groups, 'approx');
      const exactRisk = riskOfGroups(groups, 'exact');
      metrics.individualRiskMax = exact(approx.max, n);
      metrics.individualRiskMean = exact(approx.sum / n, n);
      metrics.expectedReidentifications = exact(approx.sum, n);
      if (classSize) {
        const Fhat = cw.perRecord!.weight ?? sharedFloat64(n);
        if (w.kind === 'constant') for (let i = 0; i < n; i++) Fhat[i] = classSize[i] * w.value;
        perRecord.individualRisk = perRecordRisk(classSize, Fhat, approx.bySize);
        perRecord.populationClassSizeEstimate = Fhat;
      }
      let below = 0;
      for (const g of groups) if (g.weight < g.size) below += g.size * g.classes;
      if (below > 0) {
        warnings.push(
          `${below} record(s) have weights summing to less than their class size in the release (weights below 1?); their individual risk was set to 1/class size`,
        );
      }
      details.individualRisk = {
        weights:
          resolved.weights.kind === 'given' ? 'given per record' : `constant 1/f = ${resolved.weights.value}`,
        method: 'approx',
        exact: { max: exactRisk.max, mean: exactRisk.sum / n, expectedReidentifications: exactRisk.sum },
      };
      method.push(
        `Individual risk: Benedetti–Franconi negative-binomial model with F̂ = ${resolved.weights.kind === 'given' ? 'the sum of the class’s sampling weights' : `class size × ${resolved.weights.value} (constant weight 1/f, no weights given)`}, sdcMicro's "approx" formulas (details also give the exact expectation); expected re-identifications = Σ risk.`,
      );
    } else {
      warnings.push('individual risk not computed: no weights and no sampling fraction to derive them from');
    }
    if (ctx.wildcard && cw.wildcardIn.length > 0) {
      warnings.push(
        'suppressed (wildcard) values are their own token in the population models; ARX instead leaves fully suppressed records out of its class-size profile',
      );
    }
    return { metrics, perRecord, details, warnings, method: method.join(' ') };
  },
};
