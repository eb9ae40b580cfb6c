/**
 * @module io/utf8 — streaming UTF-8 validation of byte chunks (a character may be split across
 * chunks), using Node's native `isUtf8` and locating the first bad byte only when there is one.
 */
import { isUtf8 } from 'node:buffer';

/** Length of the sequence a lead byte starts (0 for a byte that cannot start one). */
function seqLength(c: number): number {
  if (c < 0x80) return 1;
  if (c >= 0xc2 && c <= 0xdf) return 2;
  if (c >= 0xe0 && c <= 0xef) return 3;
  if (c >= 0xf0 && c <= 0xf4) return 4;
  return 0;
}

/**
 * Offset of the first invalid UTF-8 sequence in `b`, or -1 when there is none (a sequence cut off
 * by the end of `b` counts as valid).
 * @param b - bytes
 * @returns the offset, or -1
 */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    const len = seqLength(c);
    if (len === 0) return i;
    for (let k = 1; k < len; k++) {
      if (i + k >= b.length) return -1;
      if ((b[i + k] & 0xc0) !== 0x80) return i;
    }
    const c1 = b[i + 1];
    if (
      (c === 0xe0 && c1 < 0xa0) ||
      (c === 0xed && c1 >= 0xa0) ||
      (c === 0xf0 && c1 < 0x90) ||
      (c === 0xf4 && c1 >= 0x90)
    ) {
      return i;
    }
    i += len;
  }
  return -1;
}

/** Validates a byte stream chunk by chunk. */
export class Utf8Validator {
  /** Bytes of a character cut off at the end of the previous chunk. */
  private carry = new Uint8Array(0);

  /**
   * Checks the next chunk.
   * @param b - the chunk
   * @returns -1 when valid so far, else the offset in `b` of the first bad byte (negative offsets
   *   below -1 are not used: a bad sequence started in the previous chunk is reported at 0)
   */
  push(b: Uint8Array): number {
    let start = 0;
    if (this.carry.length > 0) {
      const need = seqLength(this.carry[0]);
      const take = Math.min(need - this.carry.length, b.length);
      const joined = new Uint8Array(this.carry.length + take);
      joined.set(this.carry);
      joined.set(b.subarray(0, take), this.carry.length);
      if (joined.length < need) {
        if (firstInvalidUtf8(joined) !== -1) return 0;
        this.carry = joined;
        return -1;
      }
      if (!isUtf8(joined)) return 0;
      this.carry = new Uint8Array(0);
      start = take;
    }
    // A character cut off at the end waits for the next chunk.
    let tail = b.length;
    for (let k = 1; k <= 3 && b.length - k >= start; k++) {
      const c = b[b.length - k];
      if (c < 0x80) break;
      if (c >= 0xc0) {
        if (seqLength(c) > k) tail = b.length - k;
        break;
      }
    }
    const body = b.subarray(start, tail);
    if (!isUtf8(body)) {
      const at = firstInvalidUtf8(body);
      return start + (at === -1 ? 0 : at);
    }
    this.carry = b.slice(tail);
    return -1;
  }

  /**
   * Ends the stream.
   * @returns true when no character was left unfinished
   */
  end(): boolean {
    return this.carry.length === 0;
  }
}
