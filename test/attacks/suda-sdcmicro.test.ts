/**
 * @module test/attacks/suda-sdcmicro — the suda attack against sdcMicro 5.8.1's `suda2` output
 * (missing = -999, DisFraction = 0.01, original_scores = TRUE) on Adult and on sdcMicro's testdata.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { suda } from '../../attacks/suda/index.js';
import type { AttackOutcome } from '../../attacks/types.js';
import { encodeTable } from '../../src/encode/index.js';
import type { EncodedTable } from '../../src/encode/types.js';
import { loadTable } from '../../src/io/index.js';
import { WorkerPool } from '../../src/pool/pool.js';
import { ADULT_QI } from '../helpers/adult.js';
import { qis } from '../helpers/tables.js';

const FIX = new URL('../fixtures/', import.meta.url);
const TESTDATA_QI = ['urbrur', 'roof', 'walls', 'water', 'electcon', 'relat', 'sex'];

/** Parses an R `write.csv` file (quoted header, unquoted numbers) into columns by name. */
function readOracle(text: string): Map<string, number[]> {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const head = lines[0].split(',').map((h) => h.replace(/"/g, ''));
  const cols = new Map<string, number[]>(head.map((h) => [h, []]));
  for (const line of lines.slice(1)) {
    const fields = line.split(',');
    for (let j = 0; j < fields.length; j++) cols.get(head[j])!.push(Number(fields[j]));
  }
  return cols;
}

async function release(path: URL, names: string[]): Promise<EncodedTable> {
  const loaded = await loadTable(path.pathname);
  return encodeTable(loaded.table, qis(...names), 'release');
}

const pool = new WorkerPool(2);
afterAll(() => pool.close());

const run = (rel: EncodedTable, names: string[]): Promise<AttackOutcome> =>
  suda.run({
    release: rel,
    qi: qis(...names),
    sensitive: [],
    pool,
    seed: 1,
    recordThreshold: 0.2,
    wildcard: false,
  });

describe('suda reproduces sdcMicro 5.8.1 suda2', () => {
  it('Adult (30,162 rows × 8 QIs): every SUDA and DIS-SUDA score, the totals, the contributions', async () => {
    const out = await run(
      await release(new URL('../../datasets/adult/adult.csv', import.meta.url), ADULT_QI),
      ADULT_QI,
    );
    const oracle = readOracle(
      gunzipSync(readFileSync(new URL('oracles/sdcmicro/adult/per_record.csv.gz', FIX))).toString(),
    );
    const summary = JSON.parse(
      readFileSync(new URL('oracles/sdcmicro/adult/summary.json', FIX), 'utf8'),
    ).suda2;
    const score = out.perRecord!.sudaScore;
    const dis = out.perRecord!.disSudaScore;
    const wantScore = oracle.get('suda_score')!;
    const wantDis = oracle.get('dis_suda_score')!;
    expect(score.length).toBe(30162);
    let worstScore = 0;
    let worstDis = 0;
    for (let i = 0; i < score.length; i++) {
      worstScore = Math.max(worstScore, Math.abs(score[i] - wantScore[i]));
      worstDis = Math.max(worstDis, Math.abs(dis[i] - wantDis[i]));
    }
    expect(worstScore).toBe(0); // scores are sums of integer weights: exact
    expect(worstDis).toBeLessThan(1e-9);
    const v = (k: string) => out.metrics[k].value;
    expect(v('recordsWithMsu')).toBe(summary.n_records_score_gt0);
    expect(v('sudaScoreMax')).toBe(summary.max_score);
    expect(v('sudaScoreMean') * 30162).toBeCloseTo(summary.sum_score, 6);
    expect(v('disSudaScoreMax')).toBeCloseTo(summary.max_dis_score, 9);
    expect(v('disSudaScoreMean')).toBeCloseTo(summary.mean_dis_score, 9);
    expect(out.histograms![0].records).toEqual(Object.values(summary.dis_score_table));
    const contributions = out.details!.attributeContributions as Record<string, number>;
    for (const [name, percent] of Object.entries(summary.attribute_contributions as Record<string, number>)) {
      expect(Math.abs(100 * contributions[name] - percent)).toBeLessThan(1e-9);
    }
    const csv = readOracle(
      readFileSync(new URL('oracles/sdcmicro/adult/suda_attribute_contributions.csv', FIX), 'utf8'),
    );
    expect(csv.get('contribution')!.map((c) => Math.round(c * 1e9))).toEqual(
      ADULT_QI.map((q) => Math.round(100 * contributions[q] * 1e9)),
    );
    expect(out.details!.msusBySize).toEqual({
      '1': 2,
      '2': 1198,
      '3': 13852,
      '4': 20569,
      '5': 9287,
      '6': 1616,
      '7': 119,
      '8': 5,
    });
    expect(v('msuCount')).toBe(46648);
    expect(out.details!.truncated).toBe(false);
  });

  it("sdcMicro's testdata (4,580 rows × 7 QIs): every SUDA and DIS-SUDA score", async () => {
    const out = await run(await release(new URL('sdcmicro/testdata.csv', FIX), TESTDATA_QI), TESTDATA_QI);
    const oracle = readOracle(
      readFileSync(new URL('oracles/sdcmicro/extras/testdata_per_record.csv', FIX), 'utf8'),
    );
    const score = out.perRecord!.sudaScore;
    const dis = out.perRecord!.disSudaScore;
    const wantScore = oracle.get('suda_score')!;
    const wantDis = oracle.get('dis_suda_score')!;
    expect(score.length).toBe(4580);
    for (let i = 0; i < score.length; i++) {
      expect(score[i]).toBe(wantScore[i]);
      expect(Math.abs(dis[i] - wantDis[i])).toBeLessThan(1e-9);
    }
    // Q = 1 + (8 - 7)/20 in single precision, as sdcMicro computes it
    expect(out.details!.disExponent).toBe(Math.fround(1.05));
    expect(out.details!.sampleUniques).toBe(157);
  });
});
