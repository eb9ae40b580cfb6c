/**
 * Relational trials' inputs: the person view built from the mini cohort (hand-checked), and every
 * kind of bad input rejected with code and a message naming table, row and column.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeFor, isReidgateError } from '../../src/errors.js';
import { cli } from '../cli/helpers.js';
import { BAD_INPUTS, eventsOf, loadTrial, MINI, miniCopy } from './helpers.js';

/** Resolves with the ReidgateError a promise rejects with. */
async function failure(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    if (isReidgateError(e)) return e;
    throw e;
  }
  throw new Error('expected a ReidgateError');
}

describe('the mini cohort as a person view', async () => {
  const inputs = await loadTrial(`${MINI}/trial.yaml`);
  const view = inputs.persons!;
  const label = (c: number) => view.codeLabels[c];
  const codesOf = (side: typeof view.release, row: number) =>
    Array.from(side.setCodes.subarray(side.setOffsets[row], side.setOffsets[row + 1]), label).sort();

  it('has one code space for both sides, with ICD-10 at 3 characters and the checkups table code-free', () => {
    expect(view.tables.map((t) => [t.name, t.codes, t.precision])).toEqual([
      ['diagnoses', 4, 'month'],
      ['prescriptions', 2, 'month'],
      ['checkups', 0, 'month'],
    ]);
    expect([...view.codeLabels].filter((l) => !l.endsWith('(suppressed)')).sort()).toEqual(
      [
        'diagnoses:C34',
        'diagnoses:E11',
        'diagnoses:I10',
        'diagnoses:J45',
        'prescriptions:A10BA02',
        'prescriptions:L01XE03',
      ].sort(),
    );
  });

  it('joins events to patients by the key on both sides (original p1 is release row 1)', () => {
    // Original row 0 is p1; the release lists p6, p1, p3, p5, p2, p4.
    expect(Array.from(view.truth!)).toEqual([1, 4, 2, 5, 3, 0]);
    const p1 = ['diagnoses:E11', 'diagnoses:I10', 'diagnoses:J45', 'prescriptions:A10BA02'];
    expect(codesOf(view.original!, 0)).toEqual(p1);
    expect(codesOf(view.release, 1)).toEqual(p1);
    expect(codesOf(view.release, 2)).toEqual(['diagnoses:I10']);
  });

  it('keeps dated events sorted by (code, date) at month precision', () => {
    const r = view.release;
    const p1 = 1;
    const ev = [];
    for (let k = r.seqOffsets[p1]; k < r.seqOffsets[p1 + 1]; k++) {
      ev.push([label(r.seqCodes[k]), Math.floor(r.seqLo[k] / 12), (r.seqLo[k] % 12) + 1]);
    }
    expect(ev.sort()).toEqual(
      [
        ['diagnoses:E11', 2021, 3],
        ['diagnoses:I10', 2021, 4],
        ['diagnoses:J45', 2022, 1],
        ['prescriptions:A10BA02', 2021, 3],
      ].sort(),
    );
    expect(view.values.map((v) => v.column)).toEqual(['bmi', 'sbp', 'dbp', 'hba1c']);
  });
});

describe('bad relational input: exit 2 with a message naming the table, row and column', () => {
  for (const [what, files, edit, message] of BAD_INPUTS) {
    it(what, async () => {
      const { path } = miniCopy(files, edit);
      const e = await failure(loadTrial(path));
      expect(exitCodeFor(e.code)).toBe(2);
      expect(e.message).toMatch(message);
      expect(e.message).not.toContain('\n');
    });
  }

  it('a declared shift widens the original dates and is accepted', async () => {
    const { path } = miniCopy(
      { 'release/diagnoses.csv': 'pid,date,icd10\np1,2021-01,E11\np2,2021-03,I10\n' },
      (t) => {
        eventsOf(t)[0].dateShift = 45;
      },
    );
    const view = (await loadTrial(path)).persons!;
    const o = view.original!;
    // p1's E11.9 on 2021-03-05 may have become any month from 2021-01 to 2021-04.
    const k = o.seqOffsets[0];
    expect([o.seqLo[k], o.seqHi[k]]).toEqual([2021 * 12 + 0, 2021 * 12 + 3]);
  });

  it('an event table may name its own key column (Synthea: Id in patients, PATIENT in events)', async () => {
    const base = (await loadTrial(miniCopy().path)).persons!;
    const rename = (side: string) =>
      readFileSync(join(MINI, side, 'prescriptions.csv'), 'utf8').replace(/^pid,/, 'PATIENT,');
    const { path } = miniCopy(
      {
        'release/prescriptions.csv': rename('release'),
        'original/prescriptions.csv': rename('original'),
      },
      (t) => {
        eventsOf(t)[1].key = 'PATIENT';
      },
    );
    const view = (await loadTrial(path)).persons!;
    for (const side of ['release', 'original'] as const) {
      for (const k of ['setOffsets', 'setCodes', 'seqOffsets', 'seqCodes', 'seqLo', 'seqHi'] as const)
        expect(Array.from(view[side]![k])).toEqual(Array.from(base[side]![k]));
    }
    // Without the override the table's own key column is missing: a COLUMN error naming it.
    const noOverride = miniCopy({ 'release/prescriptions.csv': rename('release') });
    expect((await failure(loadTrial(noOverride.path))).message).toMatch(/prescriptions.*pid/);
  });

  it('event tables without a key, and a key that is a QI, are usage errors', async () => {
    const noKey = miniCopy({}, (t) => {
      delete t.key;
    });
    expect((await failure(loadTrial(noKey.path))).message).toMatch(
      /events: event tables need the person key/,
    );
    const keyQi = miniCopy({}, (t) => {
      t.qi = ['pid', 'sex'];
    });
    expect((await failure(loadTrial(keyQi.path))).message).toMatch(
      /--key `pid`: the person key is ground truth only/,
    );
  });

  it('through the CLI: exit 2, one line on stderr, no report', () => {
    const { dir, path } = miniCopy({ 'release/diagnoses.csv': 'pid,date,icd10\np9,2021-03,E11\n' });
    const r = cli(['run', path, '--out', `${dir}/out`]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/1 of 1 rows have a key `pid` matching no patient/);
    expect(existsSync(`${dir}/out/report.json`)).toBe(false);
  });
});
