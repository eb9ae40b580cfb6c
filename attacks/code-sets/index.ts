/**
 * @module attacks/code-sets — km-anonymity-style re-identification from known codes: the attacker
 * knows a target's demographic QIs and m of the target's codes (diagnoses, drugs, … at the release's
 * truncation) and counts the release patients compatible with all of it.
 *
 * For each sampled target t (attacks/person-match) and m = 1 … M (default 3): the known codes are the
 * first m of a seeded random order of t's distinct codes in the chosen event tables (the codes put in
 * (table, code) order first, so the choice depends on neither the files' row order nor the engine;
 * nested, so the attacker at m+1 knows what it knew at m); S_{t,m} = release patients demographically
 * compatible with t (linkage's exact relation: equal values or covering generalizations) and holding
 * all m codes, counted exactly: on the local engine over an inverted index (code → patients sorted by
 * demographic class) on the pool; on --engine duckdb and clickhouse as SQL (src/engine/duckdb-codesets.ts,
 * clickhouse-codesets.ts; engine
 * operations `personCodes` and `codeSetCounts`: only the sampled targets' own codes and per-target
 * counts come back). A
 * release patient with a suppressed code (`*`) in the same event table may hold the known code, so
 * it stays compatible (the attacker reads `*` as "some code not shown"), whatever the number of known
 * codes of that table: releases drop rows that became identical, so one `*` row may hide several codes.
 * Reported per m: the share of targets whose true record is the only compatible one (Wilson 95%
 * interval), the share in a set smaller than k (default 5), mean 1/|S| and the size distribution.
 *
 * A km-anonymous release (Terrovitis, Mamoulis & Kalnis, "Privacy-preserving anonymization of
 * set-valued data", PVLDB 1(1):115-125, 2008, doi:10.14778/1453856.1453874) has every m-subset of
 * codes (m ≤ M) shared by ≥ k patients, so none of these targets would be unique.
 */

import { sharedInt32 } from '../../src/encode/encode.js';
import { ReidgateError } from '../../src/errors.js';
import { invertTokens, tableOf } from '../../src/relational/person-view.js';
import { deriveSeed, rng } from '../../src/stats/random.js';
import {
  countMatches,
  engineTargets,
  intOption,
  needsEvents,
  pickFirst,
  setupMatch,
  sharedCsr,
  summarizeLevels,
  tableFilter,
  viewOf,
} from '../person-match/index.js';
import type { Attack, AttackContext, AttackOutcome } from '../types.js';

const ID = 'code-sets';

export const codeSets: Attack = {
  id: ID,
  title: 'Code sets (km-anonymity: demographics plus m known codes)',
  summary:
    "Counts how many release patients share a target's demographics and m of its diagnosis or drug codes, for m = 1 … M, and how often that leaves only the target.",
  references: [
    'Terrovitis M, Mamoulis N, Kalnis P. Privacy-preserving anonymization of set-valued data. PVLDB 2008;1(1):115-125. doi:10.14778/1453856.1453874',
    "Loukides G, Denny JC, Malin B. The disclosure of diagnosis codes can breach research participants' privacy. JAMIA 2010;17(3):322-327. doi:10.1136/jamia.2009.002725",
    'El Emam K, Dankar FK. Protecting privacy using k-anonymity. JAMIA 2008;15(5):627-637. doi:10.1197/jamia.M2716',
    'Wilson EB. Probable inference, the law of succession, and statistical inference. JASA 1927;22:209-212. doi:10.1080/01621459.1927.10502953',
  ],
  metrics: {
    targets: 'Targets sampled.',
    uniqueShareM1:
      'Share of targets whose record is the only one compatible with their demographics and 1 known code (95% Wilson interval).',
    uniqueShareM2: 'The same with 2 known codes.',
    uniqueShareM3: 'The same with 3 known codes.',
    uniqueShareMax: 'The largest unique share over m = 1 … M (with its interval).',
    smallSetShareM1: 'Share of targets in a compatible set smaller than k (default 5) with 1 known code.',
    smallSetShareM2: 'The same with 2 known codes.',
    smallSetShareM3: 'The same with 3 known codes.',
    expectedReidentificationM1:
      'Mean over targets of 1/|compatible set| (0 when the true record is not compatible), 1 known code.',
    expectedReidentificationM2: 'The same with 2 known codes.',
    expectedReidentificationM3: 'The same with 3 known codes.',
    expectedReidentification: 'The largest expected re-identification probability over m = 1 … M.',
  },
  needs: needsEvents,

  engine: ['codeSetCounts'],

  async run(ctx: AttackContext): Promise<AttackOutcome> {
    const M = intOption(ctx, ID, 'm', 3, 1, 16);
    const k = intOption(ctx, ID, 'k', 5, 2, 1_000_000);
    const useQi = ctx.options?.[ID]?.qi !== false;
    const counted = ctx.persons ? await countLocally(ctx, M, useQi) : await countOnEngine(ctx, M, useQi);
    const { out, T, mode, knownQi, tables } = counted;
    const s = summarizeLevels(out, M, k, 'M', {
      id: 'unique-by-m',
      title: 'Targets uniquely identified by demographics plus m known codes',
      x: 'm',
      what: 'code',
    });
    return {
      metrics: s.metrics,
      tables: [s.table],
      series: [s.series],
      details: {
        mode,
        eventTables: tables,
        knownQi,
        m: M,
        k,
        levels: s.levels,
      },
      method:
        `Targets: ${T} ${mode === 'original' ? 'original patients (seeded sample; truth by the person key)' : 'release patients (seeded sample; no original event tables, so the attacker knows released codes)'}. ` +
        `The attacker knows ${knownQi.length > 0 ? `the demographic QIs ${knownQi.join(', ')} (exact compatibility as in linkage: equal values or covering generalizations)` : 'no demographics'} and m = 1 … ${M} of the target's distinct codes from ${tables.join(', ')} (a seeded random order of the codes sorted by table and code, nested in m; original codes truncated and dates coarsened as the release declares). ` +
        `Exact counting of compatible release patients (on the pool, or pushed down to the engine as SQL); a target with fewer than m codes is left out at m. "Small set": the true record is in a compatible set of fewer than ${k}. Suppressed codes are not in the release, so a target whose known code was suppressed is not compatible with its own record ("absent").`,
    };
  },
};

/** What both counting paths produce. */
interface Counted {
  out: { size: Int32Array; truthIn: Int32Array };
  T: number;
  mode: 'original' | 'release';
  knownQi: string[];
  tables: string[];
}

/**
 * The attacker's known codes of one target: the first `M` of a seeded random order of its distinct
 * codes from the kept tables (suppressed codes left out). The codes are put in (table, code label)
 * order before shuffling, so the choice depends on neither the files' row order nor an engine's
 * code numbering.
 * @param codes - the target's combined codes
 * @param tableOf - a combined code's event table (index)
 * @param suppressed - per table its suppressed code
 * @param label - a combined code's label (comparable within a table)
 */
function knownCodes(
  codes: ArrayLike<number>,
  keep: Uint8Array,
  tableOf: (c: number) => number,
  suppressed: (t: number) => number,
  label: (c: number) => string,
  M: number,
  random: () => number,
): number[] {
  const pool: number[] = [];
  for (let j = 0; j < codes.length; j++) {
    const c = codes[j];
    const t = tableOf(c);
    if (keep[t] && suppressed(t) !== c) pool.push(c);
  }
  pool.sort((a, b) => {
    const ta = tableOf(a);
    const tb = tableOf(b);
    if (ta !== tb) return ta - tb;
    const la = label(a);
    const lb = label(b);
    return la < lb ? -1 : la > lb ? 1 : 0;
  });
  return pickFirst(pool, M, random);
}

/** Counting on the local engine: the person view's inverted index and the pool's kernels. */
async function countLocally(ctx: AttackContext, M: number, useQi: boolean): Promise<Counted> {
  const view = viewOf(ctx, ID);
  const keep = tableFilter(ctx, ID, view, false);
  const setup = await setupMatch(ctx, useQi, ID);
  const T = setup.targets.length;
  const side = setup.known;
  const random = rng(deriveSeed(ctx.seed, 'known-codes'));
  const itemOffsets = sharedInt32(T + 1);
  const altOffsets: number[] = [0];
  const alts: number[] = [];
  const table = (c: number) => tableOf(view, c);
  const suppressed = (t: number) => view.tables[t].suppressed;
  const label = (c: number) => view.codeLabels[c];
  for (let t = 0; t < T; t++) {
    const p = setup.targets[t];
    const codes = side.setCodes.subarray(side.setOffsets[p], side.setOffsets[p + 1]);
    const picked = knownCodes(codes, keep, table, suppressed, label, M, random);
    for (const c of picked) {
      // A patient with a suppressed code in the same table may hold c.
      alts.push(c, view.tables[tableOf(view, c)].suppressed);
      altOffsets.push(alts.length);
    }
    itemOffsets[t + 1] = itemOffsets[t] + picked.length;
  }
  const r = view.release;
  const index = invertTokens(r.persons, r.setOffsets, r.setCodes, view.codes, setup.order);
  const out = await countMatches(ctx, setup, index, { itemOffsets, ...sharedCsr(altOffsets, alts) }, M);
  return {
    out,
    T,
    mode: setup.mode,
    knownQi: setup.knownQi,
    tables: view.tables.filter((_, i) => keep[i]).map((t) => t.name),
  };
}

/**
 * Counting pushed down to the trial's engine (`personCodes`, `codeSetCounts`): the same targets,
 * the same known codes (chosen here from the targets' own codes), the same sets.
 */
async function countOnEngine(ctx: AttackContext, M: number, useQi: boolean): Promise<Counted> {
  const engine = ctx.engine;
  const rel = engine?.relational;
  if (!engine?.personCodes || !engine.codeSetCounts || !rel)
    throw new ReidgateError('INTERNAL', `${ID}: no person view and no engine counting code sets`);
  const keep = tableFilter(ctx, ID, rel, false);
  const { original, side, targets, qiNames, knownQi } = engineTargets(
    ctx,
    ID,
    rel,
    engine.rows('release'),
    useQi,
  );
  const codes = await engine.personCodes({ side, rows: targets });
  const T = targets.length;
  const random = rng(deriveSeed(ctx.seed, 'known-codes'));
  const table = (c: number) => tableOf({ tables: rel.tables }, c);
  const suppressed = (t: number) => rel.tables[t].suppressed;
  const label = (c: number) => rel.labels[c];
  const itemOffsets = new Int32Array(T + 1);
  const items: number[] = [];
  for (let t = 0; t < T; t++) {
    const own = codes.codes.subarray(codes.offsets[t], codes.offsets[t + 1]);
    items.push(...knownCodes(own, keep, table, suppressed, label, M, random));
    itemOffsets[t + 1] = items.length;
  }
  const counts = await engine.codeSetCounts({
    side,
    targetRows: targets,
    knownQi,
    sameClass: !original,
    itemOffsets,
    items: Int32Array.from(items),
    levels: M,
  });
  return {
    out: counts,
    T,
    mode: original ? 'original' : 'release',
    knownQi: qiNames,
    tables: rel.tables.filter((_, i) => keep[i]).map((t) => t.name),
  };
}
