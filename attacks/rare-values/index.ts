/**
 * @module attacks/rare-values — rare values (特異な記述): codes, code pairs and extreme values held by
 * fewer than N patients of the release (default N = 10, as Japan's NDB publication rules suppress
 * counts under 10). Counts only: the values themselves never reach the report.
 *
 *   rare code          a (event table, code) held by 1 … N−1 patients
 *   rare code pair     two codes, each held by ≥ N patients, held together by 1 … N−1 patients
 *                      (pairs with a rare code are already flagged by that code)
 *   rare extreme value a distinct released value outside a column's plausible range — the declared
 *                      bounds (`values: [{name, min, max}]`), else Tukey's far-out fences
 *                      [Q1 − 3·IQR, Q3 + 3·IQR] of the released values — held by 1 … N−1 patients
 *                      (top-coding puts such values in one shared value, which is then not rare)
 *   rare age           a released birth value implying an age ≥ 100 in the reference year, held by
 *                      1 … N−1 patients (reference: `--option rare-values.referenceYear=YYYY`, else
 *                      the latest year of the release's event dates; age = reference year − the
 *                      latest birth year the released value allows)
 * `rareValues` = rare codes + rare extreme values + rare ages; pairs are reported beside it.
 *
 * Sources: MHLW, 匿名レセプト情報・匿名特定健診等情報の提供に関するガイドライン and the NDB Open Data
 * publication rules (counts under 10 are not published); 特異な記述 as in the 個人情報保護委員会's
 * guidelines on anonymously processed information (削除 of unusual descriptions, e.g. ages over 100).
 */
import { quantileSorted } from 'simple-statistics';
import { parseDateRange } from '../../src/encode/generalized.js';
import { ReidgateError } from '../../src/errors.js';
import type { EventValues, PersonView } from '../../src/relational/person-view.js';
import { invertTokens } from '../../src/relational/person-view.js';
import { intOption, needsEvents, viewOf } from '../person-match/index.js';
import type { Attack, AttackContext, AttackOutcome, TableOut } from '../types.js';

const ID = 'rare-values';

/** Patients per distinct value of the `where`-selected events of a value column. */
function patientsPerValue(v: EventValues, where: (x: number) => boolean): Map<number, number> {
  const seen = new Map<number, Set<number>>();
  for (let i = 0; i < v.values.length; i++) {
    const x = v.values[i];
    if (Number.isNaN(x) || !where(x)) continue;
    let s = seen.get(x);
    if (!s) {
      s = new Set();
      seen.set(x, s);
    }
    s.add(v.person[i]);
  }
  return new Map([...seen].map(([x, s]) => [x, s.size]));
}

/** Extreme values of one column: bounds used, extreme events, distinct extreme values, rare ones. */
function extremes(v: EventValues, N: number) {
  let lo = v.min ?? Number.NEGATIVE_INFINITY;
  let hi = v.max ?? Number.POSITIVE_INFINITY;
  let source = 'declared bounds';
  if (v.min === undefined && v.max === undefined) {
    const xs = Array.from(v.values)
      .filter((x) => !Number.isNaN(x))
      .sort((a, b) => a - b);
    if (xs.length < 4)
      return { source: 'too few values for fences', events: 0, distinct: 0, rare: 0, patients: 0 };
    const q1 = quantileSorted(xs, 0.25);
    const q3 = quantileSorted(xs, 0.75);
    lo = q1 - 3 * (q3 - q1);
    hi = q3 + 3 * (q3 - q1);
    source = "Tukey's far-out fences (Q1 − 3·IQR, Q3 + 3·IQR)";
  }
  const out = (x: number) => x < lo || x > hi;
  let events = 0;
  for (const x of v.values) if (!Number.isNaN(x) && out(x)) events++;
  const per = patientsPerValue(v, out);
  let rare = 0;
  let patients = 0;
  for (const n of per.values()) {
    if (n < N) {
      rare++;
      patients += n;
    }
  }
  return { source, events, distinct: per.size, rare, patients };
}

/** The latest year among the release's dated events (null when none). */
function latestEventYear(view: PersonView): number | null {
  let best: number | null = null;
  const r = view.release;
  for (const t of view.tables) {
    if (!t.dated) continue;
    for (let i = 0; i < r.seqCodes.length; i++) {
      const c = r.seqCodes[i];
      if (c < t.base || c >= t.base + t.codes) continue;
      const d = r.seqLo[i];
      const y =
        t.precision === 'year'
          ? d
          : t.precision === 'month'
            ? Math.floor(d / 12)
            : new Date(d * 86_400_000).getUTCFullYear();
      if (best === null || y > best) best = y;
    }
  }
  return best;
}

/** Rare ages ≥ 100 from a birth column of the release's person table. */
function rareAges(ctx: AttackContext, view: PersonView, N: number) {
  const opt = ctx.options?.[ID]?.birth;
  const name =
    opt !== undefined ? String(opt) : ctx.qi.find((q) => /birth/i.test(q.name) && q.kind === 'date')?.name;
  if (name === undefined) return null;
  const col = ctx.release.columns.get(name);
  const dict = ctx.release.dictionaries.get(name);
  if (!col || !dict) {
    throw new ReidgateError(
      'USAGE',
      `--option ${ID}.birth=${name}: not a quasi-identifier of the release (declare it in --qi)`,
    );
  }
  const refYear = intOption(ctx, ID, 'referenceYear', latestEventYear(view) ?? -1, 1000, 9999);
  if (refYear < 0) return { column: name, referenceYear: null, old: 0, rare: 0, patients: 0 };
  const holders = new Int32Array(dict.length);
  for (const c of col.codes) if (c >= 0) holders[c]++;
  let old = 0;
  let rare = 0;
  let patients = 0;
  dict.forEach((s, c) => {
    const r = parseDateRange(s);
    if (!r || !Number.isFinite(r.hi)) return;
    const latestBirth = new Date(r.hiOpen ? r.hi - 1 : r.hi).getUTCFullYear();
    if (refYear - latestBirth < 100) return;
    old += holders[c];
    if (holders[c] > 0 && holders[c] < N) {
      rare++;
      patients += holders[c];
    }
  });
  return { column: name, referenceYear: refYear, old, rare, patients };
}

export const rareValues: Attack = {
  id: ID,
  title: 'Rare values (特異な記述: codes, code pairs and extreme values held by fewer than N patients)',
  summary:
    'Counts codes, code pairs, extreme checkup values and ages of 100 or more that fewer than N (default 10) patients of the release hold — descriptions that single people out.',
  references: [
    'Japan MHLW. Guidelines on the provision of anonymized claims and specific health checkup data (NDB), and NDB Open Data publication rules: counts of fewer than 10 are not published',
    'Personal Information Protection Commission (Japan). Guidelines on anonymously processed information: deletion of unusual descriptions (特異な記述), e.g. ages over 100',
    'Tukey JW. Exploratory Data Analysis. Addison-Wesley, 1977 (far-out fences Q1 − 3·IQR, Q3 + 3·IQR)',
  ],
  metrics: {
    rareValues: 'Rare codes + rare extreme values + rare ages (each held by fewer than N patients).',
    rareCodes: 'Distinct (event table, code) values held by 1 … N−1 patients.',
    rareCodePairs: 'Pairs of individually common codes held together by 1 … N−1 patients.',
    rareExtremeValues: 'Distinct values outside a column’s plausible range held by 1 … N−1 patients.',
    rareAges: 'Released birth values implying age ≥ 100 held by 1 … N−1 patients.',
    patientsWithRareCodes: 'Patients holding at least one rare code.',
  },
  needs: needsEvents,

  async run(ctx: AttackContext): Promise<AttackOutcome> {
    const view = viewOf(ctx, ID);
    const N = intOption(ctx, ID, 'n', 10, 2, 1_000_000);
    const r = view.release;
    const holders = new Int32Array(view.codes);
    for (const c of r.setCodes) holders[c]++;
    const rareCodes = new Uint8Array(view.codes);
    const rows: TableOut['rows'] = [];
    let nRare = 0;
    for (const t of view.tables) {
      if (t.codes === 0) continue;
      let rare = 0;
      for (let c = t.base; c < t.base + t.codes; c++) {
        // The suppressed code (base + codes) is not a code and never rare.
        if (holders[c] > 0 && holders[c] < N) {
          rareCodes[c] = 1;
          rare++;
        }
      }
      let patients = 0;
      for (let p = 0; p < r.persons; p++) {
        for (let k = r.setOffsets[p]; k < r.setOffsets[p + 1]; k++) {
          const c = r.setCodes[k];
          if (c >= t.base && c < t.base + t.codes && rareCodes[c]) {
            patients++;
            break;
          }
        }
      }
      nRare += rare;
      rows.push([t.name, 'codes', t.codes, rare, patients]);
    }
    let withRare = 0;
    for (let p = 0; p < r.persons; p++) {
      for (let k = r.setOffsets[p]; k < r.setOffsets[p + 1]; k++) {
        if (rareCodes[r.setCodes[k]]) {
          withRare++;
          break;
        }
      }
    }
    // Pairs of individually common codes, on the pool.
    const pairsOn = ctx.options?.[ID]?.pairs !== false;
    let nPairs = 0;
    const pairRows: TableOut['rows'] = [];
    if (pairsOn && view.codes > 0) {
      const eligible = new Uint8Array(new SharedArrayBuffer(view.codes));
      for (let c = 0; c < view.codes; c++) eligible[c] = holders[c] >= N ? 1 : 0;
      for (const t of view.tables) eligible[t.suppressed] = 0;
      const index = invertTokens(r.persons, r.setOffsets, r.setCodes, view.codes);
      const shards = ctx.pool.workers * 4;
      const parts = await ctx.pool.map(
        'rareValues.pairs',
        Array.from({ length: shards }, (_, shard) => ({
          postOffsets: index.offsets,
          postings: index.postings,
          setOffsets: r.setOffsets,
          setCodes: r.setCodes,
          eligible,
          bases: view.tables.map((t) => t.base),
          threshold: N,
          shard,
          shards,
        })),
      );
      const T = view.tables.length;
      for (let a = 0; a < T; a++) {
        for (let b = a; b < T; b++) {
          let n = 0;
          for (const part of parts) n += part[a * T + b] + (a === b ? 0 : part[b * T + a]);
          nPairs += n;
          if (view.tables[a].codes > 0 && view.tables[b].codes > 0) {
            pairRows.push([`${view.tables[a].name} × ${view.tables[b].name}`, 'code pairs', '', n, '']);
          }
        }
      }
    }
    let nExtreme = 0;
    const details: Record<string, unknown> = { n: N, pairs: pairsOn };
    const extremeDetails: Record<string, unknown> = {};
    for (const v of view.values) {
      const e = extremes(v, N);
      nExtreme += e.rare;
      rows.push([`${v.table}.${v.column}`, `extreme values (${e.source})`, e.distinct, e.rare, e.patients]);
      extremeDetails[`${v.table}.${v.column}`] = { bounds: e.source, extremeEvents: e.events };
    }
    const ages = rareAges(ctx, view, N);
    if (ages) {
      rows.push([
        ages.column,
        `age ≥ 100 in ${ages.referenceYear ?? '(no reference year)'}`,
        '',
        ages.rare,
        ages.patients,
      ]);
      details.ages = { column: ages.column, referenceYear: ages.referenceYear, patientsAged100: ages.old };
    }
    details.extremes = extremeDetails;
    const nAges = ages?.rare ?? 0;
    const warnings: string[] = [];
    if (!ages)
      warnings.push(
        `${ID}: no birth column (a date QI named *birth*, or --option ${ID}.birth=COL): ages ≥ 100 not checked`,
      );
    else if (ages.referenceYear === null)
      warnings.push(
        `${ID}: no reference year (no dated events; --option ${ID}.referenceYear=YYYY): ages ≥ 100 not checked`,
      );
    return {
      metrics: {
        rareValues: { value: nRare + nExtreme + nAges, ci95: null },
        rareCodes: { value: nRare, ci95: null },
        rareCodePairs: { value: nPairs, ci95: null },
        rareExtremeValues: { value: nExtreme, ci95: null },
        rareAges: { value: nAges, ci95: null },
        patientsWithRareCodes: { value: withRare, ci95: null },
      },
      tables: [
        {
          title: `Rare values: held by fewer than ${N} patients (counts only, never the values)`,
          columns: ['table / column', 'kind', 'distinct', 'rare', 'patients holding one'],
          rows: [...rows, ...pairRows],
        },
      ],
      details,
      warnings,
      method:
        `Exact counts over the release's person view: a value is rare when 1 … ${N - 1} patients hold it (N = ${N}, --option ${ID}.n). ` +
        'Codes are counted per event table at the released truncation; pairs only among codes each held by at least N patients' +
        `${pairsOn ? '' : ' (pairs were turned off)'}; extreme values against declared bounds, else Tukey's far-out fences on the released values; ages from the released birth value's latest possible year.`,
    };
  },
};
