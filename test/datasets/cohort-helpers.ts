/**
 * @module test/datasets/cohort-helpers — reading the cohort's plain CSV files in tests (no quoted fields).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Rows of a cohort CSV as objects keyed by header. */
export function readCsv(dir: string, file: string): Array<Record<string, string>> {
  const lines = readFileSync(join(dir, file), 'utf8').trimEnd().split('\n');
  const header = lines[0].split(',');
  return lines.slice(1).map((l) => {
    const f = l.split(',');
    return Object.fromEntries(header.map((h, i) => [h, f[i]]));
  });
}

/** Patients holding each value of a column (distinct pids per value). */
export function holders(rows: Array<Record<string, string>>, col: string): Map<string, Set<string>> {
  const m = new Map<string, Set<string>>();
  for (const r of rows) {
    let s = m.get(r[col]);
    if (!s) {
      s = new Set();
      m.set(r[col], s);
    }
    s.add(r.pid);
  }
  return m;
}

/** Pearson correlation. */
export function corr(x: number[], y: number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

export const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
