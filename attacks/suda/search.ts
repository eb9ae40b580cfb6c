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
 * A node builds its sub-table in one pass, either over its rows (horizontal) or over the parent's item
 * lists (vertical), whichever touches fewer cells, writing each item's rows into its own segment.
 * A witness for level l is any row other than the owner that holds every item of the candidate but
 * a_l and lacks a_l; it is sought first in the last witness found at that depth and level, then in
 * the shortest of: the tail items' lists in T_{l-1} and the pair lists (pairs.ts) of the items.
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
  const itemStart = new Int32Array(p.itemStart);
  const lvFrom: Int32Array[] = [itemStart.subarray(0, nTop)];
  const lvTo: Int32Array[] = [itemStart.subarray(1)];
  const lvRows: Int32Array[] = [new Int32Array(p.itemRows)];
  const lvParent: Int32Array[] = [new Int32Array(0)];
  const lvLookup: Int32Array[] = [new Int32Array(nLookup).fill(-1)];
  const lvKeys: Float64Array[] = [new Float64Array(0)];
  for (let k = 0; k < nTop; k++) lvLookup[0][top[k]] = k;
  lvN[0] = nTop;
  for (let d = 1; d <= maxK; d++) {
    lvGid.push(new Int32Array(64));
    lvFrom.push(new Int32Array(64));
    lvTo.push(new Int32Array(64));
    lvRows.push(new Int32Array(1024));
    lvParent.push(new Int32Array(64));
    lvLookup.push(new Int32Array(nLookup).fill(-1));
    lvKeys.push(new Float64Array(64));
  }
  const anchorIdx = new Int32Array(maxK + 2);
  const colActive = new Uint8Array(m);
  const activeCols = new Int32Array(m);
  // Scratch per parent item: segment start and write position in T_d's buffer, unique rows, last one.
  let pos = new Int32Array(Math.max(64, nTop));
  let seg = new Int32Array(pos.length);
  let ucnt = new Int32Array(pos.length);
  let last = new Int32Array(pos.length);
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
  // The candidate's items: slots 0 … d-1 are the anchors a_1 … a_d, slot d is j.
  const candGid = new Int32Array(maxK + 1);
  const candCol = new Int32Array(maxK + 1);
  const candRank = new Int32Array(maxK + 1);
  const nRanked = lvN[0];
  const pairId = p.pairId ? new Int32Array(p.pairId) : null;
  const pairStart = p.pairStart ? new Int32Array(p.pairStart) : null;
  const pairRows = p.pairRows ? new Int32Array(p.pairRows) : null;

  /** Whether row r holds every item of the candidate (slots 0 … d) except a_l (slot l-1), and lacks a_l. */
  const witnesses = (r: number, d: number, l: number): boolean => {
    for (let t = d; t >= 0; t--) {
      const c = candCol[t];
      const x = byCol[c][r];
      const held = x === candGid[t] || x === wildBase + c;
      if (held === (t === l - 1)) return false;
    }
    return true;
  };

  /** Tests the candidate anchors(1..d) ∪ {item k of level d-1}, held only by row u in T_d. */
  const candidate = (d: number, k: number, u: number): void => {
    let mask = 0;
    for (let t = 0; t <= d; t++) {
      const lv = t < d ? t : d - 1;
      const idx = t < d ? anchorIdx[t + 1] : k;
      const g = lvGid[lv][idx];
      const c = colOf[g];
      if (G[u * m + c] !== g) return; // a wildcard of the owner: it is not singled out by that value
      candGid[t] = g;
      candCol[t] = c;
      candRank[t] = indexAt(idx, lv, 0);
      mask |= 1 << c;
    }
    // Level l needs another row that holds the candidate but for a_l, and lacks a_l (level d holds).
    for (let l = d - 1; l >= 1; l--) {
      const slot = d * (maxK + 1) + l;
      const cached = recent[slot];
      if (cached >= 0 && witnesses(cached, d, l)) continue;
      // Rows to scan: the shortest list of a tail item in T_{l-1}, or of a pair of the candidate's items.
      const stFrom = lvFrom[l - 1];
      const stTo = lvTo[l - 1];
      let rows = lvRows[l - 1];
      let best = indexAt(k, d - 1, l - 1);
      let from = stFrom[best];
      let to = stTo[best];
      for (let t = l + 1; t <= d; t++) {
        best = indexAt(anchorIdx[t], t - 1, l - 1);
        if (stTo[best] - stFrom[best] < to - from) {
          from = stFrom[best];
          to = stTo[best];
        }
      }
      if (pairId && pairStart && pairRows) {
        for (let x = 0; x <= d; x++) {
          if (x === l - 1) continue;
          for (let y = x + 1; y <= d; y++) {
            if (y === l - 1) continue;
            const lo = Math.min(candRank[x], candRank[y]);
            const hi = Math.max(candRank[x], candRank[y]);
            const id = pairId[lo * nRanked + hi];
            if (id >= 0 && pairStart[id + 1] - pairStart[id] < to - from) {
              rows = pairRows;
              from = pairStart[id];
              to = pairStart[id + 1];
            }
          }
        }
      }
      let found = false;
      for (let q = from; q < to && !found; q++) {
        if (witnesses(rows[q], d, l)) {
          recent[slot] = rows[q];
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
    if (pos.length < np) {
      pos = new Int32Array(np * 2);
      seg = new Int32Array(np * 2);
      ucnt = new Int32Array(np * 2);
      last = new Int32Array(np * 2);
    }
    const pFrom = lvFrom[d - 1];
    const pTo = lvTo[d - 1];
    const pRows = lvRows[d - 1];
    const pLk = lvLookup[d - 1];
    const pGid = lvGid[d - 1];
    const a0 = pFrom[a];
    const a1 = pTo[a];
    // Each item ranked above a gets a segment of T_d's row buffer, as long as its list in T_{d-1}.
    let nActive = 0;
    let capacity = 0;
    for (let k = a + 1; k < np; k++) {
      colActive[colOf[pGid[k]]] = 1;
      seg[k] = pos[k] = capacity;
      capacity += pTo[k] - pFrom[k];
    }
    for (let c = 0; c < m; c++) {
      if (colActive[c]) activeCols[nActive++] = c;
      colActive[c] = 0;
    }
    let rows = lvRows[d];
    if (rows.length < capacity) rows = lvRows[d] = new Int32Array(capacity * 2);
    const vertical = p.wild || capacity < (a1 - a0) * nActive;
    let total = 0;
    if (vertical) {
      stamp++;
      for (let q = a0; q < a1; q++) {
        const r = pRows[q];
        mark[r] = stamp;
        total += mult[r];
      }
      for (let k = a + 1; k < np; k++) {
        let o = pos[k];
        let u = 0;
        let lr = 0;
        for (let q = pFrom[k], e = pTo[k]; q < e; q++) {
          const r = pRows[q];
          if (mark[r] === stamp) {
            rows[o++] = r;
            if (mult[r] === 1) {
              u++;
              lr = r;
            }
          }
        }
        pos[k] = o;
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
            rows[pos[k]++] = r;
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
      const c = pos[k] - seg[k];
      const u = ucnt[k];
      ucnt[k] = 0;
      if (c === 0) continue;
      const s = 2 * c - u;
      if (s === 1) {
        if (!truncated) candidate(d, k, last[k]);
      } else if (deeper && u > 0 && s < total && c < pTo[k] - pFrom[k]) {
        keys[n++] = s * RADIX + k;
      }
    }
    if (n === 0 || truncated) return;
    nodes++;
    const sorted = keys.subarray(0, n).sort();
    let gid = lvGid[d];
    let from = lvFrom[d];
    let to = lvTo[d];
    let par = lvParent[d];
    if (gid.length < n) {
      gid = lvGid[d] = new Int32Array(n * 2);
      from = lvFrom[d] = new Int32Array(n * 2);
      to = lvTo[d] = new Int32Array(n * 2);
      par = lvParent[d] = new Int32Array(n * 2);
    }
    const lk = lvLookup[d];
    for (let i = 0; i < n; i++) {
      const k = sorted[i] % RADIX;
      par[i] = k;
      gid[i] = pGid[k];
      lk[pGid[k]] = i;
      from[i] = seg[k];
      to[i] = pos[k];
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
