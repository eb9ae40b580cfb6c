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
 * (`--option trajectory.qi=true` adds them). Counting is exact, on the pool.
 */
import { sharedInt32 } from '../../src/encode/encode.js';
import { ReidgateError } from '../../src/errors.js';
import { invertTokens, isSuppressedCode, tableOf } from '../../src/relational/person-view.js';
import { deriveSeed, rng } from '../../src/stats/random.js';
import {
  countMatches,
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

  async run(ctx: AttackContext): Promise<AttackOutcome> {
    const view = viewOf(ctx, ID);
    const K = intOption(ctx, ID, 'k', 4, 1, 16);
    const small = intOption(ctx, ID, 'small', 5, 2, 1_000_000);
    const useQi = ctx.options?.[ID]?.qi === true;
    const keep = tableFilter(ctx, ID, view, true);
    if (!view.tables.some((t, i) => keep[i] && t.dated)) {
      throw new ReidgateError('ATTACK_FAILED', 'trajectory: no event table with codes and dates');
    }
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
    const random = rng(deriveSeed(ctx.seed, 'known-events'));
    const itemOffsets = sharedInt32(T + 1);
    const altOffsets: number[] = [0];
    const alts: number[] = [];
    let clipped = 0;
    for (let t = 0; t < T; t++) {
      const p = setup.targets[t];
      const pool: number[] = [];
      for (let j = side.seqOffsets[p]; j < side.seqOffsets[p + 1]; j++) {
        const c = side.seqCodes[j];
        if (keep[tableOf(view, c)] && !isSuppressedCode(view, c)) pool.push(j);
      }
      const picked = pickFirst(pool, K, random);
      for (const j of picked) {
        const code = side.seqCodes[j];
        const lo = Math.max(side.seqLo[j], minDate);
        let hi = Math.min(side.seqHi[j], maxDate);
        if (hi - lo + 1 > MAX_WINDOW) {
          hi = lo + MAX_WINDOW - 1;
          clipped++;
        }
        const supp = view.tables[tableOf(view, code)].suppressed;
        for (let d = lo; d <= hi; d++) {
          // The same code on a date the point may have become, or a suppressed code that day.
          for (const c of [code, supp]) {
            const tok = tokenOf.get(c * span + (d - minDate));
            if (tok !== undefined) alts.push(tok);
          }
        }
        altOffsets.push(alts.length);
      }
      itemOffsets[t + 1] = itemOffsets[t] + picked.length;
    }
    const out = await countMatches(ctx, setup, index, { itemOffsets, ...sharedCsr(altOffsets, alts) }, K);
    const s = summarizeLevels(out, K, small, 'K', {
      id: 'unique-by-k',
      title: 'Targets uniquely identified by k known dated events',
      x: 'k',
      what: 'dated event',
    });
    const used = view.tables.filter((t, i) => keep[i] && t.dated);
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
        eventTables: used.map((t) => ({ name: t.name, precision: t.precision, shiftDays: t.shiftDays })),
        knownQi: setup.knownQi,
        k: K,
        releasePoints: tokenOf.size,
        levels: s.levels,
      },
      method:
        `Targets: ${T} ${setup.mode === 'original' ? 'original patients (seeded sample; truth by the person key)' : 'release patients (seeded sample; the attacker knows released events)'}. ` +
        `The attacker knows k = 1 … ${K} of the target's distinct dated events (code and date) from ${used.map((t) => `${t.name} (${t.precision}${t.shiftDays > 0 ? `, shift ≤ ${t.shiftDays} days` : ''})`).join(', ')}, a seeded random order nested in k` +
        `${setup.knownQi.length > 0 ? `, plus the demographic QIs ${setup.knownQi.join(', ')}` : ', and no demographics (as de Montjoye et al.)'}. ` +
        'Original dates are coarsened to the release precision; with a declared shift S a known date matches any release date within S days (at the release precision). Exact counting over an inverted index of release (code, date) points; a target with fewer than k dated events is left out at k.',
    };
  },
};
