/**
 * @module test/attacks/population-sdcmicro
 *
 * Real-data case: sdcMicro 5.8.1's own example data with sampling weights
 * (test/fixtures/oracles/sdcmicro/extras/, inputs in test/fixtures/sdcmicro/).
 *
 * - francdat (8 rows; keys Key1..Key4, weight w): fk, Fk, individual risk "approx" and "exact" and
 *   measure_risk's global risk. (francdat's classes have f ≤ 2, where approx and exact coincide.)
 * - testdata (4,580 rows; keys urbrur, roof, walls, water, electcon, relat, sex; weight
 *   sampling_weight): fk, Fk and risk per record, and the global risk.
 * Per-record figures agree to 1e-9 relative (the oracle prints 15 significant digits).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { population } from '../../attacks/population/index.js';
import { encodeTable } from '../../src/encode/index.js';
import { loadTable } from '../../src/io/index.js';
import { WorkerPool } from '../../src/pool/pool.js';
import { qis } from '../helpers/tables.js';

const ROOT = join(import.meta.dirname, '..', '..');
const EXTRAS = join(ROOT, 'test/fixtures/oracles/sdcmicro/extras');
const summary = JSON.parse(readFileSync(join(EXTRAS, 'extras_summary.json'), 'utf8')) as Record<
  string,
  { measure_risk: { global_risk_ER: number; global_risk: number } }
>;

/** A small numeric CSV (quoted header, no quoted values) as columns by name. */
function csvColumns(path: string): Map<string, number[]> {
  const lines = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l !== '');
  const header = lines[0].split(',').map((h) => h.replace(/"/g, ''));
  const cols = new Map(header.map((h) => [h, [] as number[]]));
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i].split(',');
    for (const [j, h] of header.entries()) cols.get(h)!.push(Number(cells[j]));
  }
  return cols;
}

const pools = [new WorkerPool(1), new WorkerPool(2)];
afterAll(async () => Promise.all(pools.map((p) => p.close())));

async function runOn(data: string, keys: string[], weight: string, pool: WorkerPool) {
  const loaded = await loadTable(join(ROOT, 'test/fixtures/sdcmicro', data));
  const release = encodeTable(
    loaded.table,
    keys.map((name) => ({ name, kind: 'categorical' as const })),
    data,
  );
  const weights = new Float64Array(csvColumns(join(ROOT, 'test/fixtures/sdcmicro', data)).get(weight)!);
  return population.run({
    release,
    qi: qis(...keys),
    sensitive: [],
    pool,
    seed: 1,
    recordThreshold: 0.2,
    wildcard: false,
    population: { weights, size: weights.reduce((a, b) => a + b, 0), source: 'weights' },
  });
}

function expectPerRecord(actual: ArrayLike<number>, expected: number[], tol = 1e-9) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i] - expected[i]) / expected[i]).toBeLessThan(tol);
  }
}

describe.each(pools.map((p) => [p.workers, p] as const))(
  'sdcMicro example data with %i worker(s)',
  (_w, pool) => {
    it('francdat: Fk, approx and exact individual risk, global risk', async () => {
      const ref = csvColumns(join(EXTRAS, 'francdat_per_record.csv'));
      const out = await runOn('francdat.csv', ['Key1', 'Key2', 'Key3', 'Key4'], 'w', pool);
      expectPerRecord(out.perRecord!.populationClassSizeEstimate, ref.get('Fk')!, 1e-15);
      expectPerRecord(out.perRecord!.individualRisk, ref.get('risk_approx')!);
      const exact = (out.details!.individualRisk as { exact: { expectedReidentifications: number } }).exact;
      const exactRef = ref.get('risk_exact')!.reduce((a, b) => a + b, 0);
      expect(Math.abs(exact.expectedReidentifications - exactRef) / exactRef).toBeLessThan(1e-9);
      const g = summary.francdat.measure_risk;
      expect(out.metrics.expectedReidentifications.value).toBeCloseTo(g.global_risk_ER, 12);
      expect(out.metrics.individualRiskMean.value).toBeCloseTo(g.global_risk, 12);
    });

    it('testdata: fk, Fk and individual risk per record, global risk', async () => {
      const ref = csvColumns(join(EXTRAS, 'testdata_per_record.csv'));
      const keys = ['urbrur', 'roof', 'walls', 'water', 'electcon', 'relat', 'sex'];
      const out = await runOn('testdata.csv', keys, 'sampling_weight', pool);
      expectPerRecord(out.perRecord!.populationClassSizeEstimate, ref.get('Fk')!, 1e-12);
      expectPerRecord(out.perRecord!.individualRisk, ref.get('risk')!);
      const g = summary.testdata.measure_risk;
      expect(
        Math.abs(out.metrics.expectedReidentifications.value - g.global_risk_ER) / g.global_risk_ER,
      ).toBeLessThan(1e-12);
      expect(Math.abs(out.metrics.individualRiskMean.value - g.global_risk) / g.global_risk).toBeLessThan(
        1e-12,
      );
      // Sample uniques as sdcMicro counts them (its n1).
      expect(out.details!.sampleUniques).toBe(157);
    });
  },
);
