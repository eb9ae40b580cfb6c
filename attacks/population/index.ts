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
import { WILDCARD } from '../../src/encode/types.js';
import { ReidgateError } from '../../src/errors.js';
import type { Attack, AttackContext, AttackOutcome, MetricOut } from '../types.js';
import { groupRows } from '../uniqueness/group.js';
import { estimatePopulationUniques } from './dankar.js';
import { POPULATION_METRICS, POPULATION_REFERENCES } from './descriptor.js';
import { classesOfSize, frequencyProfile } from './frequencies.js';
import { individualRisks } from './individual-risk.js';
import { journalistRisk } from './journalist.js';
import { resolvePopulation } from './knowledge.js';
import { estimatedClassSizes } from './population-class-sizes.js';

const exact = (value: number, n?: number): MetricOut =>
  n === undefined ? { value, ci95: null } : { value, ci95: null, n };

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

  async run(ctx: AttackContext): Promise<AttackOutcome> {
    const pop = ctx.population;
    if (!pop) throw new ReidgateError('INTERNAL', 'population attack run without population knowledge');
    const cols = ctx.qi.map((q) => ctx.release.columns.get(q.name)!);
    const n = ctx.release.rows;
    const { classSize, sizes } = await groupRows(cols, ctx.pool);
    const profile = frequencyProfile(sizes);
    const resolved = resolvePopulation(pop, n);
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
    const j = journalistRisk(classSize, profile.classes, ctx.recordThreshold, pop.populationClassSize);
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
    const perRecord: Record<string, Float64Array> = { journalistRisk: j.perRecord };
    if (resolved.weights.kind !== 'none') {
      const { Fhat, group, groups } = await estimatedClassSizes(cols, classSize, resolved.weights, ctx.pool);
      const approx = individualRisks(classSize, Fhat, 'approx', group, groups);
      const exactRisk = individualRisks(classSize, Fhat, 'exact', group, groups);
      metrics.individualRiskMax = exact(approx.max, n);
      metrics.individualRiskMean = exact(approx.sum / n, n);
      metrics.expectedReidentifications = exact(approx.sum, n);
      perRecord.individualRisk = approx.perRecord;
      perRecord.populationClassSizeEstimate = Fhat;
      let below = 0;
      for (let i = 0; i < n; i++) if (Fhat[i] < classSize[i]) below++;
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
    if (ctx.wildcard && cols.some((c) => c.codes.includes(WILDCARD))) {
      warnings.push(
        'suppressed (wildcard) values are their own token in the population models; ARX instead leaves fully suppressed records out of its class-size profile',
      );
    }
    return { metrics, perRecord, details, warnings, method: method.join(' ') };
  },
};
