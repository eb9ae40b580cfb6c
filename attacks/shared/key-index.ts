/**
 * @module attacks/shared/key-index — an open-addressing hash index from integer keys (< 2^53) to dense ids.
 *
 * Written by hand because grouping is the innermost loop of every counting attack: a JS `Map` keyed
 * by doubles boxes every key above 2^31 and costs several times more time and memory here.
 */

/** Mixes a non-negative integer below 2^53 into 32 well-spread bits. */
export function mixKey(k: number): number {
  const lo = k >>> 0;
  const hi = (k / 4294967296) >>> 0;
  let h = Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 13;
  return h >>> 0;
}

/** Which of `parts` hash partitions a key belongs to. */
export function partitionOf(k: number, parts: number): number {
  return parts === 1 ? 0 : mixKey(k) % parts;
}

/** Maps keys to ids 0, 1, 2, … in order of first insertion. */
export class KeyIndex {
  private keys: Float64Array;
  private ids: Int32Array;
  private mask: number;
  /** Number of distinct keys inserted. */
  size = 0;

  /** @param expected - a guess of the number of distinct keys (the index grows as needed) */
  constructor(expected = 1024) {
    let cap = 16;
    while (cap < expected * 2) cap *= 2;
    this.keys = new Float64Array(cap);
    this.ids = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
  }

  /** The id of `k`, inserting it with the next id when new. */
  idOf(k: number): number {
    const mask = this.mask;
    let slot = (mixKey(k) >>> 3) & mask;
    for (;;) {
      const id = this.ids[slot];
      if (id === -1) {
        const nid = this.size++;
        this.keys[slot] = k;
        this.ids[slot] = nid;
        if (this.size * 2 > mask) this.grow();
        return nid;
      }
      if (this.keys[slot] === k) return id;
      slot = (slot + 1) & mask;
    }
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldIds = this.ids;
    const cap = oldKeys.length * 2;
    this.keys = new Float64Array(cap);
    this.ids = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    for (let s = 0; s < oldIds.length; s++) {
      const id = oldIds[s];
      if (id === -1) continue;
      const k = oldKeys[s];
      let slot = (mixKey(k) >>> 3) & this.mask;
      while (this.ids[slot] !== -1) slot = (slot + 1) & this.mask;
      this.keys[slot] = k;
      this.ids[slot] = id;
    }
  }
}
