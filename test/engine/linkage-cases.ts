/**
 * @module test/engine/linkage-cases — the cases of exact linkage every SQL engine must answer as the
 * local engine does (expectSameLinkage: metrics, per-method figures, linkage-targets.csv byte for
 * byte): the bundled Adult k=5 release (with and without ARX hierarchies), the NIST k=6 release by
 * --id (absent targets), and edge cases of the relation (missing values, wildcards, intervals, coarse
 * and masked dates, masks, unseen labels, `2.0` = `2`, an auxiliary table with some QIs, no ground
 * truth). Used by linkage.test.ts (duckdb) and clickhouse-linkage.test.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunFlags } from '../../src/trial/resolve.js';
import { ROOT, tmp } from '../cli/helpers.js';
import { nistPath } from '../fixtures/nist/load.js';
import { ADULT_HIERARCHIES } from '../helpers/adult.js';
import { expectSameLinkage, type LinkageRun } from './helpers.js';

const TRIALS = join(ROOT, 'datasets/trials');
const ADULT = join(ROOT, 'datasets/adult');

/** Writes a file into a fresh temporary folder and returns its path. */
function file(name: string, text: string): string {
  const p = join(tmp('reidgate-engine-linkage-'), name);
  writeFileSync(p, text);
  return p;
}

const methods = (r: LinkageRun) => Object.keys(r.report.attacks[0].details.methods as object);

/** Defines the cases (describe blocks) for `engine`, each compared with the local engine. */
export function linkageCases(engine: 'duckdb' | 'clickhouse'): void {
  const same = async (trialPath: string | undefined, flags: RunFlags) =>
    (await expectSameLinkage(trialPath, flags, engine)).other;
  describe('Adult k=5 release, row-aligned with the original', () => {
    it('without hierarchies: exact and exact-unseen-as-generalized agree with local', async () => {
      const other = await same(join(TRIALS, 'adult-k5.yaml'), {
        original: join(ADULT, 'adult.csv'),
        aligned: true,
      });
      expect(methods(other)).toEqual(['exact', 'exact-unseen-as-generalized']);
      expect(other.report.attacks[0].metrics.reidentified.value).toBeGreaterThan(0);
    });

    it('with ARX hierarchies (and a seeded sample of 3,000 targets)', async () => {
      const other = await same(join(TRIALS, 'adult-k5.yaml'), {
        original: join(ADULT, 'adult.csv'),
        aligned: true,
        hierarchy: ADULT_HIERARCHIES,
        targets: '3000',
      });
      expect(methods(other)).toEqual(['exact']);
    });
  });

  describe('NIST k=6 release by --id (absent targets: prosecutor and journalist settings)', () => {
    it('national2019 targets (seeded 4,000) against k_anonymity_k_6', async () => {
      const nat = readFileSync(nistPath('national2019.csv'), 'utf8').trim().split('\n');
      const k6 = readFileSync(nistPath('k_anonymity_k_6.csv'), 'utf8').trim().split('\n');
      // Keys: the original's row number; the release keeps the first 2/3 of them (others are absent).
      const original = file(
        'original.csv',
        nat.map((l, i) => `${i === 0 ? 'pid' : `p${i}`},${l}`).join('\n'),
      );
      const release = file(
        'release.csv',
        k6
          .filter((_, i) => i === 0 || i % 3 !== 0)
          .map((l, i) => `${i === 0 ? 'pid' : `p${i * 2}`},${l}`)
          .join('\n'),
      );
      const other = await same(undefined, {
        release,
        original,
        id: 'pid',
        qi: 'AGEP,SEX,MSP,RAC1P,HOUSING_TYPE,OWN_RENT,EDU,PINCP_DECILE',
        missing: 'N,',
        targets: '4000',
      });
      const m = other.report.attacks[0].metrics;
      expect(m.journalistTargets.value).toBe(4000);
      expect(m.targets.value).toBeLessThan(4000);
    });
  });

  describe('edge cases of the compatibility relation', () => {
    it('missing values on both sides, wildcard tokens, `2.0` = `2`', async () => {
      const release = file(
        'release.csv',
        'id,a,b,c\n1,1,x,2.0\n2,1,*,2\n3,,x,3\n4,2,?,3\n5,2,y,\n6,3,y,4\n7,*,x,4\n8,1,x,2\n',
      );
      const original = file(
        'original.csv',
        'id,a,b,c\n1,1,x,2\n2,1,z,2\n3,,x,3\n4,2,q,3.0\n5,2,y,5\n6,3,,4\n7,9,x,4\n8,1,x,2\n',
      );
      for (const wildcard of [undefined, '*', '*,?']) {
        await same(undefined, { release, original, aligned: true, qi: 'a,b,c:numeric', wildcard });
      }
    });

    it('numeric intervals, coarse and masked dates, masked codes, suppression, unseen labels', async () => {
      const release = file(
        'release.csv',
        [
          'key;age;born;zip;job',
          'k0;30-39;1980;123**;Technical',
          'k1;30-39;1980-05;123**;Technical',
          'k2;[40,50);1975-**-**;12***;clerk',
          'k3;90+;FY2020;*;*',
          'k4;<20;2001-03-04;12345;clerk',
          'k5;35;1980-05-17;12346;nurse',
          'k6;30-39;1950-1954;123**;nurse',
          'k7;*;<=1934;99999;Other',
        ].join('\n'),
      );
      const original = file(
        'original.csv',
        [
          'key;age;born;zip;job',
          'k0;33;1980-02-01;12301;engineer',
          'k1;35;1980-05-17;12345;engineer',
          'k2;41;1975-07-07;12999;clerk',
          'k3;93;2020-06-01;55555;nurse',
          'k4;17;2001-03-04;12345;clerk',
          'k5;35.0;1980-05-17;12346;nurse',
          'k6;38;1952-01-01;12300;nurse',
          'k7;80;1930-01-01;99999;clerk',
          'k8;36;;12312;',
        ].join('\n'),
      );
      const other = await same(undefined, {
        release,
        original,
        id: 'key',
        qi: 'age:numeric,born:date,zip,job',
      });
      expect(methods(other)).toEqual(['exact', 'exact-unseen-as-generalized']);
    });

    it('an auxiliary table with some of the QIs and no ground truth', async () => {
      const release = file('release.csv', 'a,b,c\n1,x,p\n1,y,p\n2,x,q\n2,x,q\n3,*,r\n');
      const auxiliary = file('aux.csv', 'b,a\nx,1\ny,2\n*,3\nx,\n');
      const other = await same(undefined, { release, auxiliary, qi: 'a,b,c' });
      expect(other.report.attacks[0].warnings.join(' ')).toMatch(/lacks c/);
    });
  });
}
