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
 * Counting: on the local engine from the person view (pairs on the pool); on --engine duckdb from SQL
 * aggregates (src/engine/duckdb-rare.ts, engine operation `rareValueCounts`): patients per code, rare
 * pairs by table pair, a histogram per value column (Tukey's quantiles are taken from it), birth values
 * with their holders; on --engine clickhouse likewise (src/engine/clickhouse-codesets.ts: the code
 * aggregates and birth values as ClickHouse SQL, the value histograms and latest event year computed
 * by DuckDB while loading the event files). All give the same figures.
 *
 * Sources: MHLW, 匿名レセプト情報・匿名特定健診等情報の提供に関するガイドライン and the NDB Open Data
 * publication rules (counts under 10 are not published); 特異な記述 as in the 個人情報保護委員会's
 * guidelines on anonymously processed information (削除 of unusual descriptions, e.g. ages over 100).
 */
import { parseDateRange } from '../../src/encode/generalized.js';
import type { RareValueCounts } from '../../src/engine/types.js';
import { ReidgateError } from '../../src/errors.js';
import type { EventValues, PersonView } from '../../src/relational/person-view.js';
import { invertTokens } from '../../src/relational/person-view.js';
import { intOption, needsEvents, viewOf } from '../person-match/index.js';
import type { Attack, AttackContext, AttackOutcome, TableOut } from '../types.js';

const ID = 'rare-values';

/** The value histogram of one column of the person view: ascending [value, events, patients]. */
function histogramOf(v: EventValues): Array<[number, number, number]> {
  const seen = new Map<number, { events: number; persons: Set<number> }>();
  for (let i = 0; i < v.values.length; i++) {
    const x = v.values[i];
    if (Number.isNaN(x)) continue;
    let s = seen.get(x);
    if (!s) {
      s = { events: 0, persons: new Set() };
      seen.set(x, s);
    }
    s.events++;
    s.persons.add(v.person[i]);
  }
  return [...seen]
    .map(([x, s]) => [x, s.events, s.persons.size] as [number, number, number])
    .sort((a, b) => a[0] - b[0]);
}

/**
 * quantileSorted (simple-statistics, numpy's linear method) of the values a histogram stands for
 * (each value repeated `events` times), without expanding it.
 */
function histogramQuantile(h: ReadonlyArray<[number, number, number]>, n: number, p: number): number {
  const at = (i: number) => {
    let seen = 0;
    for (const [x, events] of h) {
      seen += events;
      if (i < seen) return x;
    }
    return h[h.length - 1][0];
  };
  if (p === 1) return at(n - 1);
  if (p === 0) return at(0);
  const idx = (n - 1) * p;
  if (idx % 1 !== 0) {
    const lower = Math.floor(idx);
    const upper = Math.ceil(idx);
    const fraction = idx - lower;
    return at(lower) + fraction * (at(upper) - at(lower));
  }
  return at(idx);
}

/** Extreme values of one column: bounds used, extreme events, distinct extreme values, rare ones. */
function extremes(v: RareValueCounts['values'][number], N: number) {
  let lo = v.min ?? Number.NEGATIVE_INFINITY;
  let hi = v.max ?? Number.POSITIVE_INFINITY;
  let source = 'declared bounds';
  if (v.min === undefined && v.max === undefined) {
    let n = 0;
    for (const [, events] of v.histogram) n += events;
    if (n < 4) return { source: 'too few values for fences', events: 0, distinct: 0, rare: 0, patients: 0 };
    const q1 = histogramQuantile(v.histogram, n, 0.25);
    const q3 = histogramQuantile(v.histogram, n, 0.75);
    lo = q1 - 3 * (q3 - q1);
    hi = q3 + 3 * (q3 - q1);
    source = "Tukey's far-out fences (Q1 − 3·IQR, Q3 + 3·IQR)";
  }
  let events = 0;
  let distinct = 0;
  let rare = 0;
  let patients = 0;
  for (const [x, e, holders] of v.histogram) {
    if (!(x < lo || x > hi)) continue;
    events += e;
    distinct++;
    if (holders < N) {
      rare++;
      patients += holders;
    }
  }
  return { source, events, distinct, rare, patients };
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

/**
 * The birth column the attack reads (--option rare-values.birth, else a date QI named *birth*), or
 * undefined.
 * @throws ReidgateError('USAGE') when the option names a column the release does not hold as a QI
 */
function birthColumn(ctx: AttackContext): string | undefined {
  const opt = ctx.options?.[ID]?.birth;
  const name =
    opt !== undefined ? String(opt) : ctx.qi.find((q) => /birth/i.test(q.name) && q.kind === 'date')?.name;
  if (name === undefined) return undefined;
  if (!ctx.qi.some((q) => q.name === name) && !ctx.sensitive.includes(name)) {
    throw new ReidgateError(
      'USAGE',
      `--option ${ID}.birth=${name}: not a quasi-identifier of the release (declare it in --qi)`,
    );
  }
  return name;
}

/** Rare ages ≥ 100 from the birth column's released values and their holders. */
function rareAges(ctx: AttackContext, column: string, counts: RareValueCounts, N: number) {
  const refYear = intOption(ctx, ID, 'referenceYear', counts.latestEventYear ?? -1, 1000, 9999);
  if (refYear < 0) return { column, referenceYear: null, old: 0, rare: 0, patients: 0 };
  let old = 0;
  let rare = 0;
  let patients = 0;
  for (const [s, holders] of counts.birth ?? []) {
    const r = parseDateRange(s);
    if (!r || !Number.isFinite(r.hi)) continue;
    const latestBirth = new Date(r.hiOpen ? r.hi - 1 : r.hi).getUTCFullYear();
    if (refYear - latestBirth < 100) continue;
    old += holders;
    if (holders > 0 && holders < N) {
      rare++;
      patients += holders;
    }
  }
  return { column, referenceYear: refYear, old, rare, patients };
}

/** The aggregates on the local engine: from the person view, the pairs on the pool. */
async function countLocally(
  ctx: AttackContext,
  view: PersonView,
  N: number,
  pairsOn: boolean,
  birth: string | undefined,
): Promise<RareValueCounts> {
  const r = view.release;
  const holders = new Float64Array(view.codes);
  for (const c of r.setCodes) holders[c]++;
  const rareCodes = new Uint8Array(view.codes);
  // The suppressed code (base + codes) is not a code and never rare.
  for (const t of view.tables)
    for (let c = t.base; c < t.base + t.codes; c++) if (holders[c] > 0 && holders[c] < N) rareCodes[c] = 1;
  const patientsWithRareCode = view.tables.map((t) => {
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
    return patients;
  });
  let withRareCode = 0;
  for (let p = 0; p < r.persons; p++) {
    for (let k = r.setOffsets[p]; k < r.setOffsets[p + 1]; k++) {
      if (rareCodes[r.setCodes[k]]) {
        withRareCode++;
        break;
      }
    }
  }
  let pairs: number[] | null = null;
  if (pairsOn) {
    const T = view.tables.length;
    pairs = new Array<number>(T * T).fill(0);
    if (view.codes > 0) {
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
      for (const part of parts) for (let i = 0; i < T * T; i++) pairs[i] += part[i];
    }
  }
  let birthValues: RareValueCounts['birth'] = null;
  if (birth !== undefined) {
    const col = ctx.release.columns.get(birth);
    const dict = ctx.release.dictionaries.get(birth);
    if (!col || !dict) throw new ReidgateError('INTERNAL', `${ID}: ${birth} is not encoded`);
    const n = new Float64Array(dict.length);
    for (const c of col.codes) if (c >= 0) n[c]++;
    birthValues = dict.map((s, c) => [s, n[c]]);
  }
  return {
    holders,
    patientsWithRareCode,
    withRareCode,
    pairs,
    values: view.values.map((v) => ({
      table: v.table,
      column: v.column,
      min: v.min,
      max: v.max,
      histogram: histogramOf(v),
    })),
    birth: birthValues,
    latestEventYear: latestEventYear(view),
  };
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

  engine: ['rareValueCounts'],

  async run(ctx: AttackContext): Promise<AttackOutcome> {
    const N = intOption(ctx, ID, 'n', 10, 2, 1_000_000);
    const pairsOn = ctx.options?.[ID]?.pairs !== false;
    const birth = birthColumn(ctx);
    let tables: ReadonlyArray<{ name: string; base: number; codes: number }>;
    let counts: RareValueCounts;
    if (ctx.persons) {
      tables = ctx.persons.tables;
      counts = await countLocally(ctx, viewOf(ctx, ID), N, pairsOn, birth);
    } else {
      const engine = ctx.engine;
      if (!engine?.rareValueCounts || !engine.relational)
        throw new ReidgateError('INTERNAL', `${ID}: no person view and no engine counting rare values`);
      tables = engine.relational.tables;
      counts = await engine.rareValueCounts({ n: N, pairs: pairsOn, birth });
    }
    const { holders } = counts;
    const rows: TableOut['rows'] = [];
    let nRare = 0;
    for (const [i, t] of tables.entries()) {
      if (t.codes === 0) continue;
      let rare = 0;
      for (let c = t.base; c < t.base + t.codes; c++) if (holders[c] > 0 && holders[c] < N) rare++;
      nRare += rare;
      rows.push([t.name, 'codes', t.codes, rare, counts.patientsWithRareCode[i]]);
    }
    const withRare = counts.withRareCode;
    let nPairs = 0;
    const pairRows: TableOut['rows'] = [];
    if (counts.pairs) {
      const T = tables.length;
      for (let a = 0; a < T; a++) {
        for (let b = a; b < T; b++) {
          const n = counts.pairs[a * T + b] + (a === b ? 0 : counts.pairs[b * T + a]);
          nPairs += n;
          if (tables[a].codes > 0 && tables[b].codes > 0) {
            pairRows.push([`${tables[a].name} × ${tables[b].name}`, 'code pairs', '', n, '']);
          }
        }
      }
    }
    let nExtreme = 0;
    const details: Record<string, unknown> = { n: N, pairs: pairsOn };
    const extremeDetails: Record<string, unknown> = {};
    for (const v of counts.values) {
      const e = extremes(v, N);
      nExtreme += e.rare;
      rows.push([`${v.table}.${v.column}`, `extreme values (${e.source})`, e.distinct, e.rare, e.patients]);
      extremeDetails[`${v.table}.${v.column}`] = { bounds: e.source, extremeEvents: e.events };
    }
    const ages = birth === undefined ? null : rareAges(ctx, birth, counts, N);
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
        `Exact counts over the release's person view (on the pool, or as SQL aggregates on the engine): a value is rare when 1 … ${N - 1} patients hold it (N = ${N}, --option ${ID}.n). ` +
        'Codes are counted per event table at the released truncation; pairs only among codes each held by at least N patients' +
        `${pairsOn ? '' : ' (pairs were turned off)'}; extreme values against declared bounds, else Tukey's far-out fences on the released values; ages from the released birth value's latest possible year.`,
    };
  },
};
