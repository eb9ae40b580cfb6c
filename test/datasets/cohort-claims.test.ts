/**
 * The claims-scale generator (datasets/cohort/claims.ts): deterministic, exactly the rows asked for, a prefix of
 * any larger size, the cohort generator's patients and events, and the Parquet output holding the CSV's rows in
 * order across several chunks.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { CLAIMS_HEADER, generateClaims } from '../../datasets/cohort/claims.js';
import { generateCohort } from '../../datasets/cohort/generate.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'cohort-claims-'));
const csv = async (rows: number, seed: number, chunk?: number) => {
  const out = tmp();
  const r = await generateClaims({ rows, seed, out, format: 'csv', chunk });
  return { ...r, text: readFileSync(r.file, 'utf8') };
};

describe('claims generator', () => {
  it('is deterministic: the same seed gives the same bytes, another seed other bytes', async () => {
    const a = await csv(3000, 3);
    const b = await csv(3000, 3);
    const c = await csv(3000, 4);
    expect(a.text).toBe(b.text);
    expect(a.text).not.toBe(c.text);
  });

  it('writes exactly the rows asked for, and a smaller size is a prefix of a larger one', async () => {
    const small = await csv(2500, 1);
    const large = await csv(6000, 1);
    const lines = small.text.trimEnd().split('\n');
    expect(lines[0]).toBe(CLAIMS_HEADER);
    expect(lines).toHaveLength(2501);
    expect(large.text.trimEnd().split('\n')).toHaveLength(6001);
    expect(large.text.startsWith(small.text)).toBe(true);
    expect(small.rows).toBe(2500);
    for (const line of lines.slice(1)) {
      expect(line).toMatch(
        /^P\d{7},[MF],\d{4}-\d{2},\d{2},\d{5},20(19|2[0-3])-\d{2}-\d{2},(dx,[A-Z]\d{2}(\.\d{1,2})?|rx,[A-Z]\d{2}[A-Z]{1,2}(\d{2})?)$/,
      );
    }
  });

  it("holds the cohort generator's patients and their diagnoses and prescriptions, patient by patient", async () => {
    const claims = await csv(4000, 5);
    const cohort = tmp();
    await generateCohort({ patients: claims.patients, seed: 5, out: cohort });
    const read = (f: string) => readFileSync(join(cohort, f), 'utf8').trimEnd().split('\n').slice(1);
    const demo = new Map(read('patients.csv').map((l) => [l.slice(0, l.indexOf(',')), l]));
    const expected: string[] = [];
    for (const [file, kind] of [
      ['diagnoses.csv', 'dx'],
      ['prescriptions.csv', 'rx'],
    ] as const) {
      for (const l of read(file)) {
        const [pid, date, code] = l.split(',');
        expected.push(`${demo.get(pid)},${date},${kind},${code}`);
      }
    }
    const got = claims.text.trimEnd().split('\n').slice(1);
    // The last patient is cut short; every earlier patient's events are all there.
    const last = got.at(-1)!.slice(0, 8);
    const full = (l: string) => !l.startsWith(last);
    expect(got.filter(full).sort()).toEqual(expected.filter(full).sort());
    const lastRows = got.filter((l) => !full(l));
    expect(lastRows.length).toBeGreaterThan(0);
    for (const l of lastRows) expect(expected).toContain(l);
    // Rows are in (pid, date, kind, code) order.
    const key = (l: string) => {
      const f = l.split(',');
      return [f[0], f[5], f[6], f[7]].join('\u0000');
    };
    for (let i = 1; i < got.length; i++) expect(key(got[i - 1]) < key(got[i]), `row ${i}`).toBe(true);
  });

  it('Parquet: the CSV rows in order, every column VARCHAR, across several chunks', async () => {
    const rows = 5000;
    const text = (await csv(rows, 2)).text.trimEnd().split('\n').slice(1);
    const out = tmp();
    const r = await generateClaims({ rows, seed: 2, out, format: 'parquet', chunk: 700 });
    expect(r.file).toBe(join(out, 'claims.parquet'));
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      const types = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${r.file}')`)).getRows();
      expect(types.map((t) => `${t[0]}:${t[1]}`)).toEqual(
        CLAIMS_HEADER.split(',').map((c) => `${c}:VARCHAR`),
      );
      const got = (
        await conn.runAndReadAll(
          `SELECT concat_ws(',', ${CLAIMS_HEADER}) FROM read_parquet('${r.file}', file_row_number = true) ORDER BY file_row_number`,
        )
      )
        .getRows()
        .map((x) => String(x[0]));
      expect(got).toEqual(text);
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });
});
