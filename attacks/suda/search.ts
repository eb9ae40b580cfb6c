/**
 * @module attacks/suda/search — the SUDA2 recursive search for minimal sample uniques (a pure kernel).
 *
 * Works on the prepared table (see prepare.ts): distinct rows with a multiplicity of 1 (a sample unique)
 * or 2 (a class of two or more identical records: enough to make any pattern it holds non-unique), each
 * value coded as an item id (`gid`), and the items that can belong to an MSU listed in rank order
 * (ascending support) with the rows that hold them.
 *
 * Manning, Haglin & Keane (2008, doi:10.1007/s10618-007-0078-6) show that an itemset I whose
 * lowest-ranked item is a is an MSU of the table T exactly when J = I \ {a} is an MSU of the sub-table
 * T_a (the rows holding a, over items ranked above a) and some row of T outside T_a holds J (the
 * "special row"). Applied recursively, a search node is an anchor chain A = (a1 … ad) with sub-tables
 * T_0 ⊃ T_1 ⊃ … ⊃ T_d; an item j of T_{d-1}'s list ranked above a_d with support 1 in T_d gives the
 * candidate A ∪ {j}, which is an MSU iff for every level l < d a row of T_{l-1} \ T_l holds
 * {a_{l+1} … a_d, j} (level d needs no check: j's support in T_{d-1} is at least 2). Pruning:
 * - an item with support 1 is an MSU on its own and never part of a larger one;
 * - an item held by every row of a sub-table, or by no sample-unique row, cannot be in an MSU;
 * - an item whose rows in T_{d-1} all hold a_d cannot be in an MSU extending a_d;
 * - the depth is bounded by the maximum MSU size.
 * A node builds its sub-table either by scanning its rows (horizontal) or by filtering the parent's
 * item lists (vertical), whichever touches fewer cells.
 *
 * Work is cut into `tasks` fixed shards of top-level anchors (anchor k goes to shard k mod tasks), so
 * the MSUs found, and where a cap cuts them, do not depend on the number of workers.
 */
import type { SudaSearchPayload, SudaSearchResult } from './types.js';

/** Sort key radix: item index (< 2^24) in the low digits, support above. */
const RADIX = 16777216;

/**
 * Runs the SUDA2 search for the top-level anchors of one shard.
 * @param p - the shard's payload
 * @returns the MSUs of size ≥ 2 whose lowest-ranked item is one of the shard's anchors
 */
export function sudaSearch(p: SudaSearchPayload): SudaSearchResult {
  const m = p.m;
  const maxK = p.maxK;
  const G = new Int32Array(p.gids);
  const mult = new Uint8Array(p.mult);
  const origin = new Int32Array(p.origin);
  const colOf = new Int32Array(p.colOfGid);
  const nLookup = p.nGids + 1 + m;
  const wildBase = p.wild ? p.nGids + 1 : -2147483648;
  const top = new Int32Array(p.itemGid);
  const nTop = top.length;

  // Level d holds the item lists of the current sub-table T_d; level 0 is the whole table.
  const lvN = new Int32Array(maxK + 1);
  const lvGid: Int32Array[] = [top];
  const lvStart: Int32Array[] = [new Int32Array(p.itemStart)];
  const lvRows: Int32Array[] = [new Int32Array(p.itemRows)];
  const lvParent: Int32Array[] = [new Int32Array(0)];
  const lvLookup: Int32Array[] = [new Int32Array(nLookup).fill(-1)];
  const lvKeys: Float64Array[] = [new Float64Array(0)];
  for (let k = 0; k < nTop; k++) lvLookup[0][top[k]] = k;
  lvN[0] = nTop;
  for (let d = 1; d <= maxK; d++) {
    lvGid.push(new Int32Array(64));
    lvStart.push(new Int32Array(65));
    lvRows.push(new Int32Array(1024));
    lvParent.push(new Int32Array(64));
    lvLookup.push(new Int32Array(nLookup).fill(-1));
    lvKeys.push(new Float64Array(64));
  }
  const anchorIdx = new Int32Array(maxK + 2);
  const colActive = new Uint8Array(m);
  const activeCols = new Int32Array(m);
  let cnt = new Int32Array(Math.max(64, nTop));
  let ucnt = new Int32Array(cnt.length);
  let last = new Int32Array(cnt.length);
  let kept = new Int32Array(cnt.length);
  const mark = new Int32Array(mult.length);
  let stamp = 0;
  let out = new Int32Array(1024);
  let nOut = 0;
  let nodes = 0;
  let truncated = false;

  // Column-major item ids: witness scans read a few columns of many rows.
  const R = mult.length;
  const byCol = Array.from({ length: m }, (_, c) => new Int32Array(p.gidsByColumn, c * R * 4, R));
  /** Index at level `to` of the item that has index `idx` at level `from` (from ≥ to). */
  const indexAt = (idx: number, from: number, to: number): number => {
    for (let lv = from; lv > to; lv--) idx = lvParent[lv][idx];
    return idx;
  };

  // The last witness found for each (depth, level): rows like the owner often witness several candidates.
  const recent = new Int32Array((maxK + 1) * (maxK + 1)).fill(-1);

  /** Whether row r holds every anchor a_{l+1} … a_d of the chain, lacks a_l and holds item jg. */
  const witnesses = (r: number, d: number, l: number, jc: number, jg: number): boolean => {
    const x = byCol[jc][r];
    if (x !== jg && x !== wildBase + jc) return false;
    const ag = lvGid[l - 1][anchorIdx[l]];
    const ac = colOf[ag];
    const y = byCol[ac][r];
    if (y === ag || y === wildBase + ac) return false;
    for (let t = l + 1; t <= d; t++) {
      const g = lvGid[t - 1][anchorIdx[t]];
      const c = colOf[g];
      const z = byCol[c][r];
      if (z !== g && z !== wildBase + c) return false;
    }
    return true;
  };

  /** Tests the candidate anchors(1..d) ∪ {item k of level d-1}, held only by row u in T_d. */
  const candidate = (d: number, k: number, u: number): void => {
    const jg = lvGid[d - 1][k];
    const jc = colOf[jg];
    if (G[u * m + jc] !== jg) return; // the only row is a wildcard: no one is singled out
    let mask = 1 << jc;
    for (let l = 1; l <= d; l++) {
      const g = lvGid[l - 1][anchorIdx[l]];
      if (G[u * m + colOf[g]] !== g) return;
      mask |= 1 << colOf[g];
    }
    for (let l = d - 1; l >= 1; l--) {
      const slot = d * (maxK + 1) + l;
      const cached = recent[slot];
      if (cached >= 0 && witnesses(cached, d, l, jc, jg)) continue;
      // The tail item with the shortest list in T_{l-1} bounds the rows to scan.
      const st = lvStart[l - 1];
      let best = indexAt(k, d - 1, l - 1);
      let bestLen = st[best + 1] - st[best];
      for (let t = l + 1; t <= d; t++) {
        const idx = indexAt(anchorIdx[t], t - 1, l - 1);
        const len = st[idx + 1] - st[idx];
        if (len < bestLen) {
          bestLen = len;
          best = idx;
        }
      }
      const rows = lvRows[l - 1];
      let found = false;
      for (let q = st[best], e = st[best + 1]; q < e && !found; q++) {
        const r = rows[q];
        if (witnesses(r, d, l, jc, jg)) {
          recent[slot] = r;
          found = true;
        }
      }
      if (!found) return;
    }
    if (nOut + 2 > out.length) {
      const grown = new Int32Array(out.length * 2);
      grown.set(out);
      out = grown;
    }
    out[nOut++] = origin[u];
    out[nOut++] = mask;
    if (nOut / 2 >= p.cap) truncated = true;
  };

  /** Expands the node whose newest anchor is item `a` of level d-1 (builds T_d, recurses). */
  const expand = (d: number, a: number): void => {
    anchorIdx[d] = a;
    for (let l = 1; l < d; l++) recent[d * (maxK + 1) + l] = -1;
    const np = lvN[d - 1];
    if (cnt.length < np) {
      cnt = new Int32Array(np * 2);
      ucnt = new Int32Array(np * 2);
      last = new Int32Array(np * 2);
      kept = new Int32Array(np * 2);
    }
    const pStart = lvStart[d - 1];
    const pRows = lvRows[d - 1];
    const pLk = lvLookup[d - 1];
    const pGid = lvGid[d - 1];
    const a0 = pStart[a];
    const a1 = pStart[a + 1];
    let nActive = 0;
    for (let k = a + 1; k < np; k++) colActive[colOf[pGid[k]]] = 1;
    for (let c = 0; c < m; c++) {
      if (colActive[c]) activeCols[nActive++] = c;
      colActive[c] = 0;
    }
    const vertical = p.wild || pStart[np] - pStart[a + 1] < (a1 - a0) * nActive;
    let total = 0;
    if (vertical) {
      stamp++;
      for (let q = a0; q < a1; q++) {
        const r = pRows[q];
        mark[r] = stamp;
        total += mult[r];
      }
      for (let k = a + 1; k < np; k++) {
        let c = 0;
        let u = 0;
        let lr = 0;
        for (let q = pStart[k], e = pStart[k + 1]; q < e; q++) {
          const r = pRows[q];
          if (mark[r] === stamp) {
            c++;
            if (mult[r] === 1) {
              u++;
              lr = r;
            }
          }
        }
        cnt[k] = c;
        ucnt[k] = u;
        last[k] = lr;
      }
    } else {
      for (let q = a0; q < a1; q++) {
        const r = pRows[q];
        const w = mult[r];
        total += w;
        const base = r * m;
        for (let t = 0; t < nActive; t++) {
          const k = pLk[G[base + activeCols[t]]];
          if (k > a) {
            cnt[k]++;
            if (w === 1) {
              ucnt[k]++;
              last[k] = r;
            }
          }
        }
      }
    }
    // Candidates (support 1) and the items of T_d, sorted by (support, parent rank).
    const deeper = d + 1 < maxK;
    let keys = lvKeys[d];
    if (keys.length < np) keys = lvKeys[d] = new Float64Array(np * 2);
    let n = 0;
    for (let k = a + 1; k < np; k++) {
      const c = cnt[k];
      if (c === 0) continue;
      const u = ucnt[k];
      const s = 2 * c - u;
      if (s === 1) {
        if (!truncated) candidate(d, k, last[k]);
      } else if (deeper && u > 0 && s < total && c < pStart[k + 1] - pStart[k]) {
        keys[n++] = s * RADIX + k;
        kept[k] = c;
      }
      cnt[k] = 0;
      ucnt[k] = 0;
    }
    if (n === 0 || truncated) return;
    nodes++;
    const sorted = keys.subarray(0, n).sort();
    let gid = lvGid[d];
    let st = lvStart[d];
    let par = lvParent[d];
    if (gid.length < n) {
      gid = lvGid[d] = new Int32Array(n * 2);
      st = lvStart[d] = new Int32Array(n * 2 + 1);
      par = lvParent[d] = new Int32Array(n * 2);
    }
    const lk = lvLookup[d];
    st[0] = 0;
    for (let i = 0; i < n; i++) {
      const k = sorted[i] % RADIX;
      par[i] = k;
      gid[i] = pGid[k];
      lk[pGid[k]] = i;
      st[i + 1] = st[i] + kept[k];
    }
    let rows = lvRows[d];
    if (rows.length < st[n]) rows = lvRows[d] = new Int32Array(st[n] * 2);
    if (vertical) {
      let o = 0;
      for (let i = 0; i < n; i++) {
        const k = par[i];
        for (let q = pStart[k], e = pStart[k + 1]; q < e; q++) {
          const r = pRows[q];
          if (mark[r] === stamp) rows[o++] = r;
        }
      }
    } else {
      const fill = kept; // reused: write positions of the n new items
      for (let i = 0; i < n; i++) fill[par[i]] = st[i];
      for (let q = a0; q < a1; q++) {
        const r = pRows[q];
        const base = r * m;
        for (let t = 0; t < nActive; t++) {
          const i = lk[G[base + activeCols[t]]];
          if (i >= 0) rows[fill[par[i]]++] = r;
        }
      }
    }
    lvN[d] = n;
    for (let i = 0; i < n && !truncated; i++) expand(d + 1, i);
    for (let i = 0; i < n; i++) lk[gid[i]] = -1;
    lvN[d] = 0;
  };

  if (maxK >= 2) {
    for (let k = p.task; k < nTop && !truncated; k += p.tasks) expand(1, k);
  }
  return { task: p.task, msus: out.slice(0, nOut), truncated, nodes };
}
