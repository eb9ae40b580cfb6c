/**
 * @module datasets/cohort/make-reference — rebuilds the small reference extracts in `reference/` from the
 * full tables in `../shared/datasets/japan` (see reference/SOURCE.md). The generator reads only the extracts,
 * so it works without `../shared`.
 *
 * Usage: `npx tsx datasets/cohort/make-reference.ts [SHARED_JAPAN_DIR]` (default `../shared/datasets/japan`).
 * Counts are copied unchanged; only the shape changes (long → wide, names dropped, ICD codes to dot form).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = process.argv[2] ?? join(process.cwd(), '../shared/datasets/japan');
const out = fileURLToPath(new URL('./reference/', import.meta.url));

/** Reads a plain comma-separated file (no quoted fields in these tables) into rows. */
function rows(path: string): string[][] {
  const text = readFileSync(path, 'utf8').replace(/^\ufeff/, '');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .slice(1)
    .map((l) => l.replace(/\r$/, '').split(','));
}

const PREF_BANDS = [
  '0-4',
  '5-9',
  '10-14',
  '15-19',
  '20-24',
  '25-29',
  '30-34',
  '35-39',
  '40-44',
  '45-49',
  '50-54',
  '55-59',
  '60-64',
  '65-69',
  '70-74',
  '75-79',
  '80-84',
  '85-89',
  '90-94',
  '95-99',
  '100+',
];
const MUNI_BANDS = [...PREF_BANDS.slice(0, 18), '90+'];

/** Long (key, sex, band, population) rows → wide CSV text, one line per key × sex. */
function wide(records: Array<[string, string, string, string]>, keyName: string, bands: string[]): string {
  const byKey = new Map<string, Map<string, string>>();
  for (const [key, sex, band, pop] of records) {
    if (band === 'unknown') continue;
    const k = `${key},${sex}`;
    if (!byKey.has(k)) byKey.set(k, new Map());
    byKey.get(k)!.set(band, pop);
  }
  const lines = [`${keyName},sex,${bands.map((b) => `a${b.replace('+', 'p').replace('-', '_')}`).join(',')}`];
  for (const k of [...byKey.keys()].sort()) {
    const m = byKey.get(k)!;
    lines.push(`${k},${bands.map((b) => m.get(b) ?? '0').join(',')}`);
  }
  return `${lines.join('\n')}\n`;
}

const pref = rows(join(src, 'pref_population_sex_age5/pref_sex_age5_census.csv'))
  .filter((r) => r[0] === '2015')
  .map((r) => [r[1], r[3], r[4], r[5]] as [string, string, string, string]);
writeFileSync(join(out, 'pref_sex_age5_2015.csv'), wide(pref, 'pref', PREF_BANDS));

const muni = rows(join(src, 'muni_population_sex_age5_2015/muni_sex_age5_census2015.csv')).map(
  (r) => [r[0], r[4], r[5], r[6]] as [string, string, string, string],
);
writeFileSync(join(out, 'muni_sex_age5_2015.csv'), wide(muni, 'muni', MUNI_BANDS));

const icd = rows(join(src, 'icd10_dpc/icd10_dpc_mhlw_2024.csv')).map((r) => {
  const raw = r[3].replace('$', '');
  const code = raw.length > 3 ? `${raw.slice(0, 3)}.${raw.slice(3)}` : raw;
  return `${code},${r[0]}`;
});
writeFileSync(join(out, 'icd10_dpc_codes.csv'), `icd10,mdc\n${[...new Set(icd)].sort().join('\n')}\n`);
