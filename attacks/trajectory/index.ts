/**
 * @module attacks/trajectory — "unique in the crowd" for medical events: the attacker knows k dated
 * events of a target (a code and its date at the release's precision) and counts the release patients
 * whose event sequence holds all k.
 *
 * After de Montjoye, Hidalgo, Verleysen & Blondel, "Unique in the Crowd: The privacy bounds of human
 * mobility", Sci Rep 3:1376 (2013), doi:10.1038/srep01376, where 4 spatio-temporal points single out
 * 95% of people: here a point is (event table, code, date). For each sampled target (attacks/
 * person-match) and k = 1 … K (default 4), the known points are the first k of a seeded random order
 * of the target's distinct dated events; a release patient is compatible when, for every known point,
 * it has an event with the same code (or a suppressed code `*` of that table) on a date the point may
 * have become (the same period, or within the declared date shift). By default the attacker knows no demographics, as in the paper
 * (`--option trajectory.qi=true` adds them). Counting is exact: on the local engine over an inverted
 * index of release (code, date) points on the pool; on --engine duckdb and --engine clickhouse as SQL
 * (engine operations `personEvents` and `trajectoryCounts`: src/engine/duckdb-trajectory.ts,
 * src/engine/clickhouse-trajectory.ts; only the sampled targets' own events and per-target counts come
 * back). The targets' events are put in
 * (table, code label, date) order before the seeded shuffle, so the choice depends on neither the
 * files' row order nor an engine's code numbering.
 */
import { sharedInt32 } from '../../src/encode/encode.js';
import { ReidgateError } from '../../src/errors.js';
import { type DatePrecision, invertTokens, tableOf } from '../../src/relational/person-view.js';
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

const ID = 'trajectory';

/** Largest date window (periods) one known point may match; wider windows are clipped (noted). */
const MAX_WINDOW = 400;

export const trajectory: Attack = {
  id: ID,
  title: 'Trajectory (unique in the crowd: k known dated events)',
  summary:
    'Counts how many release patients have all of k dated events known of a target (code and date at the release precision), for k = 1 … K.',
  references: [
    'de Montjoye YA, Hidalgo CA, Verleysen M, Blondel VD. Unique in the Crowd: The privacy bounds of human mobility. Sci Rep 2013;3:1376. doi:10.1038/srep01376',
    'Wilson EB. Probable inference, the law of succession, and statistical inference. JASA 1927;22:209-212. doi:10.1080/01621459.1927.10502953',
  ],
  metrics: {
    targets: 'Targets sampled.',
    uniqueShareK1:
      'Share of targets whose record is the only one holding 1 known dated event (95% Wilson interval).',
    uniqueShareK2: 'The same with 2 known dated events.',
    uniqueShareK3: 'The same with 3 known dated events.',
    uniqueShareK4: 'The same with 4 known dated events.',
    uniqueShareMax: 'The largest unique share over k = 1 … K (with its interval).',
    smallSetShareK1: 'Share of targets in a compatible set smaller than 5 with 1 known dated event.',
    smallSetShareK2: 'The same with 2 known dated events.',
    smallSetShareK3: 'The same with 3 known dated events.',
    smallSetShareK4: 'The same with 4 known dated events.',
    expectedReidentificationK1: 'Mean over targets of 1/|compatible set| with 1 known dated event.',
    expectedReidentificationK2: 'The same with 2 known dated events.',
    expectedReidentificationK3: 'The same with 3 known dated events.',
    expectedReidentificationK4: 'The same with 4 known dated events.',
    expectedReidentification: 'The largest expected re-identification probability over k = 1 … K.',
  },
  needs: needsEvents,

  engine: ['trajectoryCounts'],

  async run(ctx: AttackContext): Promise<AttackOutcome> {
    const K = intOption(ctx, ID, 'k', 4, 1, 16);
    const small = intOption(ctx, ID, 'small', 5, 2, 1_000_000);
    const useQi = ctx.options?.[ID]?.qi === true;
    const counted = ctx.persons ? await countLocally(ctx, K, useQi) : await countOnEngine(ctx, K, useQi);
    const { out, T, clipped, used, releasePoints } = counted;
    const setup = counted;
    const s = summarizeLevels(out, K, small, 'K', {
      id: 'unique-by-k',
      title: 'Targets uniquely identified by k known dated events',
      x: 'k',
      what: 'dated event',
    });
    const warnings =
      clipped > 0
        ? [
            `trajectory: ${clipped} known event(s) had a date window wider than ${MAX_WINDOW} periods; clipped to the first ${MAX_WINDOW}`,
          ]
        : [];
    return {
      metrics: s.metrics,
      tables: [s.table],
      series: [s.series],
      warnings,
      details: {
        mode: setup.mode,
        eventTables: used,
        knownQi: setup.knownQi,
        k: K,
        releasePoints,
        levels: s.levels,
      },
      method:
        `Targets: ${T} ${setup.mode === 'original' ? 'original patients (seeded sample; truth by the person key)' : 'release patients (seeded sample; the attacker knows released events)'}. ` +
        `The attacker knows k = 1 … ${K} of the target's distinct dated events (code and date) from ${used.map((t) => `${t.name} (${t.precision}${t.shiftDays > 0 ? `, shift ≤ ${t.shiftDays} days` : ''})`).join(', ')}, a seeded random order of the events sorted by table, code and date, nested in k` +
        `${setup.knownQi.length > 0 ? `, plus the demographic QIs ${setup.knownQi.join(', ')}` : ', and no demographics (as de Montjoye et al.)'}. ` +
        'Original dates are coarsened to the release precision; with a declared shift S a known date matches any release date within S days (at the release precision). Exact counting of compatible release patients (over an inverted index of release (code, date) points on the pool, or pushed down to the engine as SQL); a target with fewer than k dated events is left out at k.',
    };
  },
};

/** A table's name, date precision and declared shift (the report's details). */
interface UsedTable {
  name: string;
  precision: DatePrecision;
  shiftDays: number;
}

/** What both counting paths produce. */
interface Counted {
  out: { size: Int32Array; truthIn: Int32Array };
  T: number;
  mode: 'original' | 'release';
  knownQi: string[];
  used: UsedTable[];
  releasePoints: number;
  clipped: number;
}

/** A target's distinct dated events (parallel arrays), and the event tables' lookups. */
interface Events {
  codes: ArrayLike<number>;
  lo: ArrayLike<number>;
  hi: ArrayLike<number>;
}

/** How the known points are chosen: the tables kept, their lookups, the release's date range. */
interface Chooser {
  keep: Uint8Array;
  tableOf: (c: number) => number;
  suppressed: (t: number) => number;
  /** A combined code's label (comparable within a table). */
  label: (c: number) => string;
  minDate: number;
  maxDate: number;
  K: number;
  random: () => number;
}

/**
 * The attacker's known points of one target: the first K of a seeded random order of its distinct
 * dated events from the kept tables (suppressed codes left out), the events put in (table, code
 * label, lo, hi) order first, so the choice depends on neither the files' row order nor an engine's
 * code numbering. Each point's window is clamped to the release's date range and clipped to
 * MAX_WINDOW periods.
 * @returns per point its code and window, and how many windows were clipped
 */
function knownPoints(e: Events, c: Chooser): { code: number[]; lo: number[]; hi: number[]; clipped: number } {
  const pool: number[] = [];
  for (let j = 0; j < e.codes.length; j++) {
    const code = e.codes[j];
    const t = c.tableOf(code);
    if (c.keep[t] && c.suppressed(t) !== code) pool.push(j);
  }
  pool.sort((a, b) => {
    const ta = c.tableOf(e.codes[a]);
    const tb = c.tableOf(e.codes[b]);
    if (ta !== tb) return ta - tb;
    const la = c.label(e.codes[a]);
    const lb = c.label(e.codes[b]);
    if (la !== lb) return la < lb ? -1 : 1;
    return e.lo[a] - e.lo[b] || e.hi[a] - e.hi[b];
  });
  const out = { code: [] as number[], lo: [] as number[], hi: [] as number[], clipped: 0 };
  for (const j of pickFirst(pool, c.K, c.random)) {
    const lo = Math.max(e.lo[j], c.minDate);
    let hi = Math.min(e.hi[j], c.maxDate);
    if (hi - lo + 1 > MAX_WINDOW) {
      hi = lo + MAX_WINDOW - 1;
      out.clipped++;
    }
    out.code.push(e.codes[j]);
    out.lo.push(lo);
    out.hi.push(hi);
  }
  return out;
}

/** Throws ATTACK_FAILED when no kept table has codes and dates. */
function requireDated(tables: ReadonlyArray<{ dated: boolean }>, keep: Uint8Array): void {
  if (!tables.some((t, i) => keep[i] && t.dated)) {
    throw new ReidgateError('ATTACK_FAILED', 'trajectory: no event table with codes and dates');
  }
}

/** Counting on the local engine: an inverted index of release (code, date) points and the pool's kernels. */
async function countLocally(ctx: AttackContext, K: number, useQi: boolean): Promise<Counted> {
  const view = viewOf(ctx, ID);
  const keep = tableFilter(ctx, ID, view, true);
  requireDated(view.tables, keep);
  const r = view.release;
  // Tokens: the distinct (code, date) points of the release.
  let minDate = Infinity;
  let maxDate = -Infinity;
  for (let i = 0; i < r.seqLo.length; i++) {
    minDate = Math.min(minDate, r.seqLo[i]);
    maxDate = Math.max(maxDate, r.seqLo[i]);
  }
  const span = Number.isFinite(minDate) ? maxDate - minDate + 1 : 1;
  const tokenOf = new Map<number, number>();
  const tokens = sharedInt32(r.seqCodes.length);
  for (let i = 0; i < r.seqCodes.length; i++) {
    const key = r.seqCodes[i] * span + (r.seqLo[i] - minDate);
    let tok = tokenOf.get(key);
    if (tok === undefined) {
      tok = tokenOf.size;
      tokenOf.set(key, tok);
    }
    tokens[i] = tok;
  }
  const setup = await setupMatch(ctx, useQi, ID);
  const index = invertTokens(r.persons, r.seqOffsets, tokens, tokenOf.size, setup.order);
  const T = setup.targets.length;
  const side = setup.known;
  const chooser: Chooser = {
    keep,
    tableOf: (c) => tableOf(view, c),
    suppressed: (t) => view.tables[t].suppressed,
    label: (c) => view.codeLabels[c],
    minDate,
    maxDate,
    K,
    random: rng(deriveSeed(ctx.seed, 'known-events')),
  };
  const itemOffsets = sharedInt32(T + 1);
  const altOffsets: number[] = [0];
  const alts: number[] = [];
  let clipped = 0;
  for (let t = 0; t < T; t++) {
    const p = setup.targets[t];
    const [a, b] = [side.seqOffsets[p], side.seqOffsets[p + 1]];
    const picked = knownPoints(
      { codes: side.seqCodes.subarray(a, b), lo: side.seqLo.subarray(a, b), hi: side.seqHi.subarray(a, b) },
      chooser,
    );
    clipped += picked.clipped;
    picked.code.forEach((code, i) => {
      const supp = view.tables[tableOf(view, code)].suppressed;
      for (let d = picked.lo[i]; d <= picked.hi[i]; d++) {
        // The same code on a date the point may have become, or a suppressed code that day.
        for (const c of [code, supp]) {
          const tok = tokenOf.get(c * span + (d - minDate));
          if (tok !== undefined) alts.push(tok);
        }
      }
      altOffsets.push(alts.length);
    });
    itemOffsets[t + 1] = itemOffsets[t] + picked.code.length;
  }
  const out = await countMatches(ctx, setup, index, { itemOffsets, ...sharedCsr(altOffsets, alts) }, K);
  return {
    out,
    T,
    mode: setup.mode,
    knownQi: setup.knownQi,
    used: view.tables
      .filter((t, i) => keep[i] && t.dated)
      .map((t) => ({ name: t.name, precision: t.precision, shiftDays: t.shiftDays })),
    releasePoints: tokenOf.size,
    clipped,
  };
}

/**
 * Counting pushed down to the trial's engine (`personEvents`, `trajectoryCounts`): the same targets,
 * the same known points (chosen here from the targets' own dated events), the same sets.
 */
async function countOnEngine(ctx: AttackContext, K: number, useQi: boolean): Promise<Counted> {
  const engine = ctx.engine;
  const rel = engine?.relational;
  if (!engine?.personEvents || !engine.trajectoryCounts || !rel)
    throw new ReidgateError('INTERNAL', `${ID}: no person view and no engine counting trajectories`);
  const keep = tableFilter(ctx, ID, rel, true);
  requireDated(rel.tables, keep);
  const { original, side, targets, qiNames, knownQi } = engineTargets(
    ctx,
    ID,
    rel,
    engine.rows('release'),
    useQi,
  );
  const ev = await engine.personEvents({ side, rows: targets });
  const T = targets.length;
  const [minDate, maxDate] = ev.releaseDates ?? [Infinity, -Infinity];
  const chooser: Chooser = {
    keep,
    tableOf: (c) => tableOf({ tables: rel.tables }, c),
    suppressed: (t) => rel.tables[t].suppressed,
    label: (c) => rel.labels[c],
    minDate,
    maxDate,
    K,
    random: rng(deriveSeed(ctx.seed, 'known-events')),
  };
  const itemOffsets = new Int32Array(T + 1);
  const code: number[] = [];
  const lo: number[] = [];
  const hi: number[] = [];
  let clipped = 0;
  for (let t = 0; t < T; t++) {
    const [a, b] = [ev.offsets[t], ev.offsets[t + 1]];
    const picked = knownPoints(
      { codes: ev.codes.subarray(a, b), lo: ev.lo.subarray(a, b), hi: ev.hi.subarray(a, b) },
      chooser,
    );
    clipped += picked.clipped;
    code.push(...picked.code);
    lo.push(...picked.lo);
    hi.push(...picked.hi);
    itemOffsets[t + 1] = code.length;
  }
  const counts = await engine.trajectoryCounts({
    side,
    targetRows: targets,
    knownQi,
    sameClass: !original,
    itemOffsets,
    items: Int32Array.from(code),
    itemLo: Int32Array.from(lo),
    itemHi: Int32Array.from(hi),
    levels: K,
  });
  return {
    out: counts,
    T,
    mode: original ? 'original' : 'release',
    knownQi: qiNames,
    used: rel.tables
      .filter((t, i) => keep[i] && t.dated)
      .map((t) => ({ name: t.name, precision: t.precision ?? 'day', shiftDays: t.shiftDays ?? 0 })),
    releasePoints: ev.releasePoints,
    clipped,
  };
}
