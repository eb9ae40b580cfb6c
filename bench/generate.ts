/**
 * @module bench/generate — seeded synthetic tables for benchmarks.
 *
 * Ten quasi-identifier columns with realistic cardinalities (age 0–99, sex, a 47-value prefecture,
 * 12 months, 30 days, …) drawn from a seeded xorshift generator, written as CSV.
 */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

/** Column name → number of distinct values. */
export const BENCH_COLUMNS: ReadonlyArray<[string, number]> = [
  ['age', 100],
  ['sex', 2],
  ['prefecture', 47],
  ['birth_month', 12],
  ['birth_day', 30],
  ['education', 16],
  ['marital', 7],
  ['occupation', 14],
  ['income_decile', 10],
  ['household', 8],
];

/** A seeded 32-bit xorshift generator. */
export function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/**
 * Writes a CSV of `rows` rows with the benchmark columns.
 * @param wildcard - probability that a cell is the wildcard token `*` instead (drawn from a second
 *   seeded generator, so the other cells are those of the file without wildcards)
 * @returns the file's path
 */
export async function writeBenchCsv(path: string, rows: number, seed = 42, wildcard = 0): Promise<string> {
  const rnd = xorshift(seed);
  const wild = xorshift(seed ^ 0x5bd1e995);
  const cell = (v: number) => (wildcard > 0 && wild() < wildcard ? '*' : v);
  const out = createWriteStream(path);
  out.write(`${BENCH_COLUMNS.map((c) => c[0]).join(',')}\n`);
  let buf = '';
  for (let i = 0; i < rows; i++) {
    // skewed draws (squared uniform) so classes have realistic, uneven sizes
    buf += `${BENCH_COLUMNS.map(([, k]) => cell(Math.floor(rnd() * rnd() * k))).join(',')}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
  return path;
}
