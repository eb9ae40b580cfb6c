/**
 * Real-data case: Adult (ARX's cleaned UCI Adult, 30,162 rows) against sdcMicro 5.8.1's `ldiversity`
 * (salary-class, l_recurs_c = 2; test/fixtures/oracles/README.md). Per record: sdcMicro's
 * `ldiv_distinct`, `ldiv_entropy`, `ldiv_recursive` to 1e-9 (the oracle file prints 15 significant
 * digits). Summary: min distinct l, records with distinct l = 1 and = 2, and the mean entropy l, which
 * is the mean over RECORDS of the per-record `ldiv_entropy` (30,162 values), not over classes.
 * t-closeness has no sdcMicro counterpart: it is checked against a direct computation here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diversity } from '../../attacks/diversity/index.js';
import type { AttackOutcome } from '../../attacks/types.js';
import { encodeTable } from '../../src/encode/index.js';
import type { EncodedTable } from '../../src/encode/types.js';
import { loadTable } from '../../src/io/index.js';
import { WorkerPool } from '../../src/pool/pool.js';
import { qis } from '../helpers/tables.js';

const ROOT = join(import.meta.dirname, '..', '..');
const ORACLE = join(ROOT, 'test/fixtures/oracles/sdcmicro/adult');
const QI = ['age', 'sex', 'race', 'marital-status', 'education', 'native-country', 'workclass', 'occupation'];
const SENSITIVE = 'salary-class';

/** The oracle's per-record CSV (gzipped), as columns by header name. */
function oracleColumns(): Map<string, number[]> {
  const text = gunzipSync(readFileSync(join(ORACLE, 'per_record.csv.gz'))).toString('utf8');
  const lines = text.split(/\r?\n/).filter((l) => l !== '');
  const header = lines[0].split(',').map((h) => h.replace(/"/g, ''));
  const cols = new Map(header.map((h) => [h, [] as number[]]));
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i].split(',');
    for (const [j, h] of header.entries()) cols.get(h)!.push(Number(cells[j]));
  }
  return cols;
}

const pools = [new WorkerPool(1), new WorkerPool(2)];
let release: EncodedTable;
const outs: AttackOutcome[] = [];
let oracle: Map<string, number[]>;
let summary: {
  n_equivalence_classes: number;
  ldiversity: {
    min_distinct_l: number;
    n_records_distinct_l_eq1: number;
    n_records_distinct_l_eq2: number;
    mean_entropy_l: number;
  };
};

beforeAll(async () => {
  const loaded = await loadTable(join(ROOT, 'datasets/adult/adult.csv'));
  const specs = [...QI, SENSITIVE].map((name) => ({ name, kind: 'categorical' as const }));
  release = encodeTable(loaded.table, specs, 'adult');
  for (const pool of pools) {
    outs.push(
      await diversity.run({
        release,
        qi: qis(...QI),
        sensitive: [SENSITIVE],
        pool,
        seed: 1,
        recordThreshold: 0.2,
        wildcard: false,
      }),
    );
  }
  oracle = oracleColumns();
  summary = JSON.parse(readFileSync(join(ORACLE, 'summary.json'), 'utf8'));
}, 120_000);
afterAll(async () => Promise.all(pools.map((p) => p.close())));

describe('diversity on Adult vs sdcMicro 5.8.1 ldiversity', () => {
  it('per record: distinct, entropy and recursive l match to 1e-9', () => {
    const out = outs[0];
    const n = release.rows;
    expect(oracle.get('row')!.length).toBe(n);
    expect(oracle.get('row')![n - 1]).toBe(n);
    const cmp: Array<[string, string]> = [
      ['lDistinct', 'ldiv_distinct'],
      ['lEntropy', 'ldiv_entropy'],
      ['lRecursive', 'ldiv_recursive'],
    ];
    for (const [ours, theirs] of cmp) {
      const a = out.perRecord![ours];
      const b = oracle.get(theirs)!;
      let worst = 0;
      for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
      expect(worst, `${ours} vs ${theirs}`).toBeLessThan(1e-9);
    }
  });

  it('summary: classes, min distinct l, records at distinct l = 1 and 2, mean entropy l over records', () => {
    const out = outs[0];
    const a = (out.details!.attributes as Array<Record<string, unknown>>)[0];
    expect(out.details!.equivalenceClasses).toBe(summary.n_equivalence_classes); // 18,109
    expect(out.metrics.minDistinctL.value).toBe(summary.ldiversity.min_distinct_l); // 1
    const byL = a.recordsByDistinctL as Record<string, number>;
    expect(byL['1']).toBe(summary.ldiversity.n_records_distinct_l_eq1); // 23,430
    expect(byL['2']).toBe(summary.ldiversity.n_records_distinct_l_eq2); // 6,732
    expect(out.histograms![0].records).toEqual([23430, 6732, 0, 0, 0]);
    expect(a.meanEntropyL as number).toBeCloseTo(summary.ldiversity.mean_entropy_l, 11); // 1.18252692464296
    // Homogeneous records are the distinct-l-1 records.
    expect(out.metrics.homogeneousRecords.value).toBe(23430);
    expect(out.metrics.homogeneousFraction.value).toBeCloseTo(23430 / 30162, 14);
  });

  it('t-closeness (equal distance) matches a direct per-class computation', () => {
    const out = outs[0];
    const n = release.rows;
    const s = release.columns.get(SENSITIVE)!.codes;
    const key = (i: number) => QI.map((q) => release.columns.get(q)!.codes[i]).join(',');
    const classes = new Map<string, number[]>();
    for (let i = 0; i < n; i++) {
      const k = key(i);
      const list = classes.get(k);
      if (list) list.push(i);
      else classes.set(k, [i]);
    }
    const card = release.columns.get(SENSITIVE)!.cardinality;
    const q = new Array(card).fill(0);
    for (let i = 0; i < n; i++) q[s[i]] += 1 / n;
    let max = 0;
    let sum = 0;
    for (const rows of classes.values()) {
      const p = new Array(card).fill(0);
      for (const i of rows) p[s[i]] += 1 / rows.length;
      let d = 0;
      for (let v = 0; v < card; v++) d += Math.abs(p[v] - q[v]);
      d /= 2;
      max = Math.max(max, d);
      sum += d;
      for (const i of rows) expect(Math.abs(out.perRecord!.tCloseness[i] - d)).toBeLessThan(1e-12);
    }
    expect(out.metrics.tClosenessMax.value).toBeCloseTo(max, 12);
    expect(out.metrics.tClosenessMean.value).toBeCloseTo(sum / classes.size, 12);
  });

  it('1 and 2 workers give identical results', () => {
    expect(JSON.stringify(outs[1].metrics)).toBe(JSON.stringify(outs[0].metrics));
    expect(JSON.stringify(outs[1].details)).toBe(JSON.stringify(outs[0].details));
    expect(outs[1].histograms).toEqual(outs[0].histograms);
    for (const k of Object.keys(outs[0].perRecord!)) {
      expect(
        Buffer.from(outs[1].perRecord![k].buffer).equals(Buffer.from(outs[0].perRecord![k].buffer)),
        k,
      ).toBe(true);
    }
  });
});
