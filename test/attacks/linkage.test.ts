/**
 * Exact linkage on hand-computed cases: compatible sets over a generalized release (intervals, masks,
 * suppression), unknown values, numbers written `2` and `2.0`, the wildcard model.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../src/pool/pool.js';
import type { QiSpec } from '../../src/trial/schema.js';
import { tmp } from '../cli/helpers.js';
import { methodFigures, runLinkage, trial, writeCsv } from './linkage-helpers.js';

const pools = [new WorkerPool(1), new WorkerPool(2)];
const [pool1, pool2] = pools;
afterAll(() => Promise.all(pools.map((p) => p.close())));
const dir = tmp('reidgate-linkage-');
const file = (name: string, header: string[], rows: string[][]) => writeCsv(join(dir, name), header, rows);
const AGE_SEX_ZIP: QiSpec[] = [
  { name: 'age', kind: 'numeric' },
  { name: 'sex', kind: 'categorical' },
  { name: 'zip', kind: 'categorical' },
];

describe('exact linkage, hand-computed', () => {
  const original = file(
    'o.csv',
    ['age', 'sex', 'zip'],
    [
      ['34', 'M', '12345'],
      ['37', 'F', '12399'],
      ['45', 'M', '12345'],
      ['52', 'F', '99999'],
    ],
  );
  const release = file(
    'r.csv',
    ['age', 'sex', 'zip'],
    [
      ['30-39', 'M', '123**'],
      ['30-39', 'F', '123**'],
      ['40-49', 'M', '123**'],
      ['*', 'F', '*'],
    ],
  );

  it('compatible sets {0}, {1,3}, {2}, {3}: expected success (1 + 1/2 + 1 + 1)/4', async () => {
    const { outcome } = await runLinkage(trial({ release, original, qi: AGE_SEX_ZIP, aligned: true }), pool1);
    const pt = outcome.perTarget!;
    expect([...pt.rows]).toEqual([0, 1, 2, 3]);
    expect([...pt.columns.exactConfidence]).toEqual([1, 0.5, 1, 1]);
    expect([...pt.columns.exactExpectedSuccess]).toEqual([1, 0.5, 1, 1]);
    expect(outcome.metrics.expectedReidentificationRate.value).toBe(0.875);
    const exact = methodFigures(outcome, 'exact');
    expect(exact.claims).toBe(4);
    expect([3, 4]).toContain(exact.reidentified);
    expect(exact.baselineRate).toBe(1 / 4);
    // Target 1's pick is row 1 or row 3; it is correct exactly when it is row 1.
    expect(pt.columns.exactCorrect[1]).toBe(exact.reidentified - 3);
  });

  it('an unknown value is skipped: target 1 without its sex matches rows 0, 1 and 3', async () => {
    const auxiliary = file(
      'a.csv',
      ['age', 'sex', 'zip'],
      [
        ['34', 'M', '12345'],
        ['37', '', '12399'],
        ['45', 'M', '12345'],
        ['52', 'F', '99999'],
      ],
    );
    const { outcome } = await runLinkage(
      trial({ release, auxiliary, qi: AGE_SEX_ZIP, aligned: true }),
      pool2,
    );
    expect([...outcome.perTarget!.columns.exactConfidence]).toEqual([1, 1 / 3, 1, 1]);
    expect(outcome.details!.targetsRole).toBe('auxiliary');
  });

  it('numeric QIs compare by value: `2.0` = `2`, `3.0` = `3.00` = `3`', async () => {
    const o = file(
      'n-o.csv',
      ['x', 'y'],
      [
        ['2', 'a'],
        ['3', 'b'],
        ['3', 'c'],
      ],
    );
    const r = file(
      'n-r.csv',
      ['x', 'y'],
      [
        ['2.0', 'a'],
        ['3.0', 'b'],
        ['3.00', 'c'],
      ],
    );
    const numeric = await runLinkage(
      trial({ release: r, original: o, aligned: true, qi: [{ name: 'x', kind: 'numeric' }] }),
      pool1,
    );
    expect([...numeric.outcome.perTarget!.columns.exactConfidence]).toEqual([1, 0.5, 0.5]);
    expect([...numeric.outcome.perTarget!.columns.exactExpectedSuccess]).toEqual([1, 0.5, 0.5]);
  });

  it('with --wildcard `*` a suppressed value matches anything (and `*` still does without)', async () => {
    const o = file(
      'w-o.csv',
      ['a', 'b'],
      [
        ['1', 'x'],
        ['2', 'y'],
        ['3', 'z'],
      ],
    );
    const r = file(
      'w-r.csv',
      ['a', 'b'],
      [
        ['1', 'x'],
        ['*', 'y'],
        ['3', '*'],
      ],
    );
    const qi: QiSpec[] = [
      { name: 'a', kind: 'categorical' },
      { name: 'b', kind: 'categorical' },
    ];
    for (const wildcard of [['*'], []]) {
      const { outcome } = await runLinkage(
        trial({ release: r, original: o, aligned: true, qi, wildcard }),
        pool2,
      );
      // target 0 (1,x): rows 0; target 1 (2,y): row 1; target 2 (3,z): row 2
      expect([...outcome.perTarget!.columns.exactConfidence]).toEqual([1, 1, 1]);
    }
  });
});
