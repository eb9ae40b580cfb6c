/**
 * @module io/dictionary-columns — per-column dictionary builders that CSV fields are appended to as
 * they are parsed (straight from the file's UTF-8 bytes), and their conversion to an Arrow table of
 * `Dictionary<Utf8, Int32>` columns.
 *
 * Each column is an open-addressing hash table over a byte arena: a field's bytes are hashed (FNV-1a)
 * and looked up without making a JS string, and only a value seen for the first time is copied into
 * the arena, which becomes the Arrow Utf8 data buffer as is. Per cell the cost is one Int32 code; per
 * distinct value its bytes plus three Int32s. (A `Map<string, number>` over decoded strings measured
 * ~2 s of the 1M × 10 load in lookups and garbage collection; this takes a fraction of that.)
 *
 * Missing tokens are entered first, as codes 0…K−1; `toTable` turns those codes into nulls.
 */
import {
  Dictionary,
  Field,
  Int32,
  makeData,
  makeVector,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Utf8,
} from 'apache-arrow';

/** FNV-1a over b[s, e), with a final avalanche so the low bits index the table well. */
function hashBytes(b: Uint8Array, s: number, e: number): number {
  let h = 0x811c9dc5;
  for (let p = s; p < e; p++) h = Math.imul(h ^ b[p], 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h | 0;
}

/** One column: distinct values in a byte arena, a hash index over them, and the per-row codes. */
export class ByteDictionary {
  /** Per-row codes (index into the distinct values). */
  codes: Int32Array;
  /** Number of distinct values (missing tokens included). */
  size = 0;
  // Small to start with (they double as needed), so a file with thousands of columns stays cheap.
  private arena = new Uint8Array(256);
  private arenaLen = 0;
  private offsets = new Int32Array(33);
  private hashes = new Int32Array(32);
  /** Slot → value index + 1 (0 = empty). */
  private slots = new Int32Array(64);
  private mask = 63;

  /** @param capacity - initial row capacity */
  constructor(capacity: number) {
    this.codes = new Int32Array(capacity);
  }

  /**
   * Code of the value b[s, e), entering it if new.
   * @param b - bytes holding the field
   * @param s - start (inclusive)
   * @param e - end (exclusive)
   * @returns the value's code
   */
  code(b: Uint8Array, s: number, e: number): number {
    const h = hashBytes(b, s, e);
    const len = e - s;
    const slots = this.slots;
    const mask = this.mask;
    let i = h & mask;
    for (;;) {
      const v = slots[i] - 1;
      if (v < 0) break;
      if (this.hashes[v] === h) {
        const off = this.offsets[v];
        if (this.offsets[v + 1] - off === len) {
          const arena = this.arena;
          let k = 0;
          while (k < len && arena[off + k] === b[s + k]) k++;
          if (k === len) return v;
        }
      }
      i = (i + 1) & mask;
    }
    return this.insert(b, s, e, h, i);
  }

  private insert(b: Uint8Array, s: number, e: number, h: number, slot: number): number {
    const len = e - s;
    const v = this.size++;
    if (this.arenaLen + len > this.arena.length) {
      const grown = new Uint8Array(Math.max(this.arena.length * 2, this.arenaLen + len));
      grown.set(this.arena.subarray(0, this.arenaLen));
      this.arena = grown;
    }
    if (len < 16) {
      const arena = this.arena;
      const off = this.arenaLen;
      for (let k = 0; k < len; k++) arena[off + k] = b[s + k];
    } else {
      this.arena.set(b.subarray(s, e), this.arenaLen);
    }
    this.arenaLen += len;
    if (v >= this.hashes.length) {
      // hashes holds one entry per value, offsets one more; both grow together.
      const cap = this.hashes.length * 2;
      const gh = new Int32Array(cap);
      gh.set(this.hashes);
      this.hashes = gh;
      const go = new Int32Array(cap + 1);
      go.set(this.offsets);
      this.offsets = go;
    }
    this.offsets[v + 1] = this.arenaLen;
    this.hashes[v] = h;
    this.slots[slot] = v + 1;
    if (this.size * 2 > this.slots.length) this.rehash();
    return v;
  }

  private rehash(): void {
    const n = this.slots.length * 2;
    const slots = new Int32Array(n);
    const mask = n - 1;
    for (let v = 0; v < this.size; v++) {
      let i = this.hashes[v] & mask;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = v + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }

  /**
   * The distinct values from code `from` on as Arrow Utf8 data (exact-size copies of the buffers).
   * @param from - first code to include (the missing tokens come before it)
   */
  utf8Data(from: number) {
    const n = this.size - from;
    const base = this.offsets[from];
    const offsets = new Int32Array(n + 1);
    for (let v = 0; v <= n; v++) offsets[v] = this.offsets[from + v] - base;
    const data = this.arena.slice(base, this.arenaLen);
    return makeData({ type: new Utf8(), offset: 0, length: n, nullCount: 0, valueOffsets: offsets, data });
  }

  /** Drops the builder's buffers. */
  release(): void {
    this.codes = new Int32Array(0);
    this.arena = new Uint8Array(0);
    this.offsets = new Int32Array(1);
    this.hashes = new Int32Array(0);
    this.slots = new Int32Array(1);
    this.mask = 0;
    this.size = 0;
    this.arenaLen = 0;
  }
}

/** Growing dictionary-coded columns, filled row by row in lockstep. */
export class DictionaryColumns {
  /** Committed rows. Fields of the row being parsed are written at index `rows` until `commit`. */
  rows = 0;
  /** The per-column builders; `columns[k].codes[rows] = columns[k].code(bytes, s, e)` sets a field. */
  readonly columns: ByteDictionary[] = [];
  private capacity: number;
  /** Codes below this are missing tokens. */
  private readonly nMissing: number;

  /**
   * @param nColumns - number of columns
   * @param missing - tokens that read as null
   * @param capacity - initial row capacity (grows by doubling)
   */
  constructor(
    readonly nColumns: number,
    missing: readonly string[],
    capacity = 1024,
  ) {
    this.capacity = Math.max(16, capacity);
    const encoder = new TextEncoder();
    const tokens = [...new Set(missing)].map((t) => encoder.encode(t));
    this.nMissing = tokens.length;
    for (let c = 0; c < nColumns; c++) {
      const col = new ByteDictionary(this.capacity);
      for (const t of tokens) col.code(t, 0, t.length);
      this.columns.push(col);
    }
  }

  /** Makes room for the row about to be parsed; call before its first field. */
  reserve(): void {
    if (this.rows < this.capacity) return;
    const next = this.capacity * 2;
    for (const col of this.columns) {
      const grown = new Int32Array(next);
      grown.set(col.codes);
      col.codes = grown;
    }
    this.capacity = next;
  }

  /**
   * Writes one field of the current row.
   * @param col - 0-based column
   * @param b - bytes holding the field
   * @param s - start (inclusive)
   * @param e - end (exclusive)
   */
  set(col: number, b: Uint8Array, s: number, e: number): void {
    const d = this.columns[col];
    d.codes[this.rows] = d.code(b, s, e);
  }

  /** Commits the current row. */
  commit(): void {
    this.rows++;
    if (this.rows === this.capacity) this.reserve();
  }

  /** Takes back the last committed row (a trailing blank line in a one-column file). */
  uncommit(): void {
    if (this.rows > 0) this.rows--;
  }

  /**
   * Builds the Arrow table and releases the builders.
   * @param names - column names, one per column
   * @returns a table whose columns are Dictionary<Utf8, Int32> with a null bitmap each
   */
  toTable(names: readonly string[]): Table {
    const n = this.rows;
    const k = this.nMissing;
    const fields: Field[] = [];
    const children = [];
    for (let c = 0; c < this.nColumns; c++) {
      const col = this.columns[c];
      const type = new Dictionary(new Utf8(), new Int32());
      const codes = col.codes.length > n * 1.25 ? col.codes.slice(0, n) : col.codes.subarray(0, n);
      const bitmap = new Uint8Array((n + 7) >> 3);
      let nulls = 0;
      for (let i = 0; i < n; i++) {
        const v = codes[i] - k;
        if (v < 0) {
          codes[i] = 0;
          nulls++;
        } else {
          codes[i] = v;
          bitmap[i >> 3] |= 1 << (i & 7);
        }
      }
      const dictionary = makeVector(col.utf8Data(k));
      col.release();
      children.push(
        makeData({
          type,
          offset: 0,
          length: n,
          nullCount: nulls,
          nullBitmap: bitmap,
          data: codes,
          dictionary,
        }),
      );
      fields.push(new Field(names[c], type, true));
    }
    const schema = new Schema(fields);
    const struct = makeData({ type: new Struct(fields), length: n, nullCount: 0, children });
    return new Table(schema, new RecordBatch(schema, struct));
  }
}
