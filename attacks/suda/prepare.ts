/**
 * @module attacks/suda/prepare — the table SUDA2 searches: distinct rows, item ids, ranked item lists.
 *
 * Only a sample-unique record can have an MSU, and a pattern held by two identical records is never
 * unique, so every class of identical records is kept once with multiplicity min(size, 2). Each
 * (column, value) becomes an item id. Following sdcMicro's `suda2`, a missing value is not an item: it
 * can neither single a record out nor match another record's value. With wildcard semantics a
 * wildcard (`WILDCARD`) is not an item either but matches every value of its column, so a wildcard
 * row joins every item list of that column. Items that cannot belong to an MSU are dropped: those
 * held by every record, and those held by no sample-unique record; items held by one record are the
 * MSUs of size 1.
 */

import type { Column } from '../../src/encode/types.js';
import { MISSING, WILDCARD } from '../../src/encode/types.js';
import { pairIndex, shared } from './pairs.js';
import type { SudaSearchPayload } from './types.js';

/** The prepared table, ready to be cut into search shards. */
export interface PreparedTable {
  /** The shard-independent part of the search payload. */
  base: Omit<SudaSearchPayload, 'maxK' | 'task' | 'tasks' | 'cap'>;
  /** Number of ranked items (top-level anchors). */
  nItems: number;
  /** MSUs of size 1: pairs (release row, column mask). */
  single: Int32Array;
  /** Records in classes of size 1 and of size 2 over all QIs (exact values; for DIS-SUDA). */
  sampleUniques: number;
  pairRecords: number;
  /** Distinct rows (equivalence classes over exact values). */
  classes: number;
}

/**
 * Prepares the SUDA2 search table.
 * @param cols - the quasi-identifier columns (equal lengths)
 * @param wildcard - whether `WILDCARD` codes match any value
 */
export function prepareTable(cols: readonly Column[], wildcard: boolean): PreparedTable {
  const m = cols.length;
  const n = cols[0].length;
  const codes = cols.map((c) => c.codes);
  // 1. Distinct rows: open addressing over a hash of the codes; each class keeps its hash and a
  // row-major copy of its codes, so a probe reads one cache line. The table doubles at half load.
  let cap = 1 << 12;
  let table = new Int32Array(cap).fill(-1);
  let classHash = new Int32Array(1024);
  let classCodes = new Int32Array(1024 * m);
  let classSize = new Int32Array(1024);
  let firstRowOf = new Int32Array(1024);
  let R = 0;
  const row = new Int32Array(m);
  for (let i = 0; i < n; i++) {
    let h = 0x811c9dc5;
    for (let c = 0; c < m; c++) {
      row[c] = codes[c][i];
      h = Math.imul(h ^ row[c], 0x01000193);
    }
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    let slot = h & (cap - 1);
    for (;;) {
      const id = table[slot];
      if (id === -1) break;
      if (classHash[id] === h) {
        let same = true;
        for (let c = 0, o = id * m; c < m && same; c++) same = classCodes[o + c] === row[c];
        if (same) break;
      }
      slot = (slot + 1) & (cap - 1);
    }
    if (table[slot] !== -1) {
      classSize[table[slot]]++;
      continue;
    }
    if (R === classSize.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      classHash = grow(classHash);
      classCodes = grow(classCodes);
      classSize = grow(classSize);
      firstRowOf = grow(firstRowOf);
    }
    table[slot] = R;
    classHash[R] = h;
    classCodes.set(row, R * m);
    classSize[R] = 1;
    firstRowOf[R] = i;
    R++;
    if (R * 2 > cap) {
      cap *= 2;
      table = new Int32Array(cap).fill(-1);
      for (let id = 0; id < R; id++) {
        let t = classHash[id] & (cap - 1);
        while (table[t] !== -1) t = (t + 1) & (cap - 1);
        table[t] = id;
      }
    }
  }
  let sampleUniques = 0;
  let pairRecords = 0;
  for (let r = 0; r < R; r++) {
    if (classSize[r] === 1) sampleUniques++;
    else if (classSize[r] === 2) pairRecords += 2;
  }
  // 2. Item ids: column c's value v is off[c] + v; missing is nGids; a wildcard is nGids + 1 + c.
  const off = new Int32Array(m + 1);
  for (let c = 0; c < m; c++) off[c + 1] = off[c] + cols[c].cardinality;
  const nGids = off[m];
  const gids = shared((b) => new Int32Array(b), R * m, 4);
  const gidsByColumn = shared((b) => new Int32Array(b), R * m, 4);
  const mult = shared((b) => new Uint8Array(b), R, 1);
  const origin = shared((b) => new Int32Array(b), R, 4);
  let wild = false;
  for (let r = 0; r < R; r++) {
    const f = firstRowOf[r];
    mult[r] = classSize[r] === 1 ? 1 : 2;
    origin[r] = f;
    for (let c = 0; c < m; c++) {
      const v = classCodes[r * m + c];
      let g = nGids;
      if (v >= 0) g = off[c] + v;
      else if (v === WILDCARD && wildcard) {
        g = nGids + 1 + c;
        wild = true;
      } else if (v !== MISSING && v !== WILDCARD) throw new Error(`suda: unexpected code ${v}`);
      gids[r * m + c] = g;
      gidsByColumn[c * R + r] = g;
    }
  }
  // 3. Item statistics: rows, sample-unique rows, support (sum of multiplicities); wildcards per column.
  const rowsOf = new Int32Array(nGids);
  const uniqueRowsOf = new Int32Array(nGids);
  const support = new Int32Array(nGids);
  const lastRow = new Int32Array(nGids);
  const wildRows = new Int32Array(m);
  const wildSupport = new Int32Array(m);
  let total = 0;
  for (let r = 0; r < R; r++) {
    const w = mult[r];
    total += w;
    for (let c = 0; c < m; c++) {
      const g = gids[r * m + c];
      if (g < nGids) {
        rowsOf[g]++;
        support[g] += w;
        if (w === 1) uniqueRowsOf[g]++;
        lastRow[g] = r;
      } else if (g > nGids) {
        wildRows[c]++;
        wildSupport[c] += w;
      }
    }
  }
  const colOfGid = shared((b) => new Int32Array(b), nGids, 4);
  const single: number[] = [];
  const ranked: number[] = [];
  for (let c = 0; c < m; c++) {
    for (let g = off[c]; g < off[c + 1]; g++) {
      colOfGid[g] = c;
      if (rowsOf[g] === 0) continue;
      const s = support[g] + wildSupport[c];
      if (s === 1) single.push(origin[lastRow[g]], 1 << c);
      else if (s < total && uniqueRowsOf[g] > 0) ranked.push(g);
    }
  }
  const sup = (g: number) => support[g] + wildSupport[colOfGid[g]];
  ranked.sort((x, y) => sup(x) - sup(y) || x - y);
  // 4. Ranked item lists (CSR), rows ascending within each item.
  const I = ranked.length;
  const itemGid = shared((b) => new Int32Array(b), I, 4);
  const itemStart = shared((b) => new Int32Array(b), I + 1, 4);
  const rank = new Int32Array(nGids).fill(-1);
  const byColumn: number[][] = Array.from({ length: m }, () => []);
  for (let k = 0; k < I; k++) {
    const g = ranked[k];
    itemGid[k] = g;
    rank[g] = k;
    byColumn[colOfGid[g]].push(k);
    itemStart[k + 1] = itemStart[k] + rowsOf[g] + wildRows[colOfGid[g]];
  }
  const itemRows = shared((b) => new Int32Array(b), itemStart[I], 4);
  const fill = itemStart.slice(0, Math.max(1, I));
  for (let r = 0; r < R; r++) {
    for (let c = 0; c < m; c++) {
      const g = gids[r * m + c];
      if (g < nGids) {
        const k = rank[g];
        if (k >= 0) itemRows[fill[k]++] = r;
      } else if (g > nGids) {
        for (const k of byColumn[c]) itemRows[fill[k]++] = r;
      }
    }
  }
  const pairs = wild ? null : pairIndex(gids, m, R, nGids, rank, I);
  const buf = (a: Int32Array | Uint8Array) => a.buffer as SharedArrayBuffer;
  return {
    base: {
      m,
      gids: buf(gids),
      gidsByColumn: buf(gidsByColumn),
      mult: buf(mult),
      origin: buf(origin),
      itemGid: buf(itemGid),
      itemStart: buf(itemStart),
      itemRows: buf(itemRows),
      nGids,
      colOfGid: buf(colOfGid),
      pairId: pairs ? buf(pairs.id) : undefined,
      pairStart: pairs ? buf(pairs.start) : undefined,
      pairRows: pairs ? buf(pairs.rows) : undefined,
      wild,
    },
    nItems: I,
    single: Int32Array.from(single),
    sampleUniques,
    pairRecords,
    classes: R,
  };
}
